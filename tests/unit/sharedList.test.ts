import { strict as assert } from "node:assert";
import { type Clock, Deadline, expiry, untilDeadline } from "../../provider/core/deadline";
import { ApiError, DeadlineError } from "../../provider/core/errors";
import { fromNow, markNow, readThrough, SharedList } from "../../provider/core/sharedList";
import { outcome, type VirtualClock, virtualClock } from "./virtualClock";
import { present } from "../support/present";

type Item = { id: string; state: string };

/** A list of one scope whose answers the test scripts: each call takes `ms` and returns or throws the next answer. */
function scripted(clock: VirtualClock, ms: number, answers: Array<Item[] | Error>, costOf?: (items: number) => number) {
    const calls: Array<{ scope: string; at: number; deadlineAt: number }> = [];
    const list = new SharedList<Item>(
        async (scope, deadline) => {
            calls.push({ scope, at: clock.now(), deadlineAt: deadline.at });
            const answer = present(answers[Math.min(calls.length - 1, answers.length - 1)], "a scripted answer");
            await clock.sleep(ms);
            if (answer instanceof Error) throw answer;
            return answer;
        },
        (i) => i.id,
        clock,
        costOf,
    );
    return { list, calls };
}

/** Fly's own 404 (its error shape); one from a proxy would not be `cloudShaped`. */
const notFound = () =>
    new ApiError({ cloud: "fly", operation: "list volumes", status: 404, cloudMessage: "app not found", cloudShaped: true });

