import { inAccountTerms } from "./account";
import type { Deadline } from "./deadline";
import { type Clock, realClock } from "./deadline";
import { AmbiguousRequestError, ApiError, type ApiErrorDetails, type CloudName, VolumeError } from "./errors";
import { bucketFor, type RateLimit } from "./rateLimit";
import {
    defaultRetryPolicy,
    failureWithoutAnswer,
    resendVerdict,
    parseRetryAfter,
    retryLoop,
    type RetryPolicy,
    type Verdict,
} from "./retry";
import { safeText } from "./secrets";
import { endpointUrl, type Headers, type RawRequest, type RequestKind, sendOnce } from "./transport";

export type HttpMethod = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
export type Query = Record<string, string | number | boolean | undefined>;

export interface HttpRequest {
    method: HttpMethod;
    /** Appended to the base URL's path. */
    path: string;
    query?: Query;
    /** Sent as JSON. */
    json?: unknown;
    /** Sent as application/x-www-form-urlencoded (AgentBay's POP RPC). */
    form?: Record<string, string>;
    /** What the request is, which decides when it may be resent: see {@link RequestKind}. */
    kind: RequestKind;
    /** For messages: `create volume`, `extend volume`, … */
    operation: string;
    /** For messages: the volume or scope the request is about. */
    target?: string;
    /**
     * Bounds the request, retries and the whole response body. A create passes a shorter one
     * (`deadline.reserve(ms)`) to keep time for the lookup after an ambiguous failure.
     */
    deadline: Deadline;
    /** Rate-limit bucket within this client, e.g. `<app>:create`. No bucket when absent. */
    rateKey?: string;
    /**
     * Runs after the rate-limit slot is granted, right before each attempt goes out. A create passes
     * the hook `createOwned` gives its `send`, which re-takes the ownership snapshot when it has aged
     * (a same-named volume made while the request waited for its slot is then not taken for ours).
     */
    beforeSend?: () => Promise<void>;
    /**
     * Statuses returned to the caller instead of thrown (e.g. 404 on a read). A 404 is returned only
     * when it is the cloud's own (its error shape): one from a proxy or a wrong URL is thrown, naming both.
     */
    allowStatuses?: readonly number[];
}

export interface HttpResponse {
    status: number;
    headers: Headers;
    /** Parsed JSON (`null` stays `null`), or the raw text when the body is not JSON, or undefined when empty. */
    body: unknown;
    requestId?: string;
}

/** What a cloud's error body says, in its own words. */
export interface CloudErrorInfo {
    code?: string;
    message?: string;
    requestId?: string;
    /** The status the cloud's envelope reports (AgentBay's `HttpStatusCode`); the HTTP status when absent. */
    status?: number;
}

/** Parts of a request computed afresh for every attempt, merged over the request's own. */
export interface AttemptParts {
    headers?: Record<string, string>;
    query?: Query;
    form?: Record<string, string>;
}

export interface HttpClientOptions {
    cloud: CloudName;
    /** A full URL (`http://127.0.0.1:4000/storage`) or a bare host (`wuyingai.cn-shanghai.aliyuncs.com`, `host:port`): `https://` assumed. */
    baseUrl: string;
    /** Where the user sets the endpoint, for messages: "`fly:apiUrl` or FLY_API_URL". */
    endpointSource?: string;
    /** Headers for every request (auth for REST clouds), computed per request so credentials are read at run time. */
    headers?: () => Record<string, string>;
    /**
     * Builds per attempt what must be fresh or placed where the API wants it: AgentBay's
     * `Timestamp`/`SignatureNonce` query and its key in the form body. Never echoed in errors.
     * `attempt` counts from 0; a hook that throws fails the request (an ApiError, not resent).
     */
    prepare?: (attempt: number, req: HttpRequest) => AttemptParts;
    /** Response headers that carry the cloud's request id, in order of preference. */
    requestIdHeaders: readonly string[];
    /** Reads the cloud's JSON error body. A text body never reaches it: the core makes it the message. */
    parseError: (status: number, body: unknown) => CloudErrorInfo;
    /**
     * Whether an error body is in the cloud's own shape (so a 404 means "no such thing"). Default: a
     * JSON object from which `parseError` reads a code or a message. A text or HTML body never is.
     */
    isCloudError?: (status: number, body: unknown) => boolean;
    /** Reads a 2xx response as a failure (AgentBay's `Success: false`): undefined when it is a success. */
    classify?: (res: HttpResponse) => CloudErrorInfo | undefined;
    /** Cloud error codes that are transient: retried like a 503 (a create: never resent, ambiguous). */
    retryCodes?: readonly string[];
    /**
     * Cloud error codes that prove the request was not processed (a throttling code: refused before
     * it ran): retried for every kind, a create included, which is then never ambiguous.
     */
    notProcessedCodes?: readonly string[];
    /** What the user can do about a failure, by status, code and the cloud's message. */
    remedy?: (status: number | undefined, code: string | undefined, message: string | undefined) => string | undefined;
    rateLimit?: RateLimit;
    /** Ceiling for one attempt, ms, body included; the deadline may cut it shorter. */
    attemptTimeoutMs?: number;
    policy?: RetryPolicy;
    clock?: Clock;
    random?: () => number;
}

