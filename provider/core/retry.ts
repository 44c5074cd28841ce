/**
 * When to retry a request and how long to wait. Pure: no I/O, so it is tested on its own.
 *
 * Backoff is exponential with full jitter (a uniform draw in [0, cap]) because Fly answers 429
 * without Retry-After: clients that retried in lockstep would collide again. A server-given
 * Retry-After is honoured as is (no jitter), capped so a bad header cannot stall past the deadline.
 */
export interface RetryPolicy {
    /** Statuses worth another try for an idempotent request. */
    readonly retryStatuses: ReadonlySet<number>;
    /** Statuses that prove the request was not processed, so even a create may be resent. */
    readonly notProcessedStatuses: ReadonlySet<number>;
    /** First backoff cap, ms. */
    readonly baseDelayMs: number;
    /** Largest backoff cap, ms (base × 2^attempt grows up to this). */
    readonly maxDelayMs: number;
    /** Largest Retry-After honoured, ms. */
    readonly maxRetryAfterMs: number;
}

export const defaultRetryPolicy: RetryPolicy = {
    retryStatuses: new Set([408, 429, 500, 502, 503, 504]),
    notProcessedStatuses: new Set([429]),
    baseDelayMs: 250,
    // 250 ms doubling to 8 s: ~6 tries in the first 20 s, then one every ≤8 s until the deadline.
    maxDelayMs: 8_000,
    maxRetryAfterMs: 60_000,
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
]);

/** Codes proving the request never reached the server (safe to resend even a create). */
const notSentErrorCodes = new Set(["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "UND_ERR_CONNECT_TIMEOUT"]);

function errorCode(error: unknown): string | undefined {
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

/**
 * Parses Retry-After (delta-seconds or an HTTP date) into ms. Malformed or absent → undefined, and
 * the caller falls back to backoff.
 */
export function parseRetryAfter(value: string | string[] | undefined, now: number): number | undefined {
    const raw = Array.isArray(value) ? value[0] : value;
    if (raw === undefined) return undefined;
    const text = raw.trim();
    if (/^\d+(\.\d+)?$/.test(text)) return Math.round(Number(text) * 1000);
    const date = Date.parse(text);
    if (Number.isNaN(date)) return undefined;
    return Math.max(0, date - now);
}

/** Delay before retry number `attempt` (0-based): Retry-After when given, else full jitter. */
export function retryDelay(
    policy: RetryPolicy,
    attempt: number,
    retryAfterMs: number | undefined,
    random: () => number = Math.random,
): number {
    if (retryAfterMs !== undefined) return Math.min(retryAfterMs, policy.maxRetryAfterMs);
    const cap = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.min(attempt, 30));
    return Math.floor(random() * cap);
}
