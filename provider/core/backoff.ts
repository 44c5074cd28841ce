/**
 * How a loop spaces its tries: the n-th pause (0-based) is `firstMs × factor^n`, at most `maxMs`.
 * Every retry and wait loop of the core (requests, a create resent, an extend reconciled, a delete
 * while in use, a wait, a shared poll) reads its pauses from one of these, so each loop's numbers
 * are stated in one line, as arithmetic.
 */
export interface Backoff {
    /** The first pause, ms. */
    readonly firstMs: number;
    /** Each pause is the last one × this, rounded up to a whole ms. */
    readonly factor: number;
    /** The largest pause, ms. */
    readonly maxMs: number;
    /**
     * `full`: the pause is a uniform draw below the computed one, so clients that failed together do
     * not retry in lockstep. `none`: exactly the computed one (a poll, or a lone resend).
     */
    readonly jitter: "full" | "none";
}

/**
 * The pause before try `n + 1` (`n` counts from 0), before jitter: `firstMs`, then each × `factor`
 * rounded up, never above `maxMs`. Stepped rather than raised to a power, so a fractional factor
 * (×1.5) gives the same whole milliseconds as a loop that multiplies its last pause.
 */
export function backoffCap(b: Backoff, n: number): number {
    let ms = Math.min(b.firstMs, b.maxMs);
    for (let i = 0; i < n && ms < b.maxMs; i++) ms = Math.min(b.maxMs, Math.ceil(ms * b.factor));
    return ms;
}

/** The pause before try `n + 1`, jitter applied. */
export function backoffPause(b: Backoff, n: number, random: () => number = Math.random): number {
    const cap = backoffCap(b, n);
    return b.jitter === "full" ? Math.floor(random() * cap) : cap;
}
