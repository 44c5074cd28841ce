import { type Backoff, backoffPause } from "./backoff";
import type { Deadline } from "./deadline";
import { type Clock, realClock, untilDeadline } from "./deadline";
import { ApiError, DeadlineError, errorMessage, WaitError } from "./errors";
import { currentProgress, type Progress } from "./progress";

/** One look at the thing being waited on. */
export type WaitStep<T> =
    { status: "done"; value: T } | { status: "pending"; state: string } | { status: "failed"; state: string; reason: string };

export interface WaitOptions {
    deadline: Deadline;
    /** Names the subject for messages: `fly volume vol_123`. */
    subject: string;
    /** What we wait for, for messages: `to be created`. */
    goal: string;
}

/** A wait polls at 250 ms growing ×1.5 to 2 s. */
const defaultPolls: Backoff = { firstMs: 250, factor: 1.5, maxMs: 2_000, jitter: "none" };

function timeoutError(opts: WaitOptions, state: string | undefined, lastError?: unknown): WaitError {
    const seen = state ? `still '${state}'` : "not seen";
    const last = lastError === undefined ? "" : `; the last poll failed: ${errorMessage(lastError)}`;
    return new WaitError(
        `${opts.subject} ${seen} after ${opts.deadline.seconds} s waiting ${opts.goal}${last}; ${opts.deadline.hint()}`,
        state,
    );
}

/** A poll that failed once the deadline had come is the wait's timeout, said with its cause. */
function pollFailure(opts: WaitOptions, state: string | undefined, error: unknown): unknown {
    if (error instanceof DeadlineError) return timeoutError(opts, state);
    return opts.deadline.remaining() < 1_000 ? timeoutError(opts, state, error) : error;
}

function failedError(opts: WaitOptions, step: { state: string; reason: string }): WaitError {
    return new WaitError(`${opts.subject} reached '${step.state}' waiting ${opts.goal}: ${step.reason}`, step.state);
}

/**
 * Polls `probe` with growing intervals until it says done or failed, or the deadline passes.
 * Waits are not retries: a terminal state ends the wait at once, naming it.
 */
export async function waitFor<T>(probe: () => Promise<WaitStep<T>>, opts: WaitOptions, polls: Backoff = defaultPolls): Promise<T> {
    const progress = currentProgress();
    const what = `${opts.subject} ${opts.goal}`;
    progress.waitStarted(what);
    try {
        return await pollUntilDone(probe, opts, polls, (state) => progress.stillWaiting(what, state));
    } finally {
        progress.waitEnded(what);
    }
}

async function pollUntilDone<T>(
    probe: () => Promise<WaitStep<T>>,
    opts: WaitOptions,
    polls: Backoff,
    pending: (state: string) => void,
): Promise<T> {
    let last: string | undefined;
    for (let n = 0; ; n++) {
        let step: WaitStep<T>;
        try {
            step = await probe();
        } catch (error) {
            // Out of time inside the probe: say what we waited on, and what the cloud last said.
            throw pollFailure(opts, last, error);
        }
        if (step.status === "pending") {
            last = step.state;
            pending(step.state);
        }
        if (step.status === "done") return step.value;
        if (step.status === "failed") throw failedError(opts, step);
        if (!(await opts.deadline.sleep(backoffPause(polls, n)))) throw timeoutError(opts, step.state);
    }
}

interface Waiter<T> {
    id: string;
    step: (item: T | undefined) => WaitStep<unknown>;
    opts: WaitOptions;
    lastState?: string;
    /** The last failed list, said when this waiter runs out of time. */
    lastError?: unknown;
    /** The waiter's own reporter: the poll loop runs in the first waiter's context. */
    progress: Progress;
    resolve: (value: unknown) => void;
    reject: (error: unknown) => void;
}

/** A steady poll: each waiter hears of readiness at most one interval (plus one request) after it. */
const sharedPolls: Backoff = { firstMs: 1_000, factor: 1, maxMs: 1_000, jitter: "none" };

/**
 * A list that failed after its own retries is final when retrying cannot help: the scope is wrong
 * (404), the token is refused (401/403), or the answer is unreadable. Timeouts, 5xx and resets are not.
 */
export function isFinalError(error: unknown): boolean {
    if (error instanceof DeadlineError) return false;
    if (error instanceof ApiError) {
        const s = error.status;
        return s !== undefined && s < 500 && s !== 408 && s !== 429;
    }
    return true;
}

/**
 * Waiters on the same scope (a Fly app, a NeevCloud project) share one poll: each tick lists the
 * scope once and hands every waiter its own item, instead of each waiter fetching its own volume.
 * With 100 volumes becoming ready in one app that is one request per tick instead of 100, which is
 * what keeps a deployment inside a per-app rate limit.
 *
 * Each waiter keeps its own deadline: it is rejected at it even while a slow list is in flight, and a
 * failed list ends only the waiters whose time is up or for whom the error is final.
 */
