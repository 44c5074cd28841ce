import { strict as assert } from "node:assert";
import { Deadline } from "../../provider/core/deadline";
import { backoffFloor, defaultRetryPolicy, parseHttpDate, parseRetryAfter, retryDelay } from "../../provider/core/retry";
import { fakeClock } from "./httpLoopback";

describe("retry timing", () => {
    describe("Retry-After accepts delta-seconds and an IMF-fixdate only", () => {
        const now = Date.parse("2026-01-01T00:00:00Z");
        it("reads delta-seconds", () => {
            assert.equal(parseRetryAfter("0", now), 0);
            assert.equal(parseRetryAfter(" 7 ", now), 7000);
            assert.equal(parseRetryAfter("2026", now), 2_026_000, "a year-looking number is seconds, not a date in the past");
        });
        it("reads an IMF-fixdate relative to the clock, never negative", () => {
            assert.equal(parseRetryAfter("Thu, 01 Jan 2026 00:00:10 GMT", now), 10_000);
            assert.equal(parseRetryAfter("Wed, 31 Dec 2025 23:59:00 GMT", now), 0);
        });
        it("rejects what Date.parse would take as a date", () => {
            for (const junk of [
                "tomorrow",
                "soon 1",
                "Jan 1",
                "2026-01-01T00:00:10Z",
                "Thursday, 01-Jan-26 00:00:10 GMT",
                "Thu Jan  1 00:00:10 2026",
                "Thu, 01 Jan 2026 00:00:10 UTC",
                "Thu, 31 Feb 2026 00:00:10 GMT",
                "Thu, 01 Jan 2026 25:00:10 GMT",
                "-1",
                "1e3",
                "",
            ]) {
                assert.equal(parseRetryAfter(junk, now), undefined, junk);
            }
            assert.equal(parseRetryAfter(undefined, now), undefined);
            // What the old parser fell for: Date.parse reads these as dates long past, i.e. "retry now".
            assert.ok(Date.parse("soon 1") < now && Date.parse("-1") < now);
        });
        it("parses the IMF-fixdate exactly", () => {
            assert.equal(parseHttpDate("Sun, 06 Nov 1994 08:49:37 GMT"), Date.UTC(1994, 10, 6, 8, 49, 37));
            assert.equal(parseHttpDate("Sun, 06 Nov 1994 08:49:37 GMT "), undefined);
        });
    });

    describe("backoff", () => {
        it("never waits less than the backoff floor, whatever the server says", () => {
            for (let attempt = 0; attempt < 8; attempt++) {
                assert.ok(retryDelay(defaultRetryPolicy, attempt, 0) >= backoffFloor(defaultRetryPolicy, attempt));
                assert.ok(backoffFloor(defaultRetryPolicy, attempt) > 0);
            }
            assert.equal(retryDelay(defaultRetryPolicy, 0, 0), 125);
            assert.equal(retryDelay(defaultRetryPolicy, 3, 0), 1000);
            assert.equal(retryDelay(defaultRetryPolicy, 3, 5000), 5000, "a longer server delay is honoured as is");
        });
        it("gives up on an unreachable endpoint after a few attempts", () => {
            assert.ok(defaultRetryPolicy.unreachableAttempts >= 2 && defaultRetryPolicy.unreachableAttempts <= 5);
        });
    });

    describe("Deadline.reserve", () => {
        it("ends the child earlier by the time reserved, keeping the label for messages", () => {
            const clock = fakeClock();
            const d = Deadline.in(60, "create", clock);
            const child = d.reserve(10_000);
            assert.equal(child.at, d.at - 10_000);
            assert.equal(child.label, "create");
            assert.equal(child.seconds, 60);
            assert.equal(child.clock, clock);
        });
        it("never reserves more than half the time left", () => {
            const clock = fakeClock();
            const d = Deadline.in(3, "create", clock);
            assert.equal(d.reserve(10_000).remaining(), 1500);
            assert.equal(d.reserve(-5).at, d.at);
        });
    });
});