describe("SharedList on the virtual clock", () => {
    it("a failed list rejects every caller that shared it, is not kept as the last answer; the next caller gets a new list", async () => {
        const clock = virtualClock();
        const boom = new Error("503 from the cloud");
        const { list, calls } = scripted(clock, 100, [boom, [{ id: "x", state: "ok" }]]);
        const d = Deadline.in(60, "read", clock);
        const started = clock.now();
        const a = outcome(clock, list.get("app", d));
        const b = outcome(clock, list.get("app", d));
        await clock.run(Promise.all([a.done, b.done]));
        assert.equal(a.rec.error, boom);
        assert.equal(b.rec.error, boom);
        assert.equal(calls.length, 1, "both callers shared the failed list");
        // Even a caller content with a list started before its call does not get the failure again.
        const again = await clock.run(list.get("app", d, { startedSinceMs: started }));
        assert.equal(again.get("x")?.state, "ok");
        assert.equal(calls.length, 2);
    });

    it("the list runs on the latest deadline of the callers gathered for it", async () => {
        const clock = virtualClock();
        const { list, calls } = scripted(clock, 10, [[]]);
        const short = Deadline.in(5, "read", clock);
        const long = Deadline.in(90, "read", clock);
        await clock.run(Promise.all([list.get("app", short), list.get("app", long), list.get("app", short)]));
        assert.equal(calls.length, 1);
        assert.equal(calls[0]?.deadlineAt, long.at);
    });

    it("a caller with a later deadline than the running list waits for the next one, which runs on its deadline", async () => {
        const clock = virtualClock();
        const { list, calls } = scripted(clock, 1_000, [[{ id: "x", state: "first" }], [{ id: "x", state: "second" }]]);
        const t0 = clock.now();
        const early = list.get("app", Deadline.in(10, "read", clock));
        // Arrives as the first list starts (same tick gathered, then started): a longer deadline than that list's.
        const late = clock.sleep(1).then(() => list.get("app", Deadline.in(100, "read", clock), { startedSinceMs: t0 }));
        const [a, b] = await clock.run(Promise.all([early, late]));
        assert.equal(a.get("x")?.state, "first");
        assert.equal(b.get("x")?.state, "second", "a list that could end before its deadline would cut it short");
        assert.equal(calls.length, 2);
        assert.equal(calls[1]?.at, t0 + 1_000, "the next list starts as the running one ends");
        assert.equal(calls[1]?.deadlineAt, t0 + 1 + 100_000);
    });

    it("a caller whose deadline has passed is refused before any list is sent", async () => {
        const clock = virtualClock();
        const { list, calls } = scripted(clock, 10, [[]]);
        const d = Deadline.in(1, "read", clock);
        await clock.run(clock.sleep(1_000));
        await assert.rejects(
            clock.run(list.get("app", d)),
            (e: unknown) => e instanceof DeadlineError && /list app: gave up after 1 s/.test(e.message),
        );
        assert.equal(calls.length, 0);
    });

    it("listing(scope) hands a create the scope's items from a list as fresh as `since`", async () => {
        const clock = virtualClock();
        const { list, calls } = scripted(clock, 50, [
            [{ id: "a", state: "old" }],
            [
                { id: "a", state: "new" },
                { id: "b", state: "new" },
            ],
        ]);
        const d = Deadline.in(60, "create", clock);
        const t0 = clock.now();
        await clock.run(list.get("app", d));
        const listing = list.listing("app");
        assert.deepEqual(
            await clock.run(listing(d, { startedSinceMs: t0 })),
            [{ id: "a", state: "old" }],
            "a list started at `since` serves",
        );
        assert.deepEqual(
            (await clock.run(listing(d, fromNow()))).map((i) => i.id),
            ["a", "b"],
            "one started before `since` does not",
        );
        assert.equal(calls.length, 2);
    });

    it("a list that started in the same millisecond as a caller, but before it asked, is not 'started after it asked'", async () => {
        const clock = virtualClock();
        // 0 ms lists on a clock that never moves: every start and every ask share one millisecond.
        const { list, calls } = scripted(clock, 0, [[{ id: "x", state: "creating" }], [{ id: "x", state: "ready" }]]);
        const d = Deadline.in(60, "read", clock);
        const t0 = clock.now();
        assert.equal((await clock.run(list.get("app", d))).get("x")?.state, "creating");
        assert.equal(clock.now(), t0, "the clock did not move");
        const asked = markNow();
        assert.equal((await clock.run(list.get("app", d))).get("x")?.state, "ready", "a later read gets a list of its own");
        assert.equal(calls.length, 2);
        // A mark taken before the second list started is served by it; one taken after it is not.
        assert.equal((await clock.run(list.get("app", d, { after: asked }))).get("x")?.state, "ready");
        assert.equal(calls.length, 2);
        await clock.run(list.get("app", d, { after: markNow() }));
        assert.equal(calls.length, 3);
    });

    it("scopes are independent: a slow scope does not hold up another", async () => {
        const clock = virtualClock();
        const list = new SharedList<Item>(
            async (scope) => {
                await clock.sleep(scope === "slow" ? 30_000 : 10);
                return [{ id: scope, state: "ok" }];
            },
            (i) => i.id,
            clock,
        );
        const d = Deadline.in(60, "read", clock);
        const t0 = clock.now();
        const slow = outcome(clock, list.get("slow", d));
        const fast = outcome(clock, list.get("fast", d));
        await clock.run(Promise.all([slow.done, fast.done]));
        assert.equal(fast.rec.at! - t0, 10);
        assert.equal(slow.rec.at! - t0, 30_000);
    });
});

