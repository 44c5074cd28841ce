/** Fly's error shape (`ErrorResponse`: `{"error": "...", "status": "<code>"}`) and a throwable for it. */
import type { EmuResponse } from "../core/types";

/** A Fly API error a route throws; the Fly handler turns it into a response. */
export class FlyApiError extends Error {
    override readonly name = "FlyApiError";

    constructor(
        readonly status: number,
        message: string,
        /** Fly's `status` code string (`insufficient_capacity`, …), when one applies. */
        readonly code?: string,
    ) {
        super(message);
    }
}

/** Fly's error body. */
export function flyErrorBody(message: string, code?: string): { error: string; status?: string } {
    return code === undefined ? { error: message } : { error: message, status: code };
}

/** A Fly error response. */
export function flyError(status: number, message: string, code?: string, headers?: Record<string, string>): EmuResponse {
    const body = flyErrorBody(message, code);
    return headers ? { status, body, headers } : { status, body };
}

/** 404 for a volume that does not exist (or is soft-deleted, where that reads as gone). */
export function volumeNotFound(): FlyApiError {
    return new FlyApiError(404, "volume not found");
}
