/** A token-bucket rate limiter keyed by string (e.g. `app` + action). */

/** Bucket parameters: refill rate and capacity. */
export interface RateLimit {
    /** Tokens added per second. */
    readonly perSecond: number;
    /** Bucket capacity (the short-term burst). */
    readonly burst: number;
}

interface Bucket {
    tokens: number;
    last: number;
}

/** One bucket per key, created full; each request takes one token. */
export class TokenBucketLimiter {
    private buckets = new Map<string, Bucket>();

    constructor(private readonly now: () => number = Date.now) {}

    /** Take a token for `key` under `limit`; `false` means the request is over the limit. */
    take(key: string, limit: RateLimit): boolean {
        const now = this.now();
        const capacity = Math.max(1, limit.burst);
        let bucket = this.buckets.get(key);
        if (!bucket) {
            bucket = { tokens: capacity, last: now };
            this.buckets.set(key, bucket);
        }
        const refill = ((now - bucket.last) / 1000) * Math.max(0, limit.perSecond);
        bucket.tokens = Math.min(capacity, bucket.tokens + refill);
        bucket.last = now;
        if (bucket.tokens < 1) return false;
        bucket.tokens -= 1;
        return true;
    }

    /** Forget every bucket (all start full again). */
    reset(): void {
        this.buckets = new Map();
    }
}
