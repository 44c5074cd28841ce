import { strict as assert } from "node:assert";
import { Deadline } from "../../provider/core/deadline";
import { ApiError, MissingCredentialError } from "../../provider/core/errors";
import { registerSecret, scrub } from "../../provider/core/secrets";
import { defaultRetryPolicy, parseRetryAfter, retryDelay } from "../../provider/core/retry";
import { TokenBucket } from "../../provider/core/rateLimit";
import { SharedPoller, waitFor } from "../../provider/core/wait";
import { requireCredential, setStackConfig } from "../../provider/core/config";
import { fakeClock, virtualClock } from "./virtualClock";

describe("core", () => {
    describe("Retry-After and backoff", () => {
        it("reads delta-seconds and HTTP dates, and ignores garbage", () => {
            assert.equal(parseRetryAfter("3", 0), 3000);
            assert.equal(parseRetryAfter("0.5", 0), 500);
            const now = Date.parse("2026-01-01T00:00:00Z");
            assert.equal(parseRetryAfter("Thu, 01 Jan 2026 00:00:10 GMT", now), 10_000);
            assert.equal(parseRetryAfter("soon", 0), undefined);
            assert.equal(parseRetryAfter(undefined, 0), undefined);
        });
        it("honours Retry-After without jitter, capped", () => {
            assert.equal(
                retryDelay(defaultRetryPolicy, 0, 2000, () => 0),
                2000,
            );
            assert.equal(
                retryDelay(defaultRetryPolicy, 0, 10 * 60_000, () => 0),
                defaultRetryPolicy.maxRetryAfterMs,
            );
        });
        it("uses full jitter below an exponentially growing cap", () => {
            assert.equal(
                retryDelay(defaultRetryPolicy, 0, undefined, () => 0.999),
                249,
            );
            assert.equal(
                retryDelay(defaultRetryPolicy, 3, undefined, () => 0.5),
                1000,
            );
            assert.equal(
                retryDelay(defaultRetryPolicy, 20, undefined, () => 0.5),
                defaultRetryPolicy.maxMs / 2,
            );
            assert.equal(
                retryDelay(defaultRetryPolicy, 5, undefined, () => 0),
                0,
            );
        });
    });

    describe("rate limiter", () => {
        it("lets a burst through, then spaces requests at the sustained rate", async () => {
            const clock = fakeClock(1_000_000);
            const bucket = new TokenBucket({ perSecond: 1, burst: 2 }, clock);
            for (let i = 0; i < 5; i++) await bucket.take();
            assert.deepEqual(clock.slept, [1000, 1000, 1000]);
        });
        it("refuses to wait past the deadline and gives the slot back", async () => {
            const clock = fakeClock(1_000_000);
            const bucket = new TokenBucket({ perSecond: 1, burst: 1 }, clock);
            await bucket.take();
            const deadline = new Deadline(clock.now() + 500, "create", 0.5, clock);
            await assert.rejects(bucket.take(deadline), /past the deadline; raise timeouts.create/);
            await bucket.take(); // the refused reservation was returned: next one waits one interval
            assert.deepEqual(clock.slept, [1000]);
        });
    });

    describe("waiting", () => {
        it("stops at a terminal state at once, naming it", async () => {
            const clock = fakeClock(1_000_000);
            const d = new Deadline(clock.now() + 60_000, "create", 60, clock);
            let n = 0;
            await assert.rejects(
                waitFor(
                    async () =>
                        ++n < 3 ? { status: "pending", state: "creating" } : { status: "failed", state: "failed", reason: "no capacity" },
                    {
                        deadline: d,
                        subject: "vol x",
                        goal: "to be ready",
                    },
                ),
                /vol x reached 'failed' waiting to be ready: no capacity/,
            );
            assert.equal(n, 3);
        });
        it("times out at the deadline with the last state and the timeout to raise", async () => {
            const clock = fakeClock(1_000_000);
            const d = new Deadline(clock.now() + 5_000, "create", 5, clock);
            await assert.rejects(
                waitFor(async () => ({ status: "pending", state: "creating" }), {
                    deadline: d,
                    subject: "fly volume a/vol_1",
                    goal: "to be created",
                }),
                /fly volume a\/vol_1 still 'creating' after 5 s waiting to be created; raise timeouts.create/,
            );
            assert.ok(clock.now() <= d.at);
        });
        it("shares one list among waiters on the same scope", async () => {
            const clock = virtualClock(); // timers that fire in order: waiters race their deadlines
            let lists = 0;
            let tick = 0;
            const poller = new SharedPoller<string>(
                async () => {
                    lists++;
                    tick++;
                    return new Map([
                        ["a", tick >= 2 ? "ready" : "creating"],
                        ["b", tick >= 3 ? "ready" : "creating"],
                        ["c", tick >= 4 ? "ready" : "creating"],
                    ]);
                },
                { firstMs: 100, factor: 1, maxMs: 100, jitter: "none" },
                clock,
            );
            const d = new Deadline(clock.now() + 60_000, "create", 60, clock);
            const judge = (s: string | undefined) =>
                s === "ready" ? { status: "done" as const, value: s } : { status: "pending" as const, state: s ?? "?" };
            const opts = { deadline: d, subject: "v", goal: "ready" };
            const results = await clock.run(Promise.all(["a", "b", "c"].map((id) => poller.waitFor("app", id, judge, opts))));
            assert.deepEqual(results, ["ready", "ready", "ready"]);
            assert.equal(lists, 4, "one list per tick for all three waiters");
        });
    });

    describe("errors and credentials", () => {
        it("formats an API error on one line with status, code, request id and remedy", () => {
            const e = new ApiError({
                cloud: "fly",
                operation: "delete volume",
                target: "app/vol_1",
                status: 412,
                code: "failed_precondition",
                cloudMessage: "volume is currently bound to machine: m1",
                requestId: "req-1",
                remedy: "destroy the machine",
            });
            assert.equal(
                e.message,
                "fly delete volume app/vol_1: volume is currently bound to machine: " +
                    "m1 (412 failed_precondition, request req-1). destroy the machine",
            );
        });
        it("scrubs registered secrets and token shapes from every message", () => {
            registerSecret("super-secret-value");
            assert.equal(scrub("token super-secret-value leaked"), "token *** leaked");
            assert.equal(scrub("Authorization: Bearer abcdefghijkl"), "Authorization: Bearer ***");
            assert.equal(scrub("got fm2_abcdefghijklmnop"), "got ***");
            assert.equal(new ApiError({ cloud: "fly", operation: "x", cloudMessage: "bad super-secret-value" }).message, "fly x: bad ***");
        });
        it("names the config key and the env var when the credential is missing", () => {
            setStackConfig(undefined);
            const saved = process.env.FLY_API_TOKEN;
            delete process.env.FLY_API_TOKEN;
            try {
                assert.throws(
                    () => requireCredential("fly", { configKey: "fly:token", envVars: ["FLY_API_TOKEN"] }),
                    (e: Error) => {
                        assert.ok(e instanceof MissingCredentialError);
                        assert.match(e.message, /fly:token/);
                        assert.match(e.message, /FLY_API_TOKEN/);
                        return true;
                    },
                );
            } finally {
                if (saved !== undefined) process.env.FLY_API_TOKEN = saved;
            }
        });
        it("prefers the stack config over the environment", () => {
            process.env.FLY_API_TOKEN = "from-env-token";
            setStackConfig({ get: (k) => (k === "fly:token" ? "from-config-token" : undefined) });
            try {
                assert.equal(requireCredential("fly", { configKey: "fly:token", envVars: ["FLY_API_TOKEN"] }), "from-config-token");
            } finally {
                setStackConfig(undefined);
                delete process.env.FLY_API_TOKEN;
            }
        });
    });
});