describe("readThrough on the virtual clock", () => {
    const item = { id: "x", state: "ok" };

    it("an item in the list is read without its own GET", async () => {
        const clock = virtualClock();
        const { list } = scripted(clock, 10, [[item]]);
        let gets = 0;
        const got = await clock.run(readThrough(list, "app", "x", Deadline.in(60, "read", clock), async () => (gets++, undefined)));
        assert.deepEqual(got, item);
        assert.equal(gets, 0);
    });

    it("an item missing from the list is confirmed by its own GET before it is called gone", async () => {
        const clock = virtualClock();
        const { list } = scripted(clock, 10, [[]]);
        let gets = 0;
        const fresh = { id: "x", state: "creating" };
        const got = await clock.run(readThrough(list, "app", "x", Deadline.in(60, "read", clock), async () => (gets++, fresh)));
        assert.deepEqual(got, fresh, "a list that lags behind its own GET never loses a volume");
        assert.equal(gets, 1);
    });

    it("a scope the list does not find (404) falls back to the GET; any other list failure is thrown", async () => {
        const clock = virtualClock();
        const d = Deadline.in(60, "read", clock);
        const gone = scripted(clock, 10, [notFound()]);
        assert.equal(await clock.run(readThrough(gone.list, "app", "x", d, async () => undefined)), undefined);
        const failing = scripted(clock, 10, [new ApiError({ cloud: "fly", operation: "list volumes", status: 500, cloudMessage: "boom" })]);
        let gets = 0;
        await assert.rejects(clock.run(readThrough(failing.list, "app", "x", d, async () => (gets++, item))), /boom/);
        assert.equal(gets, 0, "a failed list is not read as 'missing'");
        // A 404 not in the cloud's error shape (a proxy's page) is no "the scope is gone" either.
        const proxied = scripted(clock, 10, [new ApiError({ cloud: "fly", operation: "list volumes", status: 404, cloudShaped: false })]);
        await assert.rejects(clock.run(readThrough(proxied.list, "app", "x", d, async () => (gets++, item))), /HTTP 404/);
        assert.equal(gets, 0);
    });

    it("a lone read in a scope whose list costs more than one request skips the list once its size is known", async () => {
        const clock = virtualClock();
        const many = Array.from({ length: 250 }, (_, i) => ({ id: `v${i}`, state: "ok" }));
        const { list, calls } = scripted(clock, 10, [many], (n) => Math.ceil(n / 100));
        const d = Deadline.in(60, "read", clock);
        let gets = 0;
        const get = async () => (gets++, { id: "v3", state: "own GET" });
        assert.equal((await clock.run(readThrough(list, "p", "v3", d, get)))?.state, "ok", "size unknown: listed");
        assert.equal((await clock.run(readThrough(list, "p", "v3", d, get)))?.state, "own GET");
        assert.deepEqual([calls.length, gets], [1, 1]);
    });
});

describe("untilDeadline and expiry", () => {
    it("rejects with the caller's error at the deadline while the promise goes on; resolves with it when it comes first", async () => {
        const clock = virtualClock();
        const t0 = clock.now();
        let finished = false;
        const slow = clock.sleep(5_000).then(() => ((finished = true), "late"));
        const cut = outcome(
            clock,
            untilDeadline(slow, Deadline.in(2, "read", clock), () => new Error("out of time")),
        );
        await clock.run(cut.done);
        assert.equal(cut.rec.error?.message, "out of time");
        assert.equal(cut.rec.at! - t0, 2_000);
        assert.equal(finished, false);
        await clock.run(slow);
        assert.equal(finished, true, "the shared work went on");
        assert.equal(await clock.run(untilDeadline(Promise.resolve("fast"), Deadline.in(2, "read", clock), () => new Error("no"))), "fast");
        await assert.rejects(
            clock.run(untilDeadline(Promise.reject(new Error("its own failure")), Deadline.in(2, "read", clock), () => new Error("no"))),
            /its own failure/,
        );
    });

    it("a pause that ends early is re-armed until the deadline has truly passed", async () => {
        let t = 0;
        const pauses: number[] = [];
        // Ends each pause halfway, as an early timer would.
        const early: Clock = {
            now: () => t,
            sleep: async (ms) => {
                pauses.push(ms);
                t += Math.ceil(ms / 2);
            },
        };
        const d = Deadline.in(1, "read", early);
        await expiry(d).done;
        assert.ok(d.expired());
        assert.deepEqual(pauses, [1000, 500, 250, 125, 62, 31, 15, 7, 3, 1], "each pause is what is left, until nothing is");
    });

    it("on the real clock a cancelled expiry leaves no timer behind (a 300 s timer would keep a CLI alive)", async () => {
        // After an await: mocha arms this test's own timer once the test's synchronous part returns.
        await new Promise((r) => setImmediate(r));
        const before = process.getActiveResourcesInfo().filter((r) => r === "Timeout").length;
        const timer = expiry(Deadline.in(300, "create"));
        assert.equal(process.getActiveResourcesInfo().filter((r) => r === "Timeout").length, before + 1);
        timer.cancel();
        await new Promise((r) => setImmediate(r));
        assert.equal(process.getActiveResourcesInfo().filter((r) => r === "Timeout").length, before);
    });
});
