import { strict as assert } from "node:assert";
import { Deadline } from "../../provider/core/deadline";
import { ApiError } from "../../provider/core/errors";
import { type InUseVerdict, retryWhileInUse, type WhileInUseOptions } from "../../provider/core/inUse";
import { fakeClock } from "./virtualClock";

const busy = () =>
    new ApiError({
        cloud: "fly",
        operation: "delete volume",
        target: "web/vol_1",
        status: 412,
        code: "failed_precondition",
        cloudMessage: "volume is bound to machine: m_42",
        requestId: "req-7",
    });

function options(deadline: Deadline, classify: (e: unknown) => InUseVerdict | Promise<InUseVerdict>): WhileInUseOptions {
    return {
        deadline,
        subject: "fly delete volume web/vol_1",
        classify,
        held: (m) => `attached to machine ${m ?? "(unknown)"}`,
        remedy: "Destroy that machine first (stopping it is not enough)",
    };
}

describe("retryWhileInUse: the one delete-while-in-use loop", () => {
    it("retries while in use, with intervals growing from 1 s to at most 5 s, until the attempt succeeds", async () => {
        const clock = fakeClock(5_000_000);
        let calls = 0;
        await retryWhileInUse(
            async () => {
                if (++calls < 8) throw busy();
            },
            options(Deadline.in(300, "delete", clock), () => ({ status: "inUse", holder: "m_42" })),
        );
        assert.equal(calls, 8);
        assert.deepEqual(clock.slept, [1000, 1500, 2250, 3375, 5000, 5000, 5000]);
    });

    it("after the deadline sends nothing more and names the holder, status, code, request id and remedy in one line", async () => {
        const clock = fakeClock(5_000_000);
        const deadline = Deadline.in(10, "delete", clock);
        const at: number[] = [];
        const err = await retryWhileInUse(
            async () => {
                at.push(clock.now());
                throw busy();
            },
            options(deadline, () => ({ status: "inUse", holder: "m_42" })),
        ).then(
            () => assert.fail("expected a rejection"),
            (e: Error) => e,
        );
        assert.ok(
            at.every((t) => t < deadline.at),
            "no attempt at or after the deadline",
        );
        assert.equal(at.length, 5, "1 + 1 + 1.5 + 2.25 + 3.375 s: five attempts in 10 s");
        assert.equal(
            err.message,
            "fly delete volume web/vol_1: still attached to machine m_42 after 10 s (412 failed_precondition, request req-7). " +
                "Destroy that machine first (stopping it is not enough), then run the delete again; or raise timeouts.delete (now 10 s).",
        );
        assert.doesNotMatch(err.message, /\n/);
    });

    it("a resource found gone is done; any other error is thrown at once, unchanged", async () => {
        const clock = fakeClock(5_000_000);
        await retryWhileInUse(
            async () => {
                throw busy();
            },
            options(Deadline.in(60, "delete", clock), () => ({ status: "gone" })),
        );
        assert.deepEqual(clock.slept, []);
        const other = new Error("401 unauthorized");
        await assert.rejects(
            retryWhileInUse(
                async () => {
                    throw other;
                },
                options(Deadline.in(60, "delete", clock), () => ({ status: "failed" })),
            ),
            (e) => e === other,
        );
        assert.deepEqual(clock.slept, []);
    });

    it("an attempt that runs into the deadline after 'in use' answers is reported as still in use, naming the holder", async () => {
        const clock = fakeClock(5_000_000);
        const deadline = Deadline.in(3, "delete", clock);
        const timedOut = new Error("fly delete volume web/vol_1: gave up after 3 s");
        let calls = 0;
        const err = await retryWhileInUse(
            async () => {
                if (++calls === 1) throw busy();
                // The second try starts in time but its request meets the deadline.
                await clock.sleep(5_000);
                throw timedOut;
            },
            options(deadline, (e) => (e === timedOut ? { status: "failed" } : { status: "inUse", holder: "m_42" })),
        ).then(
            () => assert.fail("expected a rejection"),
            (e: Error) => e,
        );
        assert.match(err.message, /still attached to machine m_42 after 3 s \(412 failed_precondition, request req-7\)/);
    });
});
