/**
 * VM0's two error shapes: the public API's Stripe-style `{"error":{type,code,message,param?}}` and
 * the storage API's `{"error":{message,code}}` (docs/apis/vm0.md).
 */
import type { EmuResponse } from "../core/types";
import type { Vm0PublicErrorBody, Vm0StorageErrorBody } from "./types";

/** A public API error a route throws. */
export class Vm0ApiError extends Error {
    override readonly name = "Vm0ApiError";
    constructor(
        readonly status: number,
        readonly code: string,
        message: string,
        readonly param?: string,
    ) {
        super(message);
    }
}

/** A storage API error a route throws. */
export class Vm0StorageError extends Error {
    override readonly name = "Vm0StorageError";
    constructor(
        readonly status: number,
        readonly code: string,
        message: string,
    ) {
        super(message);
    }
}

/** The public `type` for a status (a 403 is `authorization_error`, a type outside the documented list, as one version sent). */
export function typeForStatus(status: number): string {
    if (status === 400 || status === 413) return "invalid_request_error";
    if (status === 401) return "authentication_error";
    if (status === 403) return "authorization_error";
    if (status === 404) return "not_found_error";
    if (status === 409) return "conflict_error";
    if (status === 429) return "rate_limit_error";
    return "api_error";
}

/** The public `code` for a status, for injected faults and core errors. */
export function codeForStatus(status: number): string {
    if (status === 401) return "invalid_api_key";
    if (status === 404) return "resource_not_found";
    if (status === 409) return "resource_already_exists";
    if (status === 429) return "rate_limited";
    if (status >= 400 && status < 500) return "invalid_parameter";
    return "internal_error";
}

export function publicErrorBody(status: number, code: string, message: string, param?: string): Vm0PublicErrorBody {
    return { error: { type: typeForStatus(status), code, message, ...(param !== undefined ? { param } : {}) } };
}

export function publicError(status: number, code: string, message: string, param?: string): EmuResponse {
    return { status, body: publicErrorBody(status, code, message, param) };
}

/** The storage API's code for a status. */
export function storageCodeForStatus(status: number): string {
    const codes: Record<number, string> = {
        400: "BAD_REQUEST",
        401: "UNAUTHORIZED",
        403: "FORBIDDEN",
        404: "NOT_FOUND",
        409: "CONFLICT",
        413: "PAYLOAD_TOO_LARGE",
        429: "TOO_MANY_REQUESTS",
    };
    return codes[status] ?? "INTERNAL_SERVER_ERROR";
}

export function storageError(status: number, code: string, message: string): EmuResponse {
    const body: Vm0StorageErrorBody = { error: { message, code } };
    return { status, body };
}
