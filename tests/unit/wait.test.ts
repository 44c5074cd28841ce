import { strict as assert } from "node:assert";
import { Deadline } from "../../provider/core/deadline";
import { ApiError, DeadlineError, WaitError } from "../../provider/core/errors";
import { SharedList } from "../../provider/core/sharedList";
import { SharedPoller, type WaitStep } from "../../provider/core/wait";
import { defaultRetryPolicy, retryLoop } from "../../provider/core/retry";
import { outcome, type VirtualClock, virtualClock } from "./virtualClock";

type Item = { id: string; state: string };

const judge = (item: Item | undefined): WaitStep<Item> =>
    item?.state === "ready" ? { status: "done", value: item } : { status: "pending", state: item?.state ?? "not listed yet" };

function opts(clock: VirtualClock, seconds: number, subject = "v") {
    return { deadline: Deadline.in(seconds, "create", clock), subject, goal: "to be ready" };
}

describe("SharedPoller: each waiter keeps its own deadline", () => {
    it("a waiter is rejected at its own deadline while a slow list is in flight; the others wait on", async () => {
        const clock = virtualClock();
        const t0 = clock.now();
        let calls = 0;
        const poller = new SharedPoller<Item>(
            async () => {
                calls++;
                await clock.sleep(20_000); // one slow list
                return new Map([
                    ["a", { id: "a", state: "ready" }],
                    ["b", { id: "b", state: "ready" }],
                ]);
            },
            undefined,
            clock,
        );
        const short = outcome(clock, poller.waitFor("app", "a", judge, opts(clock, 3, "vol a")));
        const long = outcome(clock, poller.waitFor("app", "b", judge, opts(clock, 25, "vol b")));
        await clock.run(Promise.all([short.done, long.done]));
        assert.equal(short.rec.at! - t0, 3_000, "the 3 s waiter ends at 3 s, not when the list returns");
        assert.ok(short.rec.error instanceof WaitError);
        assert.match(short.rec.error.message, /vol a not seen after 3 s waiting to be ready; raise timeouts.create/);
        assert.equal(long.rec.value?.id, "b", "the 25 s waiter is not failed by the other's deadline");
        assert.equal(long.rec.at! - t0, 20_000);
        assert.equal(calls, 1);
    });

    it("a failed list ends only the waiters out of time; the others keep polling and finish", async () => {
        const clock = virtualClock();
        const t0 = clock.now();
        let calls = 0;
        const poller = new SharedPoller<Item>(
            async () => {
                calls++;
                await clock.sleep(100);
                if (calls <= 3) throw new ApiError({ cloud: "fly", operation: "list volumes", target: "in app x", status: 503 });
                return new Map([["b", { id: "b", state: "ready" }]]);
            },
            undefined,
            clock,
        );
        const short = outcome(clock, poller.waitFor("app", "a", judge, opts(clock, 1.5, "vol a")));
        const long = outcome(clock, poller.waitFor("app", "b", judge, opts(clock, 25, "vol b")));
        await clock.run(Promise.all([short.done, long.done]));
        assert.match(
            short.rec.error!.message,
            /vol a not seen after 1.5 s waiting to be ready; the last poll failed: fly list volumes in app x: HTTP 503 \(503\)/,
        );
        assert.ok(short.rec.at! - t0 <= 1_500);
        assert.equal(long.rec.value?.id, "b");
        assert.equal(calls, 4);
    });

    /** A shared list whose every request answers 500: each list retries (as HttpClient does) until its own deadline. */
    function failingList(clock: VirtualClock) {
        let requests = 0;
        const list = new SharedList<Item>(
            (scope, deadline) =>
                retryLoop({ deadline, policy: defaultRetryPolicy, clock, random: () => 0.5, what: `list ${scope}` }, async () => {
                    requests++;
                    await clock.sleep(50);
                    return { failure: new ApiError({ cloud: "fly", operation: "list volumes", status: 500 }), retryable: true };
                }),
            (i) => i.id,
            clock,
        );
        const poller = new SharedPoller<Item>((scope, deadline) => list.get(scope, deadline), undefined, clock);
        return { poller, requests: () => requests };
    }

    it("a 3 s waiter whose list answers 500 every time fails at its own deadline, saying so (issue 14 §3)", async () => {
        const clock = virtualClock();
        const t0 = clock.now();
        const { poller, requests } = failingList(clock);
        const a = outcome(clock, poller.waitFor("app", "a", judge, opts(clock, 3, "vol a")));
        await clock.run(a.done);
        assert.ok(a.rec.error instanceof WaitError, String(a.rec.error));
        assert.match(a.rec.error.message, /vol a not seen after 3 s waiting to be ready; the last poll failed: .*500/);
        assert.ok(a.rec.at! - t0 <= 3_000, `ended at ${a.rec.at! - t0} ms`);
        assert.ok(requests() >= 3);
    });

    it("a 12 s waiter survives a 3 s one's timeout on the shared failing list, and ends at its own deadline (issue 14 §3)", async () => {
        const clock = virtualClock();
        const t0 = clock.now();
        const { poller } = failingList(clock);
        const short = outcome(clock, poller.waitFor("app", "a", judge, opts(clock, 3, "vol a")));
        // Joins while the first list (on the 3 s deadline) runs.
        const long = outcome(
            clock,
            clock.sleep(200).then(() => poller.waitFor("app", "b", judge, opts(clock, 12, "vol b"))),
        );
        await clock.run(Promise.all([short.done, long.done]));
        assert.ok(short.rec.at! - t0 <= 3_000);
        assert.ok(long.rec.error instanceof WaitError, String(long.rec.error));
        assert.match(long.rec.error.message, /vol b not seen after 12 s/);
        assert.ok(long.rec.at! - t0 >= 11_000 && long.rec.at! - t0 <= 12_200, `the 12 s waiter ended at ${long.rec.at! - t0} ms`);
    });

    it("a list that ran out of another waiter's (shorter) deadline ends nobody who still has time (issue 14 §3)", async () => {
        const clock = virtualClock();
        let calls = 0;
        const poller = new SharedPoller<Item>(
            async () => {
                calls++;
                await clock.sleep(100);
                // As a list run on a 3 s deadline fails when its rate-limit slot comes after it.
                if (calls === 1) throw new DeadlineError("rate limit: the next request slot is 4 s away, past the deadline");
                return new Map([["b", { id: "b", state: "ready" }]]);
            },
            undefined,
            clock,
        );
        const long = outcome(clock, poller.waitFor("app", "b", judge, opts(clock, 12, "vol b")));
        await clock.run(long.done);
        assert.equal(long.rec.error, undefined, String(long.rec.error));
        assert.equal(long.rec.value?.id, "b");
        assert.equal(calls, 2);
    });

    it("a final list error (401) ends every waiter at once", async () => {
        const clock = virtualClock();
        const t0 = clock.now();
        const refused = new ApiError({ cloud: "fly", operation: "list volumes", status: 401 });
        const poller = new SharedPoller<Item>(
            async () => {
                throw refused;
            },
            undefined,
            clock,
        );
        const a = outcome(clock, poller.waitFor("app", "a", judge, opts(clock, 300)));
        const b = outcome(clock, poller.waitFor("app", "b", judge, opts(clock, 300)));
        await clock.run(Promise.all([a.done, b.done]));
        assert.equal(a.rec.error, refused);
        assert.equal(b.rec.error, refused);
        assert.equal(a.rec.at, t0);
    });

    it("polls steadily once a second, so readiness is seen within a second of it", async () => {
        const clock = virtualClock();
        const t0 = clock.now();
        const readyAt = t0 + 3_300;
        const starts: number[] = [];
        const poller = new SharedPoller<Item>(
            async () => {
                starts.push(clock.now() - t0);
                await clock.sleep(30);
                return new Map([["a", { id: "a", state: clock.now() >= readyAt ? "ready" : "creating" }]]);
            },
            undefined,
            clock,
        );
        const a = outcome(clock, poller.waitFor("app", "a", judge, opts(clock, 60)));
        await clock.run(a.done);
        assert.deepEqual(starts, [0, 1_000, 2_000, 3_000, 4_000], "the first poll at once, then one a second");
        assert.ok(a.rec.at! - readyAt <= 1_100, `seen ${a.rec.at! - readyAt} ms after ready`);
    });

    it("a waiter that arrives between ticks joins the next one", async () => {
        const clock = virtualClock();
        let calls = 0;
        const poller = new SharedPoller<Item>(
            async () => {
                calls++;
                await clock.sleep(10);
                return new Map([
                    ["a", { id: "a", state: calls >= 3 ? "ready" : "creating" }],
                    ["b", { id: "b", state: calls >= 3 ? "ready" : "creating" }],
                ]);
            },
            undefined,
            clock,
        );
        const a = poller.waitFor("app", "a", judge, opts(clock, 60));
        const b = clock.sleep(500).then(() => poller.waitFor("app", "b", judge, opts(clock, 60)));
        await clock.run(Promise.all([a, b]));
        assert.equal(calls, 3, "one list per tick for both");
    });
});

