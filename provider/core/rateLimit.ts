import type { Deadline } from "./deadline";
import { DeadlineError } from "./errors";
import { type Clock, realClock } from "./deadline";

/** A client-side request budget: `perSecond` sustained, `burst` at once. */
export interface RateLimit {
    readonly perSecond: number;
    readonly burst: number;
}

/**
 * Token bucket with reservations: a caller takes a token now or is told exactly when its token
 * comes, so waiters are served in arrival order without a polling loop. Tokens may go negative:
 * each negative unit is a caller already queued.
 */
export class TokenBucket {
    private tokens: number;
    private last: number;

    constructor(
        readonly limit: RateLimit,
        private readonly clock: Clock = realClock,
    ) {
        this.tokens = limit.burst;
        this.last = clock.now();
    }

    /** Waits for a token; gives up (and returns the reservation) if it would come after `deadline`. */
    async take(deadline?: Deadline): Promise<void> {
        const now = this.clock.now();
        this.tokens = Math.min(this.limit.burst, this.tokens + ((now - this.last) * this.limit.perSecond) / 1000);
        this.last = now;
        this.tokens -= 1;
        if (this.tokens >= 0) return;
        const waitMs = Math.ceil((-this.tokens * 1000) / this.limit.perSecond);
        if (deadline && waitMs > deadline.remaining()) {
            this.tokens += 1;
            throw new DeadlineError(
                `rate limit: the next request slot is ${Math.ceil(waitMs / 1000)} s away, past the deadline; ${deadline.hint()}`,
            );
        }
        await this.clock.sleep(waitMs);
    }
}

const buckets = new Map<string, TokenBucket>();

/** The process-wide bucket for `key`: every resource in the host process shares it. */
export function bucketFor(key: string, limit: RateLimit, clock: Clock = realClock): TokenBucket {
    let bucket = buckets.get(key);
    if (!bucket) {
        bucket = new TokenBucket(limit, clock);
        buckets.set(key, bucket);
    }
    return bucket;
}
