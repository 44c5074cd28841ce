import { AsyncLocalStorage } from "node:async_hooks";
import { type Clock, realClock } from "./deadline";
import { oneLine, scrub } from "./secrets";

/**
 * Progress for the person running `pulumi up`: what an operation waits for and for how long, and
 * each retry with its status and next delay. Not per poll: a line when a wait starts, then one every
 * ~10 s while it lasts, and one per retry. The one throttle is here; messages are scrubbed here.
 */

/** One line for the person: `ephemeral` lines show on the resource's row while it runs, then go. */
export interface ProgressLine {
    message: string;
    ephemeral: boolean;
}

export type ProgressSink = (line: ProgressLine) => void;

/** How often a wait that goes on says so. */
export const progressEveryMs = 10_000;

/** The reporter of one operation of one resource. */
export class Progress {
    private lastLineAt = -Infinity;
    private readonly waits = new Map<string, number>();

    constructor(
        private readonly sink: ProgressSink,
        private readonly clock: Clock = realClock,
        private readonly everyMs = progressEveryMs,
    ) {}

    /** A wait begins: `waiting for fly volume web/vol_1 to be created`. Said at once. */
    waitStarted(what: string): void {
        if (this.waits.has(what)) return;
        this.waits.set(what, this.clock.now());
        this.say(`waiting for ${what}`, true);
    }

    /** A poll saw `state`: said only when ~10 s passed since the last line. */
    stillWaiting(what: string, state: string | undefined): void {
        const started = this.waits.get(what);
        if (started === undefined) return this.waitStarted(what);
        if (this.clock.now() - this.lastLineAt < this.everyMs) return;
        this.say(`still waiting for ${what}${state ? ` (now '${state}')` : ""}: ${seconds(this.clock.now() - started)} so far`, true);
    }

    waitEnded(what: string): void {
        this.waits.delete(what);
    }

    /**
     * A request failed and will be sent again: `fly list volumes in app web: 503 (request r-1);
     * retry 2 in 1.5 s`. Every retry is said (backoff spaces them), kept in the run's diagnostics.
     */
    retrying(what: string, why: string, retry: number, delayMs: number): void {
        this.say(`${what}: ${why}; retry ${retry} in ${seconds(delayMs)}`, false);
    }

    private say(message: string, ephemeral: boolean): void {
        this.lastLineAt = this.clock.now();
        try {
            this.sink({ message: oneLine(scrub(message)), ephemeral });
        } catch {
            // Progress never fails an operation.
        }
    }
}

function seconds(ms: number): string {
    const s = ms / 1000;
    return s < 10 ? `${Math.round(s * 10) / 10} s` : `${Math.round(s)} s`;
}

const scope = new AsyncLocalStorage<Progress>();

/** A reporter that says nothing: outside an operation (a lookup, a test of one client). */
const silent = new Progress(() => undefined);

/** Runs `fn` (and everything it starts) reporting to `progress`. */
export function withProgress<T>(progress: Progress, fn: () => T): T {
    return scope.run(progress, fn);
}

/** The reporter of the operation in progress (silent outside one). Capture it where a loop outlives its caller's context. */
export function currentProgress(): Progress {
    return scope.getStore() ?? silent;
}