const maxBodyBytes = 32 * 1024 * 1024;

/**
 * JSON over HTTP for one cloud, REST or RPC: keep-alive pool, per-attempt timeout over the whole
 * response, client-side rate limit, retries with backoff by request kind, error status and cloud
 * code, everything bounded by the request's deadline.
 */
export class HttpClient {
    private readonly origin: string;
    private readonly basePath: string;
    /** Origin and base path, for messages (the base URL has no credential). */
    private readonly endpoint: string;
    private readonly policy: RetryPolicy;
    private readonly clock: Clock;
    private readonly retryCodes: ReadonlySet<string>;
    private readonly notProcessedCodes: ReadonlySet<string>;

    constructor(private readonly options: HttpClientOptions) {
        const url = endpointUrl(options.baseUrl);
        if (!url) {
            const where = options.endpointSource ? `; check ${inAccountTerms(options.endpointSource)}` : "";
            throw new VolumeError(
                `${options.cloud}: the API URL '${safeText(options.baseUrl, 100)}' is not an http(s) URL or host${where}`,
            );
        }
        this.origin = url.origin;
        this.basePath = url.pathname.replace(/\/+$/, "");
        this.endpoint = this.origin + this.basePath;
        this.policy = options.policy ?? defaultRetryPolicy;
        this.clock = options.clock ?? realClock;
        this.retryCodes = new Set(options.retryCodes ?? []);
        this.notProcessedCodes = new Set(options.notProcessedCodes ?? []);
    }

    async request(req: HttpRequest): Promise<HttpResponse> {
        const { rateLimit, cloud } = this.options;
        const bucket = req.rateKey && rateLimit ? bucketFor(`${this.endpoint}|${req.rateKey}`, rateLimit, this.clock) : undefined;
        const what = `${cloud} ${req.operation}${req.target ? ` ${req.target}` : ""}`;
        const loop = {
            deadline: req.deadline,
            policy: this.policy,
            clock: this.clock,
            random: this.options.random,
            bucket,
            what,
            beforeSend: req.beforeSend,
        };
        return retryLoop(loop, async (attempt) => {
            let built: RawRequest;
            try {
                built = this.build(req, attempt);
            } catch (error) {
                // Nothing went out: a plain failure, never "maybe created", never sent again.
                return { failure: notSent(error, { cloud, operation: req.operation, target: req.target }), retryable: false };
            }
            try {
                return this.verdictOf(req, await this.send(built));
            } catch (error) {
                const remedy = this.options.endpointSource ? `check ${this.options.endpointSource}` : undefined;
                return failureWithoutAnswer(
                    req.kind,
                    error,
                    { cloud, operation: req.operation, target: req.target },
                    this.endpoint,
                    remedy,
                );
            }
        });
    }

    private verdictOf(req: HttpRequest, res: HttpResponse): Verdict<HttpResponse> {
        let info: CloudErrorInfo | undefined;
        if (res.status >= 200 && res.status < 300) {
            info = this.options.classify?.(res);
            if (!info) return { done: res };
        } else if (req.allowStatuses?.includes(res.status) && (res.status !== 404 || this.cloudShaped(res))) {
            return { done: res };
        } else {
            info = this.errorInfo(res);
        }
        if (res.status === 404 && !this.cloudShaped(res)) return { failure: this.foreign404(req, res, info), retryable: false };
        const status = info.status ?? res.status;
        const code = info.code;
        const { retryable, ambiguous } = resendVerdict(
            req.kind,
            this.policy,
            status,
            !!code && this.retryCodes.has(code),
            !!code && this.notProcessedCodes.has(code),
        );
        const details: ApiErrorDetails = {
            cloud: this.options.cloud,
            operation: req.operation,
            target: req.target,
            status,
            code: info.code,
            cloudMessage: info.message ? safeText(info.message, 500) : undefined,
            requestId: res.requestId ?? info.requestId,
            remedy: this.options.remedy?.(status, info.code, info.message) ?? defaultRemedy(status, retryable),
            cloudShaped: this.cloudShaped(res),
        };
        return {
            failure: ambiguous ? new AmbiguousRequestError(details) : new ApiError(details),
            retryable,
            retryAfterMs: parseRetryAfter(res.headers["retry-after"], this.clock.now()),
        };
    }

    private cloudShaped(res: HttpResponse): boolean {
        const { body } = res;
        if (this.options.isCloudError) return this.options.isCloudError(res.status, body);
        if (body === null || typeof body !== "object" || Array.isArray(body)) return false;
        const info = this.options.parseError(res.status, body);
        return info.code !== undefined || info.message !== undefined;
    }

