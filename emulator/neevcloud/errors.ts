/**
 * NeevCloud's error shape (`ErrorResponse`: `{code, message, details?}`) and a
 * throwable for it. The spec does not enumerate `code` values; these are the
 * emulator's own, stable choice (gRPC-style, as a Go gateway would send):
 *
 * | status | code |
 * |---|---|
 * | 400 | `INVALID_ARGUMENT` (bad body/query), `FAILED_PRECONDITION` (extend in the wrong state), |
 * | 400 | `ALREADY_EXISTS` (duplicate name), `VOLUME_IN_USE` (delete while mounted) |
 * | 401 | `UNAUTHORIZED` |
 * | 404 | `NOT_FOUND` (unknown route or volume, non-uuid id) |
 * | 413 | `PAYLOAD_TOO_LARGE` |
 * | 429 | `RATE_LIMITED` (only with the `rateLimit` knob; the spec declares no 429) |
 * | 5xx | `INTERNAL` (500), `UNAVAILABLE` (502–504) |
 */
import type { EmuResponse } from "../core/types";
import type { NeevErrorBody } from "./types";

/** A NeevCloud API error a route throws; the handler turns it into a response. */
export class NeevApiError extends Error {
    override readonly name = "NeevApiError";

    constructor(
        readonly status: number,
        readonly code: string,
        message: string,
        readonly details?: Record<string, unknown>,
    ) {
        super(message);
    }
}

/** The default code for a status (used for injected faults and core errors too). */
export function codeForStatus(status: number): string {
    switch (status) {
        case 400:
            return "INVALID_ARGUMENT";
        case 401:
            return "UNAUTHORIZED";
        case 403:
            return "PERMISSION_DENIED";
        case 404:
            return "NOT_FOUND";
        case 409:
            return "ALREADY_EXISTS";
        case 413:
            return "PAYLOAD_TOO_LARGE";
        case 429:
            return "RATE_LIMITED";
        case 502:
        case 503:
        case 504:
            return "UNAVAILABLE";
        default:
            return status >= 500 ? "INTERNAL" : "UNKNOWN";
    }
}

/** NeevCloud's error body. */
export function neevErrorBody(code: string, message: string, details?: Record<string, unknown>): NeevErrorBody {
    return details === undefined ? { code, message } : { code, message, details };
}

/** A NeevCloud error response. */
export function neevError(
    status: number,
    code: string,
    message: string,
    headers?: Record<string, string>,
    details?: Record<string, unknown>,
): EmuResponse {
    const body = neevErrorBody(code, message, details);
    return headers ? { status, body, headers } : { status, body };
}

/** 400 `INVALID_ARGUMENT`. */
export function invalid(message: string, field?: string): NeevApiError {
    return new NeevApiError(400, "INVALID_ARGUMENT", message, field === undefined ? undefined : { field });
}

/** 404 for a volume that does not exist here (unknown, another project, deleted, or not a uuid). */
export function volumeNotFound(id: string): NeevApiError {
    return new NeevApiError(404, "NOT_FOUND", `network volume ${id} not found`);
}
