import { DeadlineError } from "./errors";

/** Injectable clock so tests of waiting and retrying take milliseconds. */
export interface Clock {
    now(): number;
    sleep(ms: number): Promise<void>;
}

export const realClock: Clock = {
    now: () => Date.now(),
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms))),
};

/**
 * The moment an operation must be over by: everything it does (requests, retries, waits) ends by
 * then. Built from the resource's `timeouts`, because Pulumi's `customTimeouts` never reach a
 * dynamic provider.
 */
export class Deadline {
    constructor(
        readonly at: number,
        /** What this deadline bounds, for messages: `create`, `update`, `delete`. */
        readonly label: string,
        /** Seconds the user gave, for messages. */
        readonly seconds: number,
        readonly clock: Clock = realClock,
    ) {}

    static in(seconds: number, label: string, clock: Clock = realClock): Deadline {
        return new Deadline(clock.now() + seconds * 1000, label, seconds, clock);
    }

    remaining(): number {
        return Math.max(0, this.at - this.clock.now());
    }

    expired(): boolean {
        return this.remaining() <= 0;
    }

    /** Sleeps `ms`, or less when the deadline comes first; says whether time is left after it. */
    async sleep(ms: number): Promise<boolean> {
        await this.clock.sleep(Math.min(ms, this.remaining()));
        return !this.expired();
    }

    /**
     * A child deadline that ends `ms` earlier, keeping that time for what must follow: after a
     * create whose response hung, the lookup that finds what it made. It never takes more than
     * half of the time left, so a short timeout still leaves the request itself a chance.
     * Messages still name this operation's timeout.
     */
    reserve(ms: number): Deadline {
        const keep = Math.min(Math.max(0, ms), this.remaining() / 2);
        return new Deadline(this.at - keep, this.label, this.seconds, this.clock);
    }

    /** What to do about it, for messages: "raise timeouts.create (now 300 s)", or for a read "try again later (the read limit is 60 s)". */
    hint(): string {
        return ["create", "update", "delete"].includes(this.label)
            ? `raise timeouts.${this.label} (now ${this.seconds} s)`
            : `try again later (the ${this.label} limit is ${this.seconds} s)`;
    }

    /** Throws when the deadline has passed. */
    check(what: string): void {
        if (this.expired()) throw new DeadlineError(`${what}: gave up after ${this.seconds} s; ${this.hint()}`);
    }
}

/** Longest single setTimeout Node honours (about 24.8 days); longer ones fire at once. */
const maxTimerMs = 2 ** 31 - 1;

/**
 * Resolves once `deadline` has passed. Cancellable, so a settled race leaves nothing pending until
 * the deadline (a 300 s timer would keep a CLI alive); re-armed if a timer fires early.
 */
export function expiry(deadline: Deadline): { done: Promise<void>; cancel: () => void } {
    let cancelled = false;
    let timer: NodeJS.Timeout | undefined;
    const clock = deadline.clock;
    const pause = (ms: number): Promise<void> =>
        clock === realClock ? new Promise((resolve) => (timer = setTimeout(resolve, Math.min(ms, maxTimerMs)))) : clock.sleep(ms);
    const done = (async () => {
        while (!cancelled && !deadline.expired()) await pause(deadline.remaining());
    })();
    return {
        done,
        cancel: () => {
            cancelled = true;
            clearTimeout(timer);
        },
    };
}

/**
 * Resolves with `p`, or rejects with `onExpiry()` once `deadline` passes first. `p` goes on: a shared
 * request others wait on is not cut short by one caller's deadline.
 */
export async function untilDeadline<T>(p: Promise<T>, deadline: Deadline, onExpiry: () => unknown): Promise<T> {
    const timer = expiry(deadline);
    try {
        return await Promise.race([
            p,
            timer.done.then(() => {
                throw onExpiry();
            }),
        ]);
    } finally {
        timer.cancel();
    }
}