describe("SharedList: one list per scope for everyone who needs it", () => {
    it("200 concurrent reads of one scope are served by one list", async () => {
        const clock = virtualClock();
        let calls = 0;
        const list = new SharedList<Item>(
            async () => {
                calls++;
                await clock.sleep(50);
                return Array.from({ length: 200 }, (_, i) => ({ id: `v${i}`, state: "ready" }));
            },
            (i) => i.id,
            clock,
        );
        const d = Deadline.in(300, "read", clock);
        const got = await clock.run(Promise.all(Array.from({ length: 200 }, (_, i) => list.get("app", d).then((m) => m.get(`v${i}`)))));
        assert.equal(got.filter(Boolean).length, 200);
        assert.equal(calls, 1);
        assert.equal(list.lists, 1);
    });

    it("a caller that arrives while a list runs gets the next one, never an older answer; different scopes do not share", async () => {
        const clock = virtualClock();
        const fetched: string[] = [];
        let version = 0;
        const list = new SharedList<Item>(
            async (scope) => {
                fetched.push(scope);
                const v = ++version;
                await clock.sleep(100);
                return [{ id: "x", state: `v${v}` }];
            },
            (i) => i.id,
            clock,
        );
        const d = Deadline.in(300, "read", clock);
        const first = list.get("app", d);
        const late = clock.sleep(50).then(() => list.get("app", d));
        const later = clock.sleep(60).then(() => list.get("app", d));
        const other = list.get("other", d);
        const [a, b, c] = await clock.run(Promise.all([first, late, later, other]));
        assert.equal(a.get("x")?.state, "v1");
        assert.equal(b.get("x")?.state, "v3", "started after it asked");
        assert.equal(c.get("x")?.state, "v3", "the two late callers share one list");
        assert.deepEqual(fetched, ["app", "other", "app"]);
    });

    it("a caller content with a list started a moment ago gets the last answer without a request; a read never does", async () => {
        const clock = virtualClock();
        let calls = 0;
        const list = new SharedList<Item>(
            async () => {
                calls++;
                await clock.sleep(100);
                return [{ id: "x", state: `v${calls}` }];
            },
            (i) => i.id,
            clock,
        );
        const d = Deadline.in(300, "create", clock);
        const started = clock.now();
        await clock.run(list.get("app", d));
        await clock.run(clock.sleep(500));
        assert.equal((await clock.run(list.get("app", d, { startedSinceMs: started }))).get("x")?.state, "v1");
        assert.equal(calls, 1);
        assert.equal((await clock.run(list.get("app", d))).get("x")?.state, "v2", "a read wants a list started after it asked");
        assert.equal((await clock.run(list.get("app", d, { startedSinceMs: started }))).get("x")?.state, "v2");
        assert.equal(calls, 2);
    });

    it("a read that could GET instead is not listed for when the list costs more than the reads gathered", async () => {
        const clock = virtualClock();
        let calls = 0;
        const list = new SharedList<Item>(
            async () => {
                calls++;
                await clock.sleep(10);
                return Array.from({ length: 450 }, (_, i) => ({ id: `v${i}`, state: "ok" }));
            },
            (i) => i.id,
            clock,
            (items) => Math.ceil(items / 100), // 450 items: 5 pages
        );
        const d = Deadline.in(300, "read", clock);
        assert.equal((await clock.run(list.getIfCheap("p", d)))?.size, 450, "size unknown: listed");
        assert.equal(await clock.run(list.getIfCheap("p", d)), undefined, "one read: its own GET is cheaper than 5 pages");
        const many = await clock.run(Promise.all(Array.from({ length: 6 }, () => list.getIfCheap("p", d))));
        assert.ok(
            many.every((m) => m?.size === 450),
            "6 reads share the 5 pages",
        );
        const [polled, read] = await clock.run(Promise.all([list.get("p", d), list.getIfCheap("p", d)]));
        assert.equal(polled.size, 450);
        assert.equal(read?.size, 450, "a read joins a list someone needs anyway");
        assert.equal(calls, 3);
    });

    it("a caller is rejected at its own deadline while the list goes on for the others", async () => {
        const clock = virtualClock();
        const t0 = clock.now();
        const list = new SharedList<Item>(
            async () => {
                await clock.sleep(10_000);
                return [{ id: "x", state: "ok" }];
            },
            (i) => i.id,
            clock,
        );
        const short = outcome(clock, list.get("app", Deadline.in(2, "read", clock)));
        const long = outcome(clock, list.get("app", Deadline.in(60, "read", clock)));
        await clock.run(Promise.all([short.done, long.done]));
        assert.equal(short.rec.at! - t0, 2_000);
        assert.match(short.rec.error!.message, /list app: gave up after 2 s/);
        assert.equal(long.rec.value?.get("x")?.state, "ok");
    });
});
