/**
 * Section 6: concurrency and Fly's rate limit. 50 concurrent creates (one app each, so per-app
 * limits do not serialize them) against one create; 100 creates in one app against the floor that
 * Fly's limit sets.
 */
import { urn } from "./kinds";
import { flyOf, flyLimit } from "./fly";
import { action, checked, inApp, mix, timed, withEmulator, withHost, type Bench, type BenchKind } from "./setup";

const readyMs = 1_000;
const spreadCount = 50;
const crowdCount = 100;
const crowdApp = "busy-app";

async function spread(bench: Bench, fly: BenchKind): Promise<void> {
    await withEmulator({ fly: { timeToReadyMs: readyMs, rateLimit: flyLimit } }, (emu) =>
        withHost(bench, emu, `${spreadCount} concurrent creates`, async (host) => {
            const soloInputs = await checked(host, fly, "solo", fly.inputs(0, "solo-app"));
            const [, one] = await timed(() => host.create(urn(fly.type, "solo"), soloInputs));
            const inputs = await Promise.all(
                Array.from({ length: spreadCount }, (_, i) => checked(host, fly, `c${i}`, fly.inputs(i, `app-${i}`))),
            );
            emu.clearRequests();
            const [, all] = await timed(() => Promise.all(inputs.map((props, i) => host.create(urn(fly.type, `c${i}`), props))));
            console.log(
                `  ${spreadCount} concurrent creates (one app each): ${all.toFixed(2)} s against one create's ${one.toFixed(2)} s ` +
                    `(${(all / one).toFixed(2)}×); ${emu.requests().length} requests (${mix(emu.requests())})`,
            );
        }),
    );
}

async function crowd(bench: Bench, fly: BenchKind): Promise<void> {
    await withEmulator({ fly: { timeToReadyMs: readyMs, rateLimit: flyLimit } }, (emu) =>
        withHost(bench, emu, `${crowdCount} creates in one app`, async (host) => {
            const inputs = await Promise.all(
                Array.from({ length: crowdCount }, (_, i) => checked(host, fly, `h${i}`, fly.inputs(i, crowdApp))),
            );
            emu.clearRequests();
            const [results, wall] = await timed(() =>
                Promise.allSettled(inputs.map((props, i) => host.create(urn(fly.type, `h${i}`), props))),
            );
            const reqs = inApp(emu.requests(), crowdApp);
            const floor = (crowdCount - flyLimit.burst) / flyLimit.perSecond;
            const created = emu.inventory().fly.filter((v) => v.app === crowdApp).length;
            const failed = results.filter((r) => r.status === "rejected").length;
            console.log(
                `  ${crowdCount} creates in one app: ${wall.toFixed(1)} s against ` +
                    `the floor of ${floor.toFixed(0)} s that 1 POST/s after a burst of ` +
                    `${flyLimit.burst} sets (${((wall / floor - 1) * 100).toFixed(1)}% over)`,
            );
            console.log(
                `  ${created} volumes, ${failed} failed creates, ${reqs.filter((r) => r.status === 429).length} × 429, ` +
                    `${reqs.filter((r) => action(r) === "create").length} POSTs, ${reqs.length} requests (${mix(reqs)})`,
            );
        }),
    );
}

export async function printConcurrency(bench: Bench): Promise<void> {
    const fly = flyOf(bench);
    if (!fly) return;
    console.log(
        `\nconcurrency and Fly's limit (ready after ${readyMs} ms, ` +
            `${flyLimit.perSecond} request/s per action per app, burst ${flyLimit.burst}):`,
    );
    await spread(bench, fly);
    await crowd(bench, fly);
}
