import { strict as assert } from "node:assert";
import { Deadline } from "../../provider/core/deadline";
import { DeadlineError } from "../../provider/core/errors";
import { bucketFor, TokenBucket } from "../../provider/core/rateLimit";
import { virtualClock } from "./virtualClock";

describe("TokenBucket on the virtual clock", () => {
    it("concurrent callers are served in arrival order, each at its own slot, with no polling", async () => {
        const clock = virtualClock();
        const t0 = clock.now();
        const bucket = new TokenBucket({ perSecond: 1, burst: 2 }, clock);
        const served: Array<[number, number]> = [];
        await clock.run(Promise.all(Array.from({ length: 5 }, (_, i) => bucket.take().then(() => served.push([i, clock.now() - t0])))));
        assert.deepEqual(served, [
            [0, 0],
            [1, 0],
            [2, 1000],
            [3, 2000],
            [4, 3000],
        ]);
    });

    it("an idle bucket refills to its burst and no further", async () => {
        const clock = virtualClock();
        const bucket = new TokenBucket({ perSecond: 1, burst: 2 }, clock);
        await clock.run(Promise.all([bucket.take(), bucket.take()]));
        await clock.run(clock.sleep(60_000)); // a minute idle is still a burst of 2
        const t0 = clock.now();
        const at: number[] = [];
        await clock.run(Promise.all([0, 1, 2].map(() => bucket.take().then(() => at.push(clock.now() - t0)))));
        assert.deepEqual(at, [0, 0, 1000]);
    });

    it("a partly refilled bucket waits only for the rest of the token", async () => {
        const clock = virtualClock();
        const bucket = new TokenBucket({ perSecond: 2, burst: 1 }, clock);
        await clock.run(bucket.take());
        await clock.run(clock.sleep(300)); // 0.6 of a token back
        const t0 = clock.now();
        await clock.run(bucket.take());
        assert.equal(clock.now() - t0, 200);
    });

    it("a slow rate (one every 2 s) spaces callers by 2 s", async () => {
        const clock = virtualClock();
        const t0 = clock.now();
        const bucket = new TokenBucket({ perSecond: 0.5, burst: 1 }, clock);
        const at: number[] = [];
        await clock.run(Promise.all([0, 1, 2].map(() => bucket.take().then(() => at.push(clock.now() - t0)))));
        assert.deepEqual(at, [0, 2000, 4000]);
    });

    it("a caller refused for its deadline does not push back those queued after it", async () => {
        const clock = virtualClock();
        const t0 = clock.now();
        const bucket = new TokenBucket({ perSecond: 1, burst: 1 }, clock);
        const at: Record<string, number | string> = {};
        const first = bucket.take().then(() => (at.first = clock.now() - t0));
        const hurried = bucket.take(Deadline.in(0.5, "delete", clock)).then(
            () => (at.hurried = clock.now() - t0),
            (e: unknown) => (at.hurried = e instanceof DeadlineError ? e.message : String(e)),
        );
        const patient = bucket.take(Deadline.in(60, "delete", clock)).then(() => (at.patient = clock.now() - t0));
        await clock.run(Promise.all([first, hurried, patient]));
        assert.equal(at.first, 0);
        assert.match(String(at.hurried), /next request slot is 1 s away, past the deadline; raise timeouts.delete \(now 0.5 s\)/);
        assert.equal(at.patient, 1000, "the refused slot was given back: the next caller takes it");
    });

    it("a caller whose slot is exactly at its deadline is still served", async () => {
        const clock = virtualClock();
        const t0 = clock.now();
        const bucket = new TokenBucket({ perSecond: 1, burst: 1 }, clock);
        await clock.run(bucket.take());
        await clock.run(bucket.take(Deadline.in(1, "create", clock)));
        assert.equal(clock.now() - t0, 1000);
    });
});

describe("bucketFor", () => {
    it("one bucket per key for the whole process; different keys do not share", async () => {
        const clock = virtualClock();
        const limit = { perSecond: 1, burst: 1 };
        const key = `test-${Date.now()}-${Math.random()}`;
        const a = bucketFor(`${key}:list`, limit, clock);
        assert.equal(bucketFor(`${key}:list`, limit, clock), a);
        const b = bucketFor(`${key}:create`, limit, clock);
        assert.notEqual(b, a);
        const t0 = clock.now();
        await clock.run(Promise.all([a.take(), b.take()]));
        assert.equal(clock.now() - t0, 0, "a list and a create of one app each have their own budget");
        await clock.run(bucketFor(`${key}:list`, limit, clock).take());
        assert.equal(clock.now() - t0, 1000, "a second list waits for the first one's budget");
    });
});
