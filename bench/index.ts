/**
 * `npm run bench`: figures, not pass/fail. Everything goes through @pulumi/pulumi's real
 * dynamic-provider host, with the package installed from `npm pack`, against the emulator.
 *
 * 1. the serialized provider's size (what Pulumi stores with every resource);
 * 2. requests per create, grow, read and delete, per cloud;
 * 3. the wall time of 50 concurrent creates against one create;
 * 4. 100 creates in one Fly app under the emulator's Fly rate limit (1/s per action, burst 3),
 *    against the floor that limit sets, with the number of 429s seen.
 */
import { readFileSync } from "node:fs";
import { startEmulator, type Emulator } from "../emulator";
import { installPackedPackage, runProgram, startHost, writeProgramFile, type Host, type PropertyMap } from "../tests/harness";

const project = "bench";
const flyKnobs = { timeToReadyMs: 1_000, timeToExtendMs: 1_000, rateLimit: { perSecond: 1, burst: 3 } };

interface Kind {
    cloud: "fly" | "neevcloud";
    type: string;
    inputs: (i: number, scope: string) => PropertyMap;
    grown: (inputs: PropertyMap) => PropertyMap;
}

const kinds: Kind[] = [
    {
        cloud: "fly",
        type: "pulumi-nodejs:dynamic/fly:Volume",
        inputs: (i, app) => ({ app, region: "iad", sizeGb: 3, name: `vol_${i}` }),
        grown: (inputs) => ({ ...inputs, sizeGb: 6 }),
    },
    {
        cloud: "neevcloud",
        type: "pulumi-nodejs:dynamic/neevcloud:NetworkVolume",
        inputs: (i) => ({ regionId: "in-bom-1", sizeGb: 100, name: `vol-${i}` }),
        grown: (inputs) => ({ ...inputs, sizeGb: 250 }),
    },
];

const urn = (k: Kind, name: string) => `urn:pulumi:bench::${project}::${k.type}::${name}`;

function config(emu: Emulator): Record<string, string> {
    const urls = emu.urls as unknown as Record<string, string>;
    return {
        "fly:token": emu.token,
        "fly:apiUrl": urls.fly,
        "neevcloud:token": emu.token,
        "neevcloud:apiUrl": urls.neevcloud ?? "",
        "neevcloud:orgId": "org-bench",
        "neevcloud:projectId": "proj-bench",
    };
}

/** Checks through the host, which fills defaults and attaches `__provider`. */
async function checked(host: Host, k: Kind, name: string, inputs: PropertyMap, provider: string): Promise<PropertyMap> {
    const res = await host.check(urn(k, name), {}, { ...inputs, __provider: provider });
    if (res.failures.length) throw new Error(`check failed: ${JSON.stringify(res.failures)}`);
    return res.inputs;
}

function peakRssMb(pid: number): number | undefined {
    try {
        const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
        return m ? Math.round(Number(m[1]) / 1024) : undefined;
    } catch {
        return undefined;
    }
}

async function timed<T>(f: () => Promise<T>): Promise<[T, number]> {
    const t = performance.now();
    const r = await f();
    return [r, (performance.now() - t) / 1000];
}