export class SharedPoller<T> {
    private readonly groups = new Map<string, Set<Waiter<T>>>();

    constructor(
        /** Lists the scope: every item by id. Must finish by the deadline it is given. */
        private readonly fetchAll: (scope: string, deadline: Deadline) => Promise<Map<string, T>>,
        private readonly polls: Backoff = sharedPolls,
        private readonly clock: Clock = realClock,
    ) {}

    waitFor<R>(scope: string, id: string, step: (item: T | undefined) => WaitStep<R>, opts: WaitOptions): Promise<R> {
        return new Promise<R>((resolve, reject) => {
            const progress = currentProgress();
            const what = `${opts.subject} ${opts.goal}`;
            progress.waitStarted(what);
            const done = () => progress.waitEnded(what);
            const waiter: Waiter<T> = {
                id,
                step,
                opts,
                progress,
                resolve: (v: unknown) => (done(), resolve(v as R)),
                reject: (e: unknown) => (done(), reject(e)),
            };
            let group = this.groups.get(scope);
            if (!group) {
                group = new Set();
                this.groups.set(scope, group);
                group.add(waiter);
                void this.loop(scope, group);
            } else {
                group.add(waiter);
            }
        });
    }

    private async loop(scope: string, group: Set<Waiter<T>>): Promise<void> {
        let n = 0;
        let seen = group.size;
        // Let the waiters of this tick join before the first list.
        await this.clock.sleep(0);
        while (group.size > 0) {
            const started = this.clock.now();
            const latest = [...group].reduce((a, b) => (a.opts.deadline.at >= b.opts.deadline.at ? a : b));
            const outcome = this.fetchAll(scope, latest.opts.deadline).then(
                (items) => ({ items }),
                (error: unknown) => ({ error }),
            );
            // Wait for the list, ending each waiter at its own deadline meanwhile.
            let result: { items: Map<string, T> } | { error: unknown } | undefined;
            while (!result && group.size > 0) {
                const soonest = this.soonest(group);
                result = await untilDeadline(outcome, soonest, () => undefined).catch(() => undefined);
                this.expire(group);
            }
            if (!result) break;
            if ("items" in result) {
                for (const w of group) this.deliver(group, w, result.items.get(w.id));
            } else {
                for (const w of group) this.failedList(group, w, result.error);
            }
            this.expire(group);
            if (group.size === 0) break;
            // A newcomer should not inherit a long interval.
            if (group.size > seen) n = 0;
            seen = group.size;
            const wait = Math.max(0, backoffPause(this.polls, n) - (this.clock.now() - started));
            await this.clock.sleep(Math.min(wait, this.soonest(group).remaining()));
            this.expire(group);
            n++;
        }
        this.groups.delete(scope);
    }

    private soonest(group: Set<Waiter<T>>): Deadline {
        return [...group].reduce((a, b) => (a.opts.deadline.at <= b.opts.deadline.at ? a : b)).opts.deadline;
    }

    private expire(group: Set<Waiter<T>>): void {
        for (const w of group) {
            if (w.opts.deadline.expired()) {
                group.delete(w);
                w.reject(timeoutError(w.opts, w.lastState, w.lastError));
            }
        }
    }

    /** The list failed after its own retries: final errors and waiters out of time end; the rest poll on. */
    private failedList(group: Set<Waiter<T>>, w: Waiter<T>, error: unknown): void {
        w.lastError = error;
        if (isFinalError(error)) {
            group.delete(w);
            w.reject(error);
        } else if (w.opts.deadline.remaining() < Math.min(1_000, this.polls.firstMs)) {
            // Judged by its own deadline only: a list that ran out of another waiter's time (a DeadlineError
            // of a shorter deadline, a rate-limit slot past it) ends nobody who still has time.
            group.delete(w);
            w.reject(timeoutError(w.opts, w.lastState, error instanceof DeadlineError ? undefined : error));
        }
    }

    private deliver(group: Set<Waiter<T>>, w: Waiter<T>, item: T | undefined): void {
        let step: WaitStep<unknown>;
        try {
            step = w.step(item);
        } catch (error) {
            group.delete(w);
            w.reject(error);
            return;
        }
        if (step.status === "done") {
            group.delete(w);
            w.resolve(step.value);
        } else if (step.status === "failed") {
            group.delete(w);
            w.reject(failedError(w.opts, step));
        } else {
            w.lastState = step.state;
            w.progress.stillWaiting(`${w.opts.subject} ${w.opts.goal}`, step.state);
        }
    }
}
