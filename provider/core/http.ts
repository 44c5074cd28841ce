import { Pool } from "undici";
import type { Deadline } from "./deadline";
import { Clock, realClock } from "./deadline";
import { ApiError, CloudName, scrub } from "./errors";
import { bucketFor, RateLimit } from "./rateLimit";
import { defaultRetryPolicy, isConnectionError, isNotSentError, parseRetryAfter, retryDelay, RetryPolicy } from "./retry";

export type HttpMethod = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
export type Query = Record<string, string | number | boolean | undefined>;
export type Headers = Record<string, string | string[] | undefined>;

export interface HttpRequest {
    method: HttpMethod;
    /** Appended to the base URL's path. */
    path: string;
    query?: Query;
    /** Sent as JSON. */
    json?: unknown;
    /** Sent as application/x-www-form-urlencoded (AgentBay's POP RPC). */
    form?: Record<string, string>;
    /** For messages: `create volume`, `extend volume`, … */
    operation: string;
    /** For messages: the volume or scope the request is about. */
    target?: string;
    deadline: Deadline;
    /**
     * Safe to resend after an ambiguous failure. Defaults to true for every method but POST: a
     * create is never resent blindly, because a lost response would leave a duplicate volume.
     */
    idempotent?: boolean;
    /** Rate-limit bucket within this client, e.g. `<app>:create`. No bucket when absent. */
    rateKey?: string;
    /** Statuses returned to the caller instead of thrown (e.g. 404 on a read). */
    allowStatuses?: readonly number[];
}

export interface HttpResponse {
    status: number;
    headers: Headers;
    /** Parsed JSON, or the raw text when the body is not JSON, or undefined when empty. */
    body: unknown;
    requestId?: string;
}

/** What a cloud's error body says, in its own words. */
export interface CloudErrorInfo {
    code?: string;
    message?: string;
    requestId?: string;
}

export interface HttpClientOptions {
    cloud: CloudName;
    baseUrl: string;
    /** Auth and other headers, computed per request so credentials are read at run time. */
    headers: () => Record<string, string>;
    /** Response headers that carry the cloud's request id, in order of preference. */
    requestIdHeaders: readonly string[];
    /** Reads the cloud's error body. */
    parseError: (status: number, body: unknown) => CloudErrorInfo;
    /** What the user can do about a failure, by status and code. */
    remedy?: (status: number | undefined, code: string | undefined) => string | undefined;
    rateLimit?: RateLimit;
    /** Ceiling for one attempt, ms; the deadline may cut it shorter. */
    attemptTimeoutMs?: number;
    policy?: RetryPolicy;
    clock?: Clock;
    random?: () => number;
}

/** An ApiError that leaves open whether the server applied the request. */
export class AmbiguousRequestError extends ApiError {}

const pools = new Map<string, Pool>();

