import type { Readable } from "node:stream";
import { type Clock, type Deadline, realClock } from "./deadline";
import { AmbiguousRequestError, ApiError, type ApiErrorDetails, type CloudName, VolumeError } from "./errors";
import { defaultRetryPolicy, failureWithoutAnswer, resendVerdict, parseRetryAfter, retryLoop, type RetryPolicy } from "./retry";
import { safeText } from "./secrets";
import { type Headers, type RequestKind, sendOnce } from "./transport";

/**
 * A credential-free transfer to a presigned URL on another origin (VM0 publishing PUTs archives
 * to object storage). It goes through the same retry, backoff and deadline rules as an API call,
 * but never carries an API credential, and never prints the URL's query string: a presigned
 * query is a bearer credential, so messages name the origin and path only.
 */
export interface TransferRequest {
    /** For messages: the cloud whose operation this is (`vm0`). */
    cloud: CloudName;
    /** The presigned URL. */
    url: string;
    method: "PUT" | "GET";
    /** Headers the URL was signed for (`content-type`, `content-length` for a stream). No credential header is accepted. */
    headers?: Record<string, string>;
    /** The body, made afresh for every attempt (a stream cannot be replayed). A stream needs a `content-length` header for S3. */
    body?: () => Buffer | string | Readable;
    deadline: Deadline;
    /** For messages: `upload archive`, … */
    operation: string;
    /** For messages: the volume the transfer is for. */
    target?: string;
    /** Default: `read` for GET, `write` for PUT (a PUT to one object key is idempotent). */
    kind?: RequestKind;
    /** Ceiling for one attempt, ms, body included (default 120 s); the deadline may cut it shorter. */
    attemptTimeoutMs?: number;
    /** Largest response body read, bytes (default 256 MiB). */
    maxBodyBytes?: number;
    policy?: RetryPolicy;
    clock?: Clock;
    random?: () => number;
}

export interface TransferResponse {
    status: number;
    headers: Headers;
    body: Buffer;
}

/** Headers that carry a credential: a presigned URL needs none, so none may ride along. */
const credentialHeaders = /^(authorization|proxy-authorization|cookie|x-api-key|x-auth-token)$/i;

export async function transfer(req: TransferRequest): Promise<TransferResponse> {
    let url: URL | undefined;
    try {
        url = new URL(req.url);
    } catch {
        url = undefined;
    }
    if (!url || (url.protocol !== "https:" && url.protocol !== "http:"))
        throw new VolumeError(`${req.cloud} ${req.operation}: not an http(s) URL`);
    const where = url.origin + url.pathname;
    for (const name of Object.keys(req.headers ?? {})) {
        if (credentialHeaders.test(name))
            throw new VolumeError(`${req.cloud} ${req.operation}: a transfer never carries credentials (${name})`);
    }
    const kind = req.kind ?? (req.method === "GET" ? "read" : "write");
    const policy = req.policy ?? defaultRetryPolicy;
    const clock = req.clock ?? realClock;
    const base = { cloud: req.cloud, operation: req.operation, target: req.target };
    const what = `${req.cloud} ${req.operation}${req.target ? ` ${req.target}` : ""}`;
    return retryLoop({ deadline: req.deadline, policy, clock, random: req.random, what }, async () => {
        try {
            const res = await sendOnce({
                origin: url.origin,
                method: req.method,
                path: url.pathname + url.search,
                headers: { ...req.headers },
                body: req.body?.(),
                timeoutMs: Math.max(1, Math.min(req.attemptTimeoutMs ?? 120_000, req.deadline.remaining())),
                maxBodyBytes: req.maxBodyBytes ?? 256 * 1024 * 1024,
            });
            if (res.status >= 200 && res.status < 300) return { done: res };
            const info = storageError(res);
            const { retryable, ambiguous } = resendVerdict(kind, policy, res.status, false);
            const details: ApiErrorDetails = {
                ...base,
                status: res.status,
                code: info.code,
                cloudMessage: `${where}: ${info.message ?? `HTTP ${res.status}`}`,
                requestId: info.requestId,
                remedy:
                    res.status === 403
                        ? "the presigned URL was refused (expired or altered); run the operation again for a fresh one"
                        : undefined,
            };
            return {
                failure: ambiguous ? new AmbiguousRequestError(details) : new ApiError(details),
                retryable,
                retryAfterMs: parseRetryAfter(res.headers["retry-after"], clock.now()),
            };
        } catch (error) {
            return failureWithoutAnswer(kind, stripUrl(error, url), base, where, undefined);
        }
    });
}

/** Code, message and request id from an object store's error (S3-style XML), never the request it echoes. */
function storageError(res: TransferResponse): { code?: string; message?: string; requestId?: string } {
    const text = res.body.toString("utf8", 0, Math.min(res.body.length, 64 * 1024));
    const tag = (name: string) => new RegExp(`<${name}>([^<]{0,500})</${name}>`).exec(text)?.[1];
    const header = (name: string) => {
        const v = res.headers[name];
        return Array.isArray(v) ? v[0] : v;
    };
    const message = tag("Message");
    return {
        code: tag("Code"),
        message: message ? safeText(message, 300) : undefined,
        requestId: header("x-amz-request-id") ?? header("x-oss-request-id") ?? header("x-request-id") ?? tag("RequestId"),
    };
}

/** A library error whose message might quote the URL: the query string is cut out of it. */
function stripUrl(error: unknown, url: URL): unknown {
    if (!(error instanceof Error) || !url.search || !error.message.includes(url.search.slice(1))) return error;
    const clean = new Error(error.message.split(url.search).join("").split(url.search.slice(1)).join("…"));
    Object.assign(clean, { code: (error as { code?: unknown }).code });
    return clean;
}
