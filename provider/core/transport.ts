import type { Readable } from "node:stream";
import type { Pool } from "undici";
import type { Clock, Deadline } from "./deadline";
import { AmbiguousRequestError, ApiError, ApiErrorDetails, VolumeError } from "./errors";
import type { TokenBucket } from "./rateLimit";
import { errorCode, isConnectionError, isNotSentError, isUnreachableError, retryDelay, RetryPolicy } from "./retry";
import { safeText } from "./secrets";

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

type Undici = typeof import("undici");
let undici: Undici | undefined;
const pools = new Map<string, Pool>();

/**
 * One keep-alive pool per origin, shared by every resource in the process. undici is loaded here,
 * at the first request, not at import: Check and Diff send nothing and should not pay for it.
 */
function poolFor(origin: string): Pool {
    let pool = pools.get(origin);
    if (!pool) {
        // eslint-disable-next-line @typescript-eslint/no-require-imports
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

/**
 * An endpoint as a URL: a full `http(s)://` URL as given, a bare host (`wuyingai.cn-shanghai.aliyuncs.com`,
 * `host:port`) as `https://`. Undefined when it is not a usable HTTP endpoint.
 */
export function endpointUrl(endpoint: string): URL | undefined {
    const text = endpoint.trim();
    const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(text) ? text : `https://${text}`;
    let url: URL;
    try {
        url = new URL(withScheme);
    } catch {
        return undefined;
    }
    return url.protocol === "http:" || url.protocol === "https:" ? url : undefined;
}

/** What one attempt came to: a result, or a failure and whether it may be sent again. */
export type Verdict<T> = { done: T } | Failure;

export interface Failure {
    failure: ApiError;
    retryable: boolean;
    retryAfterMs?: number;
    /** The endpoint refused or did not resolve: retried only `policy.unreachableAttempts` times. */
    unreachable?: boolean;
}

export interface LoopOptions {
    deadline: Deadline;
    policy: RetryPolicy;
    clock: Clock;
    random?: () => number;
    bucket?: TokenBucket;
    /** For the message when the deadline passed before anything was sent. */
    what: string;
}

/**
 * The one retry loop: nothing is sent once the deadline has passed, every retry waits its backoff,
 * and a retry that could not finish before the deadline is not started. Out of time, it throws
 * what the cloud last said, which matters more than the deadline itself.
 */
export async function retryLoop<T>(options: LoopOptions, attempt: (n: number) => Promise<Verdict<T>>): Promise<T> {
    const { deadline, policy, clock } = options;
    let last: ApiError | undefined;
    let unreachable = 0;
    for (let n = 0; ; n++) {
        try {
            deadline.check(options.what);
            await options.bucket?.take(deadline);
            deadline.check(options.what);
        } catch (error) {
            throw last ?? error;
        }
        const started = clock.now();
        const verdict = await attempt(n);
        if ("done" in verdict) return verdict.done;
        if (!verdict.retryable) throw verdict.failure;
        if (verdict.unreachable && ++unreachable >= policy.unreachableAttempts) throw verdict.failure;
        last = verdict.failure;
        const delay = retryDelay(policy, n, verdict.retryAfterMs, options.random);
        if (delay + Math.min(clock.now() - started, 1000) >= deadline.remaining()) throw verdict.failure;
        await clock.sleep(delay);
    }
}

/**
 * Whether a request of `kind` that got `status` (and maybe a cloud `code`) may be sent again.
 * `notProcessedCode`: the code proves the request did not run (POP's `Throttling` is refused before
 * the action runs), so even a create is resent, never left ambiguous.
 */
export function judgeAnswer(
    kind: RequestKind,
    policy: RetryPolicy,
    status: number,
    transientCode: boolean,
    notProcessedCode = false,
): { retryable: boolean; ambiguous: boolean } {
    const transient = policy.retryStatuses.has(status) || transientCode || notProcessedCode;
    if (kind !== "create") return { retryable: transient, ambiguous: false };
    // A create is resent only when the cloud proves it was not processed; a transient failure
    // (5xx, 408, a transient code) may hide a volume made anyway.
    const notProcessed = policy.notProcessedStatuses.has(status) || notProcessedCode;
    return { retryable: notProcessed, ambiguous: transient && !notProcessed };
}

/**
 * A failure without an answer. Connection errors and timeouts are retried by kind; anything else
 * (a library error of another kind, a bug in a hook) is never retried and never reaches the user
 * raw: it becomes an ApiError naming the operation and target.
 */
export function failureWithoutAnswer(
    kind: RequestKind,
    error: unknown,
    base: Pick<ApiErrorDetails, "cloud" | "operation" | "target">,
    endpoint: string,
    endpointRemedy: string | undefined,
): Failure {
    if (error instanceof VolumeError && !(error instanceof ApiError)) throw error;
    if (error instanceof ApiError) return { failure: error, retryable: false };
    const code = errorCode(error);
    if (error instanceof AttemptTimeoutError || isConnectionError(error)) {
        const sent = !isNotSentError(error);
        const unreachable = isUnreachableError(error);
        const what =
            error instanceof AttemptTimeoutError
                ? `${error.message} from ${endpoint}`
                : unreachable
                  ? `cannot reach ${endpoint}`
                  : `no response from ${endpoint}`;
        const details: ApiErrorDetails = {
            ...base,
            code: code ?? "connection error",
            cloudMessage: what,
            remedy: unreachable && endpointRemedy ? endpointRemedy : "check the network and the API URL",
        };
        const ambiguous = kind === "create" && sent;
        return {
            failure: ambiguous ? new AmbiguousRequestError(details, { cause: error }) : new ApiError(details, { cause: error }),
            retryable: kind !== "create" || !sent,
            unreachable,
        };
    }
    const message = error instanceof Error ? error.message : String(error);
    const details: ApiErrorDetails = {
        ...base,
        code,
        cloudMessage: `unexpected failure: ${safeText(message, 200)}`,
        remedy: "please report it",
    };
    // Whatever broke may have broken after the request went out.
    const failure = kind === "create" ? new AmbiguousRequestError(details, { cause: error }) : new ApiError(details, { cause: error });
    return { failure, retryable: false };
}
