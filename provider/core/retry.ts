/**
 * When to retry a request and how long to wait. Pure: no I/O, so it is tested on its own.
 *
 * Backoff is exponential with full jitter (a uniform draw in [0, cap]) because Fly answers 429
 * without Retry-After: clients that retried in lockstep would collide again. A server-given
 * Retry-After is honoured without jitter, capped so a bad header cannot stall past the deadline,
 * and never shorter than the backoff floor so `Retry-After: 0` cannot make a tight loop.
 */
export interface RetryPolicy {
    /** Statuses worth another try for a read or an idempotent write. */
    readonly retryStatuses: ReadonlySet<number>;
    /** Statuses that prove the request was not processed, so even a create may be resent. */
    readonly notProcessedStatuses: ReadonlySet<number>;
    /** First backoff cap, ms. */
    readonly baseDelayMs: number;
    /** Largest backoff cap, ms (base × 2^attempt grows up to this). */
    readonly maxDelayMs: number;
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
    baseDelayMs: 250,
    // 250 ms doubling to 8 s: ~6 tries in the first 20 s, then one every ≤8 s until the deadline.
    maxDelayMs: 8_000,
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
    if (!m) return undefined;
    const month = months.indexOf(m[2]);
    if (month < 0) return undefined;
    const [day, year, h, min, sec] = [m[1], m[3], m[4], m[5], m[6]].map(Number);
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

/** The backoff cap for retry number `attempt` (0-based): base × 2^attempt, up to the maximum. */
function backoffCap(policy: RetryPolicy, attempt: number): number {
    return Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.min(attempt, 30));
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
    return Math.floor(random() * backoffCap(policy, attempt));
}
