/** JSON and body helpers for emulator handlers and the core server. */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { EmuResponse } from "./types";

/** Largest request body the emulators read (bytes). */
export const maxBodyBytes = 1024 * 1024;

/** Thrown by {@link readBody} when the body exceeds the limit. */
export class BodyTooLargeError extends Error {
    override readonly name = "BodyTooLargeError";
}

/** Read a whole request body, refusing more than `limit` bytes. */
export function readBody(req: IncomingMessage, limit = maxBodyBytes): Promise<Buffer> {
    return new Promise((resolve, reject) => {
        const chunks: Buffer[] = [];
        let size = 0;
        req.on("data", (chunk: Buffer) => {
            size += chunk.length;
            if (size > limit) {
                reject(new BodyTooLargeError(`request body over ${limit} bytes`));
                req.resume();
                return;
            }
            chunks.push(chunk);
        });
        req.on("end", () => resolve(Buffer.concat(chunks)));
        req.on("error", reject);
    });
}

/** Result of {@link parseJsonObject}. */
export type JsonObjectResult =
    { readonly ok: true; readonly value: Record<string, unknown> } | { readonly ok: false; readonly reason: string };

/**
 * Parse a body that must be a JSON object. An empty body is `{}` only when
 * `emptyIsObject` is set (PUT with nothing to change); otherwise it fails.
 */
export function parseJsonObject(body: Buffer, emptyIsObject = false): JsonObjectResult {
    const text = body.toString("utf8").trim();
    if (text === "") {
        return emptyIsObject ? { ok: true, value: {} } : { ok: false, reason: "request body is empty; expected a JSON object" };
    }
    let value: unknown;
    try {
        value = JSON.parse(text);
    } catch {
        return { ok: false, reason: "request body is not valid JSON" };
    }
    if (value === null || typeof value !== "object" || Array.isArray(value)) {
        return { ok: false, reason: "request body must be a JSON object" };
    }
    return { ok: true, value: value as Record<string, unknown> };
}

/** A JSON response. */
export function json(status: number, body: unknown, headers?: Record<string, string>): EmuResponse {
    return headers ? { status, body, headers } : { status, body };
}

/** Write an {@link EmuResponse}; `baseHeaders` go first, the response's own headers override them. */
export function writeResponse(res: ServerResponse, response: EmuResponse, baseHeaders: Record<string, string>): void {
    let payload: string | Buffer;
    let contentType: string;
    // 204 and 304 carry no body; RFC 9110 forbids Content-Length on a 204.
    const bodiless = response.status === 204 || response.status === 304;
    if (bodiless) {
        payload = "";
        contentType = "";
    } else if (response.rawBody !== undefined) {
        payload = response.rawBody;
        contentType = "text/plain; charset=utf-8";
    } else if (response.body !== undefined) {
        payload = JSON.stringify(response.body);
        contentType = "application/json; charset=utf-8";
    } else {
        payload = "";
        contentType = "";
    }
    const headers: Record<string, string | number> = { ...baseHeaders };
    if (contentType !== "") headers["content-type"] = contentType;
    for (const [name, value] of Object.entries(response.headers ?? {})) headers[name.toLowerCase()] = value;
    if (!bodiless) headers["content-length"] = Buffer.byteLength(payload);
    res.writeHead(response.status, headers);
    res.end(payload);
}
