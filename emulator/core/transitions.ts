/**
 * Timed state changes, applied lazily: a store schedules a change for a time and
 * calls {@link Transitions.settle} whenever it is read, which applies every change
 * due by then in time order. No timers run, so nothing keeps the process alive,
 * and a change due "now" (a 0 ms knob) is visible in the very response that
 * scheduled it when the store settles before answering.
 */

interface Pending<T> {
    readonly at: number;
    readonly seq: number;
    readonly target: T;
    readonly kind: string;
    readonly apply: (target: T, at: number) => void;
}

/** One store's pending changes, keyed by target object and a kind (so a kind can be cancelled). */
export class Transitions<T extends object> {
    private pending: Pending<T>[] = [];
    private seq = 0;

    /** Schedule `apply(target, at)` for time `at`; changes due at the same time run in the order scheduled. */
    schedule(target: T, at: number, kind: string, apply: (target: T, at: number) => void): void {
        this.pending.push({ at, seq: ++this.seq, target, kind, apply });
        this.pending.sort((a, b) => a.at - b.at || a.seq - b.seq);
    }

    /** Drop the target's pending changes: those of the given kinds, or all of them. */
    cancel(target: T, kinds?: readonly string[]): void {
        this.pending = this.pending.filter((p) => p.target !== target || (kinds !== undefined && !kinds.includes(p.kind)));
    }

    /** Whether the target has a pending change of this kind. */
    has(target: T, kind: string): boolean {
        return this.pending.some((p) => p.target === target && p.kind === kind);
    }

    /** Apply every change due at `now`, oldest first (a change may schedule or cancel others). */
    settle(now: number): void {
        for (let next = this.pending[0]; next !== undefined && next.at <= now; next = this.pending[0]) {
            this.pending.shift();
            next.apply(next.target, next.at);
        }
    }

    /** Forget every pending change. */
    clear(): void {
        this.pending = [];
    }
}
