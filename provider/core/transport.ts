import type { Readable } from "node:stream";
import type { Pool } from "undici";
import type * as UndiciModule from "undici";

/**
 * What a request is, which decides when it may be sent again:
 * - `read`: changes nothing; resent after any transient failure.
 * - `write`: an idempotent write (PUT, DELETE, an RPC delete, a PUT to a presigned URL); sending
 *   it twice has the effect of sending it once, so it is resent like a read.
 * - `create`: anything that must never be sent twice: a create (a lost response would leave a
 *   duplicate volume) and any other non-idempotent call (NeevCloud's extend POST). Resent only
 *   when the cloud proves it did not process it (429) or the connection never opened; any other
 *   failure after it may have been sent is an {@link AmbiguousRequestError}, for the caller to
 *   reconcile.
 */
export type RequestKind = "read" | "create" | "write";

export type Headers = Record<string, string | string[] | undefined>;

/** One attempt on the wire. */
export interface RawRequest {
    origin: string;
    method: string;
    /** Path and query string. */
    path: string;
    headers: Record<string, string>;
    body?: string | Buffer | Readable;
    /** Ceiling for the whole attempt: connect, headers and the entire body. */
    timeoutMs: number;
    /** Largest response body read, bytes. */
    maxBodyBytes: number;
}

export interface RawResponse {
    status: number;
    headers: Headers;
    body: Buffer;
}

type Undici = typeof UndiciModule;
let undici: Undici | undefined;
const pools = new Map<string, Pool>();

/**
 * One keep-alive pool per origin, shared by every resource in the process. undici is loaded here,
 * at the first request, not at import: Check and Diff send nothing and should not pay for it.
 */
function poolFor(origin: string): Pool {
    let pool = pools.get(origin);
    if (!pool) {
        undici ??= require("undici") as Undici;
        pool = new undici.Pool(origin, { connections: 32, keepAliveTimeout: 10_000 });
        pools.set(origin, pool);
    }
    return pool;
}

/** Closes every pool (tests and CLIs that want the process to exit promptly). */
export async function closeAllPools(): Promise<void> {
    const all = [...pools.values()];
    pools.clear();
    await Promise.all(all.map((p) => p.close().catch(() => undefined)));
}

/** The attempt's own timer fired: the response (headers or body) did not complete in time. */
export class AttemptTimeoutError extends Error {
    readonly code = "ETIMEDOUT";
    constructor(readonly ms: number) {
        super(`no complete response within ${Math.ceil(ms / 1000)} s`);
    }
}

class BodyTooLargeError extends Error {
    readonly code = "BODY_TOO_LARGE";
}

/**
 * Sends one attempt and reads the whole body. One timer bounds all of it: undici's `bodyTimeout`
 * is per chunk, so a body trickling a byte at a time would never trip it.
 */
export async function sendOnce(req: RawRequest): Promise<RawResponse> {
    const controller = new AbortController();
    const timeout = new AttemptTimeoutError(req.timeoutMs);
    const timer = setTimeout(() => controller.abort(timeout), req.timeoutMs);
    try {
        const res = await poolFor(req.origin).request({
            method: req.method as "GET",
            path: req.path,
            headers: req.headers,
            body: req.body,
            signal: controller.signal,
            headersTimeout: req.timeoutMs,
            bodyTimeout: req.timeoutMs,
        });
        const chunks: Buffer[] = [];
        let size = 0;
        for await (const chunk of res.body) {
            size += (chunk as Buffer).length;
            if (size > req.maxBodyBytes) {
                res.body.destroy();
                throw new BodyTooLargeError(`response body over ${req.maxBodyBytes} bytes`);
            }
            chunks.push(chunk as Buffer);
        }
        return { status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks) };
    } catch (error) {
        // A stream the attempt did not finish (a file, say) is closed, not left open.
        if (req.body && typeof req.body === "object" && !Buffer.isBuffer(req.body)) req.body.destroy();
        throw controller.signal.aborted ? timeout : error;
    } finally {
        clearTimeout(timer);
    }
}

/** Whether `url` starts with a scheme (`https://`, `s3://`): absolute, not a host or a path. */
export function hasScheme(url: string): boolean {
    return /^[a-z][a-z0-9+.-]*:\/\//i.test(url);
}

/** `https://` before a bare host (`host`, `host:port`), as the clouds' CLIs and SDKs assume; a URL with a scheme as given. */
export function withDefaultScheme(endpoint: string): string {
    return hasScheme(endpoint) ? endpoint : `https://${endpoint}`;
}

/**
 * An endpoint as a URL: a full `http(s)://` URL as given, a bare host (`wuyingai.cn-shanghai.aliyuncs.com`,
 * `host:port`) as `https://`. Undefined when it is not a usable HTTP endpoint.
 */
export function endpointUrl(endpoint: string): URL | undefined {
    let url: URL;
    try {
        url = new URL(withDefaultScheme(endpoint.trim()));
    } catch {
        return undefined;
    }
    return url.protocol === "http:" || url.protocol === "https:" ? url : undefined;
}