/** One keep-alive pool per origin, shared by every resource in the process. */
function poolFor(origin: string): Pool {
    let pool = pools.get(origin);
    if (!pool) {
        pool = new Pool(origin, { connections: 32, keepAliveTimeout: 10_000 });
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

/**
 * JSON over HTTP for one cloud: keep-alive pool, per-attempt timeout, client-side rate limit,
 * retries with backoff for idempotent requests, everything bounded by the request's deadline.
 */
export class HttpClient {
    private readonly origin: string;
    private readonly basePath: string;
    private readonly policy: RetryPolicy;
    private readonly clock: Clock;

    constructor(private readonly options: HttpClientOptions) {
        const url = new URL(options.baseUrl);
        this.origin = url.origin;
        this.basePath = url.pathname.replace(/\/+$/, "");
        this.policy = options.policy ?? defaultRetryPolicy;
        this.clock = options.clock ?? realClock;
    }

    async request(req: HttpRequest): Promise<HttpResponse> {
        const idempotent = req.idempotent ?? req.method !== "POST";
        const bucket =
            req.rateKey && this.options.rateLimit
                ? bucketFor(`${this.options.baseUrl}|${req.rateKey}`, this.options.rateLimit, this.clock)
                : undefined;
        let lastFailure: ApiError | undefined;
        for (let attempt = 0; ; attempt++) {
            try {
                await bucket?.take(req.deadline);
            } catch (error) {
                // Out of time waiting for a slot: what the cloud last said matters more.
                throw lastFailure ?? error;
            }
            const started = this.clock.now();
            let failure: ApiError;
            let retryAfterMs: number | undefined;
            let retryable: boolean;
            try {
                const res = await this.send(req);
                if ((res.status >= 200 && res.status < 300) || req.allowStatuses?.includes(res.status)) return res;
                failure = this.apiError(req, res, idempotent);
                retryable = this.policy.retryStatuses.has(res.status) && (idempotent || this.policy.notProcessedStatuses.has(res.status));
                retryAfterMs = parseRetryAfter(res.headers["retry-after"], this.clock.now());
            } catch (error) {
                if (!isConnectionError(error)) throw error;
                const sent = !isNotSentError(error);
                failure = this.connectionError(req, error, !idempotent && sent);
                retryable = idempotent || !sent;
            }
            if (!retryable) throw failure;
            lastFailure = failure;
            const delay = retryDelay(this.policy, attempt, retryAfterMs, this.options.random);
            // A retry that could not finish before the deadline is not worth starting.
            if (delay + Math.min(this.clock.now() - started, 1000) >= req.deadline.remaining()) {
                throw failure;
            }
            await this.clock.sleep(delay);
        }
    }

    private async send(req: HttpRequest): Promise<HttpResponse> {
        const timeout = Math.max(1, Math.min(this.options.attemptTimeoutMs ?? 30_000, req.deadline.remaining()));
        const headers: Record<string, string> = { accept: "application/json", ...this.options.headers() };
        let body: string | undefined;
        if (req.json !== undefined) {
            headers["content-type"] = "application/json";
            body = JSON.stringify(req.json);
        } else if (req.form) {
            headers["content-type"] = "application/x-www-form-urlencoded";
            body = new URLSearchParams(req.form).toString();
        }
        const res = await poolFor(this.origin).request({
            method: req.method,
            path: this.basePath + req.path + queryString(req.query),
            headers,
            body,
            headersTimeout: timeout,
            bodyTimeout: timeout,
        });
        const text = await res.body.text();
        const parsed = parseBody(text);
        const requestId = this.requestId(res.headers, parsed);
        return { status: res.statusCode, headers: res.headers, body: parsed, requestId };
    }

    private requestId(headers: Headers, body: unknown): string | undefined {
        for (const name of this.options.requestIdHeaders) {
            const v = headers[name];
            if (v) return Array.isArray(v) ? v[0] : v;
        }
        if (body && typeof body === "object") return this.options.parseError(200, body).requestId;
        return undefined;
    }

    private apiError(req: HttpRequest, res: HttpResponse, idempotent: boolean): ApiError {
        const info = res.body === undefined ? {} : this.options.parseError(res.status, res.body);
        const details = {
            cloud: this.options.cloud,
            operation: req.operation,
            target: req.target,
            status: res.status,
            code: info.code,
            cloudMessage: info.message ? scrub(info.message).slice(0, 500) : undefined,
            requestId: res.requestId ?? info.requestId,
            remedy: this.options.remedy?.(res.status, info.code) ?? defaultRemedy(res.status),
        };
        // A 5xx or 408 to a create may hide a volume that was made anyway.
        const ambiguous = !idempotent && this.policy.retryStatuses.has(res.status) && !this.policy.notProcessedStatuses.has(res.status);
        return ambiguous ? new AmbiguousRequestError(details) : new ApiError(details);
    }

    /** `ambiguous`: a non-idempotent request went out and may have been applied. */
    private connectionError(req: HttpRequest, error: unknown, ambiguous: boolean): ApiError {
        const details = {
            cloud: this.options.cloud,
            operation: req.operation,
            target: req.target,
            code: (error as { code?: string }).code ?? "connection error",
            cloudMessage: `no response from ${this.origin}`,
            remedy: "check the network and the API URL",
        };
        return ambiguous ? new AmbiguousRequestError(details, { cause: error }) : new ApiError(details, { cause: error });
    }
}

function defaultRemedy(status: number): string | undefined {
    if (status === 429) return "the cloud is rate limiting; retried until the deadline, raise timeouts to wait longer";
    if (status >= 500) return "the cloud failed; retried until the deadline, try again later";
    return undefined;
}

function queryString(query: Query | undefined): string {
    if (!query) return "";
    const params = new URLSearchParams();
    for (const [k, v] of Object.entries(query)) if (v !== undefined) params.set(k, String(v));
    const s = params.toString();
    return s ? `?${s}` : "";
}

function parseBody(text: string): unknown {
    if (!text) return undefined;
    try {
        return JSON.parse(text);
    } catch {
        return text;
    }
}
