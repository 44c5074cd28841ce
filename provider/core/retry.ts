import { type Backoff, backoffCap, backoffPause } from "./backoff";
import type { Clock, Deadline } from "./deadline";
import { AmbiguousRequestError, answerFacts, ApiError, type ApiErrorDetails, VolumeError } from "./errors";
import { currentProgress } from "./progress";
import type { TokenBucket } from "./rateLimit";
import { safeText } from "./secrets";
import { AttemptTimeoutError, type RequestKind } from "./transport";

/**
 * When to send a request again, how long to wait, and the one loop that does it (the attempt itself
 * is the caller's: `HttpClient.send`, a transfer's PUT/GET). Only the loop sleeps, on the injected
 * clock; everything else is pure, and tested on its own.
 *
 * Backoff is exponential with full jitter (a uniform draw in [0, cap]) because Fly answers 429
 * without Retry-After: clients that retried in lockstep would collide again. A server-given
 * Retry-After is honoured without jitter, capped so a bad header cannot stall past the deadline,
 * and never shorter than the backoff floor so `Retry-After: 0` cannot make a tight loop.
 */
export interface RetryPolicy extends Backoff {
    /** Statuses worth another try for a read or an idempotent write. */
    readonly retryStatuses: ReadonlySet<number>;
    /** Statuses that prove the request was not processed, so even a create may be resent. */
    readonly notProcessedStatuses: ReadonlySet<number>;
    /** Largest Retry-After honoured, ms. */
    readonly maxRetryAfterMs: number;
    /**
     * Attempts on an endpoint that refuses connections or does not resolve before giving up. A
     * wrong API URL should fail in seconds, not retry until a 300 s deadline.
     */
    readonly unreachableAttempts: number;
}

export const defaultRetryPolicy: RetryPolicy = {
    retryStatuses: new Set([408, 429, 500, 502, 503, 504]),
    notProcessedStatuses: new Set([429]),
    // Caps of 250 ms doubling to 8 s, full jitter: ~6 tries in the first 20 s, then one every ≤8 s.
    firstMs: 250,
    factor: 2,
    maxMs: 8_000,
    jitter: "full",
    maxRetryAfterMs: 60_000,
    // Waits of ≤250, ≤500, ≤1000 ms: about 2 s before a refused connection is reported.
    unreachableAttempts: 4,
};

/** Error codes of a connection that failed or broke (Node and undici). */
const connectionErrorCodes = new Set([
    "ECONNRESET",
    "ECONNREFUSED",
    "ECONNABORTED",
    "EPIPE",
    "ETIMEDOUT",
    "ENOTFOUND",
    "EAI_AGAIN",
    "UND_ERR_SOCKET",
    "UND_ERR_CONNECT_TIMEOUT",
    "UND_ERR_HEADERS_TIMEOUT",
    "UND_ERR_BODY_TIMEOUT",
    "UND_ERR_CLOSED",
    "EHOSTUNREACH",
    "ENETUNREACH",
]);

