/**
 * Section 4: readiness. N concurrent creates in one Fly app under Fly's limit: how long after the
 * cloud made each volume ready did its create return, and how fast the waits poll the app.
 *
 * Two cases. Ready 1 to 2 s after Fly made it (drawn per volume, as Fly's readiness varies): the
 * figure the target is about. And ready exactly 1 s after, the worst case for a 1 s poll:
 * creates are paced 1/s by the rate limit, so every volume turns ready at the same phase of the poll
 * and waits the same time; printed so the lock-step is seen, not hidden.
 *
 * The ready moment is the emulator's (`readyAt`: created + the time to ready drawn for it), when
 * its state turns `created`. The return moment is when the bench received the host's Create reply.
 * Both clocks are this process's `Date.now()`.
 */
import type { RecordedRequest } from "../emulator";
import { urn } from "./kinds";
import { flyOf, flyLimit, volumeIdOf } from "./fly";
import { action, checked, inApp, median, timed, withEmulator, withHost, type Bench } from "./setup";

const count = 30;
const readyMs = 1_000;
const benchApp = "ready-app";

const cases = [
    { label: "ready 1–2 s after Fly made each (drawn per volume)", jitterMs: 1_000 },
    { label: "ready exactly 1 s after Fly made each (lock-step with the 1 s poll)", jitterMs: 0 },
];

/** The most requests in any window of one second. */
function peakPerSecond(requests: readonly RecordedRequest[]): number {
    const at = requests.map((r) => r.at).sort((a, b) => a - b);
    let peak = 0;
    let i = 0;
    for (const [j, t] of at.entries()) {
        while (t - (at[i] ?? t) >= 1_000) i++;
        peak = Math.max(peak, j - i + 1);
    }
    return peak;
}

export async function printReadiness(bench: Bench): Promise<void> {
    const fly = flyOf(bench);
    if (!fly) return;
    console.log(`\nreadiness: ${count} concurrent creates in one Fly app, Fly's limit on:`);
    for (const c of cases) {
        console.log(`  ${c.label}:`);
        await readiness(bench, fly, c.jitterMs);
    }
}

async function readiness(bench: Bench, fly: NonNullable<ReturnType<typeof flyOf>>, jitterMs: number): Promise<void> {
    await withEmulator({ fly: { timeToReadyMs: readyMs, timeToReadyJitterMs: jitterMs, rateLimit: flyLimit } }, (emu) =>
        withHost(bench, emu, "readiness", async (host) => {
            const inputs = await Promise.all(Array.from({ length: count }, (_, i) => checked(host, fly, `w${i}`, fly.inputs(i, benchApp))));
            emu.clearRequests();
            const returned = new Map<string, number>();
            const [results, wall] = await timed(() =>
                Promise.allSettled(
                    inputs.map(async (props, i) => {
                        const made = await host.create(urn(fly.type, `w${i}`), props);
                        returned.set(volumeIdOf(made.id), Date.now());
                    }),
                ),
            );
            const lags = [...returned].flatMap(([id, at]) => {
                const ready = emu.fly.readyAt(benchApp, id);
                return ready === undefined ? [] : [(at - ready) / 1000];
            });
            const reqs = inApp(emu.requests(), benchApp);
            const lists = reqs.filter((r) => action(r) === "list");
            const gets = reqs.filter((r) => action(r) === "get");
            const window = ((reqs.at(-1)?.at ?? 0) - (reqs[0]?.at ?? 0)) / 1000;
            const failed = results.filter((r) => r.status === "rejected").length;
            console.log(
                `    create returned after ready (reply received − the emulator's ready moment): ` +
                    `median ${median(lags).toFixed(2)} s, max ${Math.max(...lags).toFixed(2)} s over ${lags.length} creates ` +
                    `(the target: median ≤ 0.5 s, max ≤ 1.1 s)`,
            );
            console.log(
                `    polls: ${lists.length} list GETs + ${gets.length} single GETs in ${window.toFixed(1)} s = ` +
                    `${(lists.length / Math.max(window, 1)).toFixed(2)} list GETs/s (peak ${peakPerSecond(lists)} in any 1 s), ` +
                    `against Fly's ${flyLimit.perSecond} request/s per action per app`,
            );
            console.log(
                `    ${count} creates in ${wall.toFixed(1)} s, ${failed} failed, ${reqs.filter((r) => r.status === 429).length} × 429`,
            );
        }),
    );
}