    /**
     * A 404 not in the cloud's error shape: a proxy, a captive portal or a wrong API URL answered, so
     * it says nothing about the volume. Never "gone": an error naming the URL and where it is set.
     */
    private foreign404(req: HttpRequest, res: HttpResponse, info: CloudErrorInfo): ApiError {
        const { cloud, endpointSource } = this.options;
        const kind = typeof res.body === "string" ? (/<html|<!doctype/i.test(res.body) ? "an HTML page" : "a text body") : "a body";
        const said = info.message ? `: ${safeText(info.message, 120)}` : "";
        return new ApiError({
            cloud,
            operation: req.operation,
            target: req.target,
            status: 404,
            cloudMessage: `${this.endpoint}${req.path} answered 404 with ${kind} not in ${cloud}'s error shape${said}`,
            requestId: res.requestId,
            remedy:
                `this is not ${cloud} saying the volume is gone (a proxy or a wrong API URL answered), so nothing was dropped; ` +
                `check ${endpointSource ?? "the API URL"}`,
            cloudShaped: false,
        });
    }

    private errorInfo(res: HttpResponse): CloudErrorInfo {
        if (res.body === undefined || res.body === null) return {};
        // A text body (a proxy's page, a plain message) is the message, scrubbed before it is cut.
        if (typeof res.body === "string") return { message: res.body };
        const info = this.options.parseError(res.status, res.body);
        // A JSON body not in the cloud's error shape (a gateway's `{"message": …}`) still says what it can.
        return info.message === undefined ? { ...info, message: looseMessage(res.body) } : info;
    }

    /** The attempt as it goes on the wire: hooks, headers and body. Throws before anything is sent. */
    private build(req: HttpRequest, attempt: number): RawRequest {
        const parts = this.options.prepare?.(attempt, req) ?? {};
        const timeoutMs = Math.max(1, Math.min(this.options.attemptTimeoutMs ?? 30_000, req.deadline.remaining()));
        const headers: Record<string, string> = { accept: "application/json", ...this.options.headers?.(), ...parts.headers };
        let body: string | undefined;
        const form = req.form || parts.form ? { ...req.form, ...parts.form } : undefined;
        if (req.json !== undefined) {
            headers["content-type"] = "application/json";
            body = JSON.stringify(req.json);
        } else if (form) {
            headers["content-type"] = "application/x-www-form-urlencoded";
            body = formBody(form);
        }
        const query = req.query || parts.query ? { ...req.query, ...parts.query } : undefined;
        return {
            origin: this.origin,
            method: req.method,
            path: this.basePath + req.path + queryString(query),
            headers,
            body,
            timeoutMs,
            maxBodyBytes,
        };
    }

    private async send(raw: RawRequest): Promise<HttpResponse> {
        const answer = await sendOnce(raw);
        const parsed = parseBody(answer.body.toString("utf8"));
        return { status: answer.status, headers: answer.headers, body: parsed, requestId: this.requestId(answer.headers, parsed) };
    }

    private requestId(headers: Headers, body: unknown): string | undefined {
        for (const name of this.options.requestIdHeaders) {
            const v = headers[name];
            if (v) return Array.isArray(v) ? v[0] : v;
        }
        if (body && typeof body === "object") return this.options.parseError(200, body).requestId;
        return undefined;
    }
}

/** A request that failed while it was being built (a hook threw, a body would not serialise): nothing was sent. */
function notSent(error: unknown, base: Pick<ApiErrorDetails, "cloud" | "operation" | "target">): ApiError {
    if (error instanceof VolumeError) return error instanceof ApiError ? error : new ApiError({ ...base, cloudMessage: error.message });
    const message = error instanceof Error ? error.message : String(error);
    return new ApiError(
        {
            ...base,
            cloudMessage: `the request could not be built, so nothing was sent: ${safeText(message, 200)}`,
            remedy: "please report it",
        },
        { cause: error },
    );
}

/** `message`, else `error`, of a JSON object, when it is a string. */
function looseMessage(body: unknown): string | undefined {
    const o = body as { message?: unknown; error?: unknown };
    return typeof o?.message === "string" ? o.message : typeof o?.error === "string" ? o.error : undefined;
}

function defaultRemedy(status: number, retried: boolean): string | undefined {
    const after = retried ? "retried until the deadline, " : "";
    if (status === 429)
        return `the cloud is rate limiting; ${retried ? "retried until the deadline, raise timeouts to wait longer" : "try again later"}`;
    if (status >= 500) return `the cloud failed; ${after}try again later`;
    return undefined;
}

/** `encodeURIComponent` on both sides (a space is `%20`, as Alibaba's transport writes it), not URLSearchParams' `+`. */
export function queryString(query: Query | undefined): string {
    if (!query) return "";
    const s = Object.entries(query)
        .filter(([, v]) => v !== undefined)
        .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`)
        .join("&");
    return s ? `?${s}` : "";
}

/** Form encoding as Alibaba's transport writes it: `encodeURIComponent` on both sides (a space is `%20`). */
export function formBody(form: Record<string, string>): string {
    return Object.entries(form)
        .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`)
        .join("&");
}

/** JSON when it parses (`null` included, as Fly may answer a list), else the text; undefined when empty. */
function parseBody(text: string): unknown {
    if (!text) return undefined;
    try {
        return JSON.parse(text);
    } catch {
        return text;
    }
}
