import { strict as assert } from "node:assert";
import { type Backoff, backoffCap, backoffPause } from "../../provider/core/backoff";
import { defaultRetryPolicy } from "../../provider/core/retry";

/** The pauses a loop that multiplies its last pause would take: how every loop counted before Backoff. */
function stepped(first: number, factor: number, max: number, count: number): number[] {
    const out: number[] = [];
    for (let ms = Math.min(first, max), i = 0; i < count; i++, ms = Math.min(max, Math.ceil(ms * factor))) out.push(ms);
    return out;
}

const caps = (b: Backoff, count: number) => Array.from({ length: count }, (_, n) => backoffCap(b, n));

describe("Backoff: one value type for every retry and wait loop", () => {
    it("doubles from firstMs up to maxMs, as the request retries always did (250 ms to 8 s)", () => {
        assert.deepEqual(caps(defaultRetryPolicy, 8), [250, 500, 1000, 2000, 4000, 8000, 8000, 8000]);
        assert.equal(backoffCap(defaultRetryPolicy, 1000), 8000, "a long retry stays at the cap without overflow");
    });

    it("steps a fractional factor with rounding up, pause by pause, like the ×1.5 loops did", () => {
        const polls: Backoff = { firstMs: 250, factor: 1.5, maxMs: 2_000, jitter: "none" };
        assert.deepEqual(caps(polls, 10), stepped(250, 1.5, 2_000, 10));
        assert.deepEqual(caps(polls, 5), [250, 375, 563, 845, 1268], "ceil at each step, not once at the end (844)");
        const inUse: Backoff = { firstMs: 1_000, factor: 1.5, maxMs: 5_000, jitter: "none" };
        assert.deepEqual(caps(inUse, 6), [1000, 1500, 2250, 3375, 5000, 5000]);
    });

    it("full jitter draws below the cap; none is the cap itself", () => {
        assert.equal(
            backoffPause(defaultRetryPolicy, 3, () => 0.5),
            1000,
        );
        assert.equal(
            backoffPause(defaultRetryPolicy, 0, () => 0.999),
            249,
        );
        const steady: Backoff = { firstMs: 1_000, factor: 1, maxMs: 1_000, jitter: "none" };
        assert.deepEqual(caps(steady, 4), [1000, 1000, 1000, 1000]);
        assert.equal(
            backoffPause(steady, 7, () => 0),
            1000,
        );
    });
});