/** Codes proving the request never reached the server (safe to resend even a create). */
const notSentErrorCodes = new Set(["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "UND_ERR_CONNECT_TIMEOUT", "EHOSTUNREACH", "ENETUNREACH"]);

/** Codes that point at a wrong endpoint rather than a passing fault: retried only a few times. */
const unreachableErrorCodes = new Set(["ECONNREFUSED", "ENOTFOUND", "EHOSTUNREACH", "ENETUNREACH"]);

export function errorCode(error: unknown): string | undefined {
    for (let e: unknown = error, depth = 0; e && depth < 4; depth++) {
        const code = (e as { code?: unknown }).code;
        if (typeof code === "string") return code;
        e = (e as { cause?: unknown }).cause;
    }
    return undefined;
}

export function isConnectionError(error: unknown): boolean {
    const code = errorCode(error);
    return code !== undefined && connectionErrorCodes.has(code);
}

export function isNotSentError(error: unknown): boolean {
    const code = errorCode(error);
    return code !== undefined && notSentErrorCodes.has(code);
}

export function isUnreachableError(error: unknown): boolean {
    const code = errorCode(error);
    return code !== undefined && unreachableErrorCodes.has(code);
}

const months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
const imfFixdate = /^(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun), (\d{2}) ([A-Z][a-z]{2}) (\d{4}) (\d{2}):(\d{2}):(\d{2}) GMT$/;

/** An RFC 7231 IMF-fixdate (`Sun, 06 Nov 1994 08:49:37 GMT`) in ms, or undefined. */
export function parseHttpDate(text: string): number | undefined {
    const m = imfFixdate.exec(text);
    // Every group of the pattern is mandatory: the check only tells the types so.
    const [, dd, mon, yyyy, hh, mi, ss] = m ?? [];
    if (dd === undefined || mon === undefined || yyyy === undefined || hh === undefined || mi === undefined || ss === undefined)
        return undefined;
    const month = months.indexOf(mon);
    if (month < 0) return undefined;
    const [day, year, h, min, sec] = [Number(dd), Number(yyyy), Number(hh), Number(mi), Number(ss)] as const;
    const ms = Date.UTC(year, month, day, h, min, sec);
    // Date.UTC rolls 31 Feb over into March: a date that does not exist is junk.
    const d = new Date(ms);
    if (d.getUTCDate() !== day || d.getUTCHours() !== h || d.getUTCMinutes() !== min || d.getUTCSeconds() !== sec) return undefined;
    return ms;
}

/**
 * Parses Retry-After into ms: delta-seconds (a fraction is tolerated) or an IMF-fixdate, nothing
 * else. `Date.parse` is not used: it takes "1", "2026" or "tomorrow"-like junk as dates in the
 * past, which would mean "retry now". Malformed or absent → undefined, and backoff applies.
 */
export function parseRetryAfter(value: string | string[] | undefined, now: number): number | undefined {
    const raw = Array.isArray(value) ? value[0] : value;
    if (raw === undefined) return undefined;
    const text = raw.trim();
    if (/^\d+(\.\d+)?$/.test(text)) return Math.round(Number(text) * 1000);
    const date = parseHttpDate(text);
    return date === undefined ? undefined : Math.max(0, date - now);
}

/**
 * The least a retry waits when the server names a delay: half the backoff cap. A server saying
 * `Retry-After: 0` on every answer would otherwise be hammered in a tight loop.
 */
export function backoffFloor(policy: RetryPolicy, attempt: number): number {
    return Math.floor(backoffCap(policy, attempt) / 2);
}

/**
 * Delay before retry number `attempt` (0-based). With Retry-After: the server's delay without
 * jitter, capped, and never below the backoff floor. Without: full jitter below the cap.
 */
export function retryDelay(
    policy: RetryPolicy,
    attempt: number,
    retryAfterMs: number | undefined,
    random: () => number = Math.random,
): number {
    if (retryAfterMs !== undefined) return Math.max(backoffFloor(policy, attempt), Math.min(retryAfterMs, policy.maxRetryAfterMs));
    return backoffPause(policy, attempt, random);
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
    /** Runs once the slot is granted, before each attempt (see `HttpRequest.beforeSend`). */
    beforeSend?: () => Promise<void>;
}

/**
 * The one retry loop: nothing is sent once the deadline has passed, every retry waits its backoff,
 * and a retry that could not finish before the deadline is not started. Out of time, it throws
 * what the cloud last said, which matters more than the deadline itself.
 */
export async function retryLoop<T>(options: LoopOptions, attempt: (n: number) => Promise<Verdict<T>>): Promise<T> {
    const { deadline, policy, clock } = options;
    // Captured now: the loop may run on in a shared list that outlives its caller's context.
    const progress = currentProgress();
    let last: ApiError | undefined;
    let unreachable = 0;
    for (let n = 0; ; n++) {
        try {
            deadline.check(options.what);
            await options.bucket?.take(deadline);
            await options.beforeSend?.();
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
        progress.retrying(options.what, failureFacts(verdict.failure), n + 1, delay);
        await clock.sleep(delay);
    }
}

/** What a retry line says of the failure: `503 UNAVAILABLE, request r-1`, or the cloud's words when no answer came. */
function failureFacts(failure: ApiError): string {
    const d = failure.details;
    const facts = answerFacts(d);
    const words = d.cloudMessage ? d.cloudMessage.slice(0, 120) : undefined;
    return facts ? `${facts}${words && !d.status ? ` ${words}` : ""}` : (words ?? "no answer");
}

/**
 * Whether a request of `kind` that got `status` (and maybe a cloud `code`) may be sent again.
 * `notProcessedCode`: the code proves the request did not run (POP's `Throttling` is refused before
 * the action runs), so even a create is resent, never left ambiguous.
 */
export function resendVerdict(
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
    // Whatever broke may have broken after the request went out, unless undici refused it before
    // writing a byte (an invalid argument: a header with a line break, say).
    const failure =
        kind === "create" && code !== "UND_ERR_INVALID_ARG"
            ? new AmbiguousRequestError(details, { cause: error })
            : new ApiError(details, { cause: error });
    return { failure, retryable: false };
}
