import type { Clock } from "../../provider/core/deadline";

/**
 * A clock in virtual time: sleeps are timers that fire in order, and time jumps to the next timer
 * only when everything else has settled. Interleavings play out exactly, in milliseconds.
 */
export interface VirtualClock extends Clock {
    /** Runs timers until `p` settles, then returns (or throws) what it settled with. */
    run<T>(p: Promise<T>): Promise<T>;
}

export function virtualClock(start = 1_000_000): VirtualClock {
    let t = start;
    let seq = 0;
    const timers: Array<{ at: number; seq: number; resolve: () => void }> = [];
    const idle = async () => {
        for (let i = 0; i < 10; i++) await new Promise((r) => setImmediate(r));
    };
    return {
        now: () => t,
        sleep: (ms) => new Promise<void>((resolve) => timers.push({ at: t + Math.max(0, ms), seq: seq++, resolve })),
        async run<T>(p: Promise<T>): Promise<T> {
            let settled = false;
            p.then(
                () => (settled = true),
                () => (settled = true),
            );
            for (;;) {
                await idle();
                if (settled) return p;
                if (timers.length === 0) throw new Error("virtual clock: nothing scheduled and the promise is still pending");
                timers.sort((a, b) => a.at - b.at || a.seq - b.seq);
                const next = timers.shift()!;
                t = Math.max(t, next.at);
                next.resolve();
            }
        },
    };
}

/** A clock whose sleeps pass at once (advancing its time) and are recorded, so backoffs take no real time. */
export function fakeClock(start = Date.parse("2026-01-01T00:00:00Z")): Clock & { slept: number[] } {
    let t = start;
    const slept: number[] = [];
    return {
        slept,
        now: () => t,
        sleep: async (ms) => {
            slept.push(ms);
            t += Math.max(0, ms);
        },
    };
}

/** Settles to the error or the value with the virtual time it settled at, so a test can look at when and how each caller ended. */
export function outcome<T>(clock: Clock, p: Promise<T>) {
    const rec: { at?: number; value?: T; error?: Error } = {};
    const done = p.then(
        (value) => Object.assign(rec, { at: clock.now(), value }),
        (error: Error) => Object.assign(rec, { at: clock.now(), error }),
    );
    return { rec, done };
}