async function main(): Promise<void> {
    const scratch = await installPackedPackage();
    writeProgramFile(
        scratch.dir,
        "bench.js",
        `const { fly, neevcloud } = require("pulumi-volumes");
new fly.Volume("v", { app: "a", region: "iad", sizeGb: 1 });
if (neevcloud) new neevcloud.NetworkVolume("n", { regionId: "r", sizeGb: 1, orgId: "o", projectId: "p" });`,
    );
    const regs = await runProgram({ cwd: scratch.dir, entry: "bench.js", project });
    const providers = new Map(regs.map((r) => [r.type, String(r.inputs.__provider)]));

    console.log("pulumi-volumes benchmark (real dynamic-provider host, package from npm pack, local emulator)\n");
    console.log("serialized provider (__provider, stored with every resource):");
    for (const [type, code] of providers) console.log(`  ${type.padEnd(46)} ${Buffer.byteLength(code)} bytes`);

    const emu = await startEmulator({
        knobs: { fly: flyKnobs, neevcloud: { timeToBoundMs: 1_000, timeToExtendMs: 1_000 } },
    });
    const host = await startHost({ cwd: scratch.dir, project });
    await host.configure(config(emu));
    try {
        console.log("\nrequests per operation (polls included; create waits until ready, grow until the size shows):");
        for (const k of kinds) {
            const provider = providers.get(k.type);
            if (!provider || !(emu.urls as unknown as Record<string, string>)[k.cloud]) continue;
            const counts: string[] = [];
            const count = async (label: string, f: () => Promise<unknown>) => {
                emu.clearRequests();
                const [, s] = await timed(f);
                counts.push(`${label} ${emu.requests().length} (${s.toFixed(1)} s)`);
            };
            const inputs = await checked(host, k, "one", k.inputs(0, "bench-ops"), provider);
            let made = { id: "", properties: {} as PropertyMap };
            await count("create", async () => (made = await host.create(urn(k, "one"), inputs)));
            const news = await checked(host, k, "one", k.grown(inputs), provider);
            let grownProps = made.properties;
            await count("grow", async () => (grownProps = (await host.update(urn(k, "one"), made.id, made.properties, news)).properties));
            await count("read", () => host.read(urn(k, "one"), made.id, grownProps));
            await count("delete", () => host.delete(urn(k, "one"), made.id, grownProps));
            console.log(`  ${k.cloud.padEnd(10)} ${counts.join(", ")}`);
        }

        const fly = kinds[0];
        const flyProvider = providers.get(fly.type)!;
        console.log("\nconcurrency (Fly, emulator ready after 1 s; one app per volume, so per-app limits do not serialize them):");
        const [, one] = await timed(async () =>
            host.create(urn(fly, "solo"), await checked(host, fly, "solo", fly.inputs(0, "solo-app"), flyProvider)),
        );
        const fifty = await Promise.all(
            Array.from({ length: 50 }, (_, i) => checked(host, fly, `c${i}`, fly.inputs(i, `app-${i}`), flyProvider)),
        );
        emu.clearRequests();
        const [, all] = await timed(() => Promise.all(fifty.map((inputs, i) => host.create(urn(fly, `c${i}`), inputs))));
        console.log(
            `  1 create: ${one.toFixed(2)} s; 50 concurrent creates: ${all.toFixed(2)} s (${(all / one).toFixed(2)}× one); ${emu.requests().length} requests`,
        );

        console.log("\n100 creates in one Fly app under the emulator's rate limit (1 request/s per action, burst 3):");
        const hundred = await Promise.all(
            Array.from({ length: 100 }, (_, i) => checked(host, fly, `h${i}`, fly.inputs(i, "busy-app"), flyProvider)),
        );
        emu.clearRequests();
        const [results, wall] = await timed(() => Promise.allSettled(hundred.map((inputs, i) => host.create(urn(fly, `h${i}`), inputs))));
        const reqs = emu.requests();
        const floor = (100 - flyKnobs.rateLimit.burst) / flyKnobs.rateLimit.perSecond;
        const failed = results.filter((r) => r.status === "rejected").length;
        const created = (emu.inventory() as unknown as { fly: Array<{ app: string }> }).fly.filter((v) => v.app === "busy-app").length;
        console.log(
            `  wall ${wall.toFixed(1)} s against a floor of ${floor.toFixed(0)} s (${((wall / floor - 1) * 100).toFixed(1)}% over)`,
        );
        console.log(
            `  ${created} volumes, ${failed} failed creates, ${reqs.filter((r) => r.status === 429).length} 429s, ` +
                `${reqs.filter((r) => r.method === "POST").length} POSTs, ${reqs.filter((r) => r.method === "GET").length} list/get polls (shared per app)`,
        );
        const rss = peakRssMb(host.pid);
        if (rss !== undefined) console.log(`\nprovider host peak RSS: ${rss} MB`);
    } finally {
        await host.close();
        await emu.close();
    }
}

main().catch((error) => {
    console.error(error);
    process.exit(1);
});
