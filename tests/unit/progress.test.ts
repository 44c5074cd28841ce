import { strict as assert } from "node:assert";
import { Deadline } from "../../provider/core/deadline";
import { ApiError } from "../../provider/core/errors";
import { Progress, type ProgressLine, withProgress } from "../../provider/core/progress";
import { defaultRetryPolicy, retryLoop } from "../../provider/core/retry";
import { registerSecret } from "../../provider/core/secrets";
import { SharedPoller, waitFor, type WaitStep } from "../../provider/core/wait";
import { present } from "../support/present";
import { virtualClock, type VirtualClock } from "./virtualClock";

/** A reporter on `clock` that records each line with the virtual second it was said at. */
function recorder(clock: VirtualClock) {
    const t0 = clock.now();
    const lines: Array<ProgressLine & { at: number }> = [];
    const progress = new Progress((l) => lines.push({ ...l, at: Math.round((clock.now() - t0) / 1000) }), clock);
    return { progress, lines };
}

describe("progress: what a wait or a retry tells the person running pulumi up", () => {
    it("a 35 s wait polled every second says so when it starts, then every ~10 s: four lines, not 35", async () => {
        const clock = virtualClock();
        const { progress, lines } = recorder(clock);
        let polls = 0;
        const probe = async (): Promise<WaitStep<string>> =>
            ++polls > 35 ? { status: "done", value: "ok" } : { status: "pending", state: "creating" };
        const deadline = Deadline.in(300, "create", clock);
        const done = withProgress(progress, () =>
            waitFor(
                probe,
                { deadline, subject: "fly volume web/vol_1", goal: "to be created" },
                { firstMs: 1_000, factor: 1, maxMs: 1_000, jitter: "none" },
            ),
        );
        assert.equal(await clock.run(done), "ok");
        assert.ok(polls > 30);
        assert.deepEqual(
            lines.map((l) => [l.at, l.message, l.ephemeral]),
            [
                [0, "waiting for fly volume web/vol_1 to be created", true],
                [10, "still waiting for fly volume web/vol_1 to be created (now 'creating'): 10 s so far", true],
                [20, "still waiting for fly volume web/vol_1 to be created (now 'creating'): 20 s so far", true],
                [30, "still waiting for fly volume web/vol_1 to be created (now 'creating'): 30 s so far", true],
            ],
        );
    });

    it("each retry is said with the status, the request id and the next delay, and kept (not ephemeral)", async () => {
        const clock = virtualClock();
        const { progress, lines } = recorder(clock);
        let n = 0;
        const failure = () =>
            new ApiError({
                cloud: "fly",
                operation: "list volumes",
                target: "in app web",
                status: 503,
                code: "unavailable",
                requestId: "r-7",
            });
        const loop = withProgress(progress, () =>
            retryLoop(
                {
                    deadline: Deadline.in(300, "read", clock),
                    policy: defaultRetryPolicy,
                    clock,
                    random: () => 1,
                    what: "fly list volumes in app web",
                },
                async () => (++n <= 2 ? { failure: failure(), retryable: true } : { done: "listed" }),
            ),
        );
        assert.equal(await clock.run(loop), "listed");
        assert.deepEqual(
            lines.map((l) => [l.message, l.ephemeral]),
            [
                ["fly list volumes in app web: 503 unavailable, request r-7; retry 1 in 0.3 s", false],
                ["fly list volumes in app web: 503 unavailable, request r-7; retry 2 in 0.5 s", false],
            ],
        );
    });

    it("lines are scrubbed: a registered credential never reaches the engine", () => {
        registerSecret("progress-secret-value-1234");
        const clock = virtualClock();
        const { progress, lines } = recorder(clock);
        progress.retrying("fly get volume web/vol_1", "401 echoed progress-secret-value-1234", 1, 250);
        assert.equal(lines.length, 1);
        assert.doesNotMatch(present(lines[0]).message, /progress-secret-value/);
        assert.match(present(lines[0]).message, /401 echoed \*\*\*/);
    });

    it("outside an operation nothing is said, and a sink that throws never fails the operation", async () => {
        const clock = virtualClock();
        const probe = async (): Promise<WaitStep<string>> => ({ status: "done", value: "ok" });
        const deadline = Deadline.in(10, "create", clock);
        assert.equal(await clock.run(waitFor(probe, { deadline, subject: "s", goal: "g" })), "ok");
        const throwing = new Progress(() => {
            throw new Error("engine gone");
        }, clock);
        assert.equal(await clock.run(withProgress(throwing, () => waitFor(probe, { deadline, subject: "s", goal: "g" }))), "ok");
    });

    it("waiters sharing one poll each report on their own row, though the poll runs in the first one's context", async () => {
        const clock = virtualClock();
        const a = recorder(clock);
        const b = recorder(clock);
        let ticks = 0;
        const poller = new SharedPoller<string>(
            async () => {
                ticks++;
                return new Map([
                    ["a", ticks > 12 ? "ready" : "creating"],
                    ["b", ticks > 25 ? "ready" : "creating"],
                ]);
            },
            undefined,
            clock,
        );
        const step = (s: string | undefined): WaitStep<string> =>
            s === "ready" ? { status: "done", value: s } : { status: "pending", state: s ?? "?" };
        const opts = (subject: string) => ({ deadline: Deadline.in(300, "create", clock), subject, goal: "to be ready" });
        const pa = withProgress(a.progress, () => poller.waitFor("app", "a", step, opts("vol a")));
        const pb = withProgress(b.progress, () => poller.waitFor("app", "b", step, opts("vol b")));
        await clock.run(Promise.all([pa, pb]));
        assert.deepEqual(
            a.lines.map((l) => l.message),
            ["waiting for vol a to be ready", "still waiting for vol a to be ready (now 'creating'): 10 s so far"],
        );
        assert.deepEqual(
            b.lines.map((l) => l.message),
            [
                "waiting for vol b to be ready",
                "still waiting for vol b to be ready (now 'creating'): 10 s so far",
                "still waiting for vol b to be ready (now 'creating'): 20 s so far",
            ],
        );
    });
});
