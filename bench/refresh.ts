/**
 * Section 3: refresh at scale. 200 volumes in one Fly app, then 200 concurrent reads through a
 * fresh host (a new `pulumi refresh`) under Fly's rate limit.
 *
 * Seeding 200 volumes through the host would take ~200 s (the provider keeps Fly's limit on its
 * side too), and the emulator has no seeding hook. So one volume is created through the host, for
 * real state and inputs, and the other 199 are POSTed to the emulator's Fly API with its rate
 * limit off; their state is the first one's with the id and name swapped. Then the limit is turned
 * on (`emu.configure`, buckets start full) before the reads.
 */
import type { Emulator } from "../emulator";
import type { PropertyMap, PropertyValue } from "../tests/harness";
import { urn } from "./kinds";
import { flyOf, flyLimit, volumeIdOf } from "./fly";
import { checked, inApp, mix, timed, withEmulator, withHost, type Bench, type BenchKind } from "./setup";

const count = 200;
const benchApp = "refresh-app";

interface Resource {
    id: string;
    outputs: PropertyMap;
    inputs: PropertyMap;
}

/** Creates a volume straight through the emulator's Fly API; returns its id. */
async function postFlyVolume(emu: Emulator, app: string, name: string, region: string, sizeGb: number): Promise<string> {
    const res = await fetch(`${emu.urls.fly}/v1/apps/${app}/volumes`, {
        method: "POST",
        headers: { authorization: `Bearer ${emu.token}`, "content-type": "application/json" },
        body: JSON.stringify({ name, region, size_gb: sizeGb }),
    });
    if (!res.ok) throw new Error(`seeding ${app}/${name}: ${res.status} ${await res.text()}`);
    return ((await res.json()) as { id: string }).id;
}

/** A copy of `value` with every string equal to a key of `swap` replaced by its value. */
function swapped<T extends PropertyValue>(value: T, swap: ReadonlyMap<string, string>): T {
    if (typeof value === "string") return (swap.get(value) ?? value) as T;
    if (Array.isArray(value)) return value.map((v) => swapped(v, swap)) as T;
    if (value !== null && typeof value === "object") {
        return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, swapped(v, swap)])) as T;
    }
    return value;
}

async function seed(bench: Bench, emu: Emulator, fly: BenchKind): Promise<Resource[]> {
    const first = await withHost(bench, emu, "refresh: seeding", async (host) => {
        const inputs = await checked(host, fly, "r0", fly.inputs(0, benchApp));
        const made = await host.create(urn(fly.type, "r0"), inputs);
        return { id: made.id, outputs: made.properties, inputs };
    });
    const firstVolume = volumeIdOf(first.id);
    const firstName = String(first.inputs.name);
    const others = await Promise.all(
        Array.from({ length: count - 1 }, async (_, j) => {
            const i = j + 1;
            const { name, region, sizeGb } = fly.inputs(i, benchApp) as { name: string; region: string; sizeGb: number };
            const volume = await postFlyVolume(emu, benchApp, name, region, sizeGb);
            const swap = new Map([
                [firstVolume, volume],
                [first.id, `${benchApp}/${volume}`],
                [firstName, name],
            ]);
            return { id: swap.get(first.id)!, outputs: swapped(first.outputs, swap), inputs: swapped(first.inputs, swap) };
        }),
    );
    return [first, ...others];
}

export async function printRefresh(bench: Bench): Promise<void> {
    const fly = flyOf(bench);
    if (!fly) return;
    console.log(`\nrefresh at scale: ${count} volumes in one Fly app, ${count} concurrent reads through a fresh host, Fly's limit on:`);
    await withEmulator({ fly: { timeToReadyMs: 0, timeToExtendMs: 0, rateLimit: false } }, async (emu) => {
        const resources = await seed(bench, emu, fly);
        emu.configure({ fly: { rateLimit: flyLimit } });
        await withHost(bench, emu, `refresh: ${count} reads`, async (host) => {
            emu.clearRequests();
            const [results, wall] = await timed(() =>
                Promise.allSettled(resources.map((r, i) => host.read(urn(fly.type, `r${i}`), r.id, r.outputs, r.inputs))),
            );
            const reqs = inApp(emu.requests(), benchApp);
            const found = results.filter((r) => r.status === "fulfilled" && r.value.id !== "").length;
            const gone = results.filter((r) => r.status === "fulfilled" && r.value.id === "").length;
            const failed = results.flatMap((r) => (r.status === "rejected" ? [String(r.reason).split("\n")[0]] : []));
            const perVolumeFloor = (count - flyLimit.burst) / flyLimit.perSecond;
            console.log(
                `  wall ${wall.toFixed(1)} s; ${reqs.length} requests (${mix(reqs)}), ` +
                    `${reqs.filter((r) => r.status === 429).length} × 429; ${found} found, ${gone} gone, ${failed.length} failed`,
            );
            console.log(
                `  against: one shared list GET (well under 1 s) vs one GET per volume at Fly's 1/s (≈ ${perVolumeFloor.toFixed(0)} s); ` +
                    `the target: ≤ 3 s, 0 × 429`,
            );
            const [firstFailure] = failed;
            if (firstFailure !== undefined) console.log(`  first failure: ${firstFailure.slice(0, 200)}`);
        });
    });
}
