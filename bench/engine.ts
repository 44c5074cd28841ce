/**
 * Section `engine`: the real Pulumi CLI (scripts/pulumi-cli.sh --path), programs run as Automation
 * API inline programs on a file backend, the package from `npm pack`, the emulator.
 *
 * - preview of N new Fly volumes against N no-op `pulumi.dynamic.Resource`s (goal ≤ 1.2×);
 * - `up` of M volumes across 10 Fly apps under Fly's rate limit against the floor that limit sets
 *   (goal ≤ 1.1×, no 429 surfaced to the user);
 * - the state file's bytes per volume, and the `__provider` string stored with each resource;
 * - the provider host's peak RSS (`pulumi-resource-pulumi-nodejs`, a descendant of this process).
 *
 * Counts: `npm run bench -- engine --preview-count=1000 --up-count=200 --repeat=2` (the defaults; the
 * preview pair runs `repeat` times, alternating, and the best of each counts).
 */
import { readdirSync, readFileSync } from "node:fs";

import type * as auto from "@pulumi/pulumi/automation";

import { writeProgramFile } from "../tests/harness";
import { cliVersion, findCli, openInlineStack, programFile } from "../tests/engine/inline";
import { flyVolumeRules } from "../provider/fly/rules";
import { flyLimit } from "./fly";
import { timed, withEmulator, type Bench } from "./setup";

/**
 * A Fly volume per index, spread over `apps` apps; or, with kind `noop`, a dynamic resource that does
 * nothing; or, with kind `shaped`, that no-op resource with a Fly volume's inputs and output names,
 * registered as the package's classes register (no stack traces): what Pulumi itself costs for a
 * resource of that shape, whoever the provider.
 */
const source = `const pulumi = require("@pulumi/pulumi");
const pv = require("pulumi-volumes");
const flyFields = ${JSON.stringify(Object.keys(flyVolumeRules))};
const noop = {
    async check(olds, news) { return { inputs: news }; },
    async create(inputs) { return { id: "noop-" + inputs.value, outs: inputs }; },
    async delete() {},
};
module.exports = async () => {
    const c = new pulumi.Config();
    const count = c.requireNumber("count");
    const apps = c.getNumber("apps") || 1;
    for (let i = 0; i < count; i++) {
        const kind = c.require("kind");
        if (kind === "noop") new pulumi.dynamic.Resource(noop, "v" + i, { value: i });
        else if (kind === "shaped") {
            const props = Object.fromEntries(flyFields.map((f) => [f, undefined]));
            Object.assign(props, { app: "bench-" + (i % apps), region: "iad", sizeGb: 3, name: "vol_" + i,
                timeouts: { create: 900, update: 900, delete: 900 }, __urn: "urn:" + i });
            // As the package's classes do (withoutPromiseTraces): no stack trace per output promise.
            const limit = Error.stackTraceLimit;
            Error.stackTraceLimit = 0;
            try {
                new pulumi.dynamic.Resource(noop, "v" + i, props);
            } finally {
                Error.stackTraceLimit = limit;
            }
        } else new pv.fly.Volume("v" + i, {
            app: "bench-" + (i % apps), region: "iad", sizeGb: 3, name: "vol_" + i,
            timeouts: { create: 900, update: 900, delete: 900 },
        });
    }
};
`;

function option(name: string, fallback: number): number {
    const arg = process.argv.find((a) => a.startsWith(`--${name}=`));
    const n = arg ? Number(arg.slice(name.length + 3)) : fallback;
    if (!Number.isInteger(n) || n < 1) throw new Error(`--${name} must be a positive integer`);
    return n;
}

function parentOf(pid: number): number | undefined {
    try {
        // /proc/<pid>/stat: "pid (comm) state ppid …"; comm may hold spaces, so read after its ')'.
        const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
        return Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
    } catch {
        return undefined;
    }
}

function descendsFromUs(pid: number): boolean {
    for (let p: number | undefined = pid, hops = 0; p && p > 1 && hops < 12; p = parentOf(p), hops++) if (p === process.pid) return true;
    return false;
}

/** Samples the peak RSS (VmHWM) of the dynamic-provider hosts this process started, while `run` runs. */
async function hostPeak<T>(run: () => Promise<T>): Promise<[T, number]> {
    let peakKb = 0;
    const sample = (): void => {
        for (const name of readdirSync("/proc")) {
            if (!/^\d+$/.test(name)) continue;
            try {
                if (!readFileSync(`/proc/${name}/cmdline`, "utf8").includes("dynamic-provider")) continue;
                if (!descendsFromUs(Number(name))) continue;
                const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${name}/status`, "utf8"));
                if (m) peakKb = Math.max(peakKb, Number(m[1]));
            } catch {
                // the process ended between the listing and the read
            }
        }
    };
    const timer = setInterval(sample, 200);
    try {
        const r = await run();
        return [r, Math.round(peakKb / 1024)];
    } finally {
        clearInterval(timer);
    }
}

async function engineStack(bench: Bench, cli: string, env: Record<string, string>, name: string, config: Record<string, string>) {
    const file = writeProgramFile(bench.dir, "engine-bench.js", source);
    const s = await openInlineStack({ cli, dir: bench.dir, project: "bench", stackName: name, program: programFile(file), env });
    const map: auto.ConfigMap = {};
    for (const [k, value] of Object.entries(config)) map[k.includes(":") ? k : `bench:${k}`] = { value };
    await s.stack.setAllConfig(map);
    return s;
}

export async function printEngine(bench: Bench): Promise<void> {
    const cli = findCli();
    if (!cli) {
        console.log("\nengine: no Pulumi CLI (npm run engine:setup); section skipped");
        return;
    }
    const previewCount = option("preview-count", 1000);
    const upCount = option("up-count", 200);
    const repeat = option("repeat", 2);
    const apps = 10;
    console.log(`\nreal engine (${cliVersion(cli)}), inline programs, file backend:`);
    await withEmulator({ fly: { timeToReadyMs: 0, timeToExtendMs: 0, rateLimit: flyLimit } }, async (emu) => {
        const fly = { "fly:token": emu.token, "fly:apiUrl": emu.urls.fly };

        // Preview: every resource is a Check in the provider host (and nothing is sent to Fly).
        // Alternating runs, the best of each kind: the first run of a process pays warm-up either way.
        const times: Record<string, number> = {};
        const peaks: Record<string, number> = {};
        for (let round = 0; round < repeat; round++) {
            for (const kind of ["noop", "shaped", "fly"]) {
                const config = { ...fly, kind, count: String(previewCount), apps: "10" };
                const s = await engineStack(bench, cli, {}, `preview-${kind}-${round}`, config);
                try {
                    const [[, secs], mb] = await hostPeak(() => timed(() => s.stack.preview()));
                    times[kind] = Math.min(times[kind] ?? Infinity, secs);
                    peaks[kind] = Math.max(peaks[kind] ?? 0, mb);
                } finally {
                    await s.dispose();
                }
            }
        }
        const [noop, shaped, flyPreview] = [times.noop ?? NaN, times.shaped ?? NaN, times.fly ?? NaN];
        console.log(
            `  preview of ${previewCount} new volumes (best of ${repeat}): ${flyPreview.toFixed(1)} s ` +
                `against ${noop.toFixed(1)} s for ${previewCount} no-op dynamic resources ` +
                `(${(flyPreview / noop).toFixed(2)}×; goal ≤ 1.2×)`,
        );
        console.log(
            `    no-op resources of a Fly volume's shape (its inputs and output names): ${shaped.toFixed(1)} s ` +
                `(${(shaped / noop).toFixed(2)}× the bare no-op): against that, ${(flyPreview / shaped).toFixed(2)}×`,
        );
        console.log(
            `  provider host peak RSS at ${previewCount} resources (preview): ${peaks.fly} MB, ` +
                `against ${peaks.noop} MB for the no-op provider`,
        );

        // The engine's own cost of an up of that many resources: the same count of no-op dynamic resources.
        const baseline = await engineStack(bench, cli, {}, "up-noop", { kind: "noop", count: String(upCount) });
        const noopUp = await (async () => {
            try {
                const [, secs] = await timed(() => baseline.stack.up());
                await baseline.stack.destroy();
                return secs;
            } finally {
                await baseline.dispose();
            }
        })();

        // Up under Fly's limit: each app takes its POSTs at 1/s after a burst; the apps run side by side.
        const s = await engineStack(bench, cli, {}, "up", { ...fly, kind: "fly", count: String(upCount), apps: String(apps) });
        try {
            emu.clearRequests();
            const [[up, wall], mb] = await hostPeak(() => timed(() => s.stack.up()));
            const perApp = Math.ceil(upCount / apps);
            const floor = Math.max(0, perApp - flyLimit.burst) / flyLimit.perSecond;
            const reqs = emu.requests();
            const seen429 = reqs.filter((r) => r.status === 429).length;
            const surfaced = (up.stdout + up.stderr).match(/\b429\b/g)?.length ?? 0;
            const made = emu.inventory().fly.filter((v) => v.state === "created").length;
            console.log(
                `  up of ${upCount} volumes in ${apps} Fly apps (${perApp} each, Fly's limit ${flyLimit.perSecond} POST/s ` +
                    `per app after a burst of ${flyLimit.burst}): ${wall.toFixed(1)} s against the floor of ${floor.toFixed(0)} s ` +
                    `(${(wall / floor).toFixed(2)}×; ` +
                    `goal ≤ 1.1×)`,
            );
            console.log(
                `    the engine alone takes ${noopUp.toFixed(1)} s to up ${upCount} no-op dynamic resources: against the floor plus ` +
                    `that, ${(wall / (floor + noopUp)).toFixed(2)}×`,
            );
            console.log(
                `    ${made} volumes created; ${reqs.length} requests, ${seen429} × 429 answered by the emulator, ` +
                    `${surfaced} × 429 in the ` +
                    `CLI's output (surfaced); provider host peak RSS ${mb} MB`,
            );
            const { deployment } = await s.stack.exportStack();
            const raw = JSON.stringify(deployment);
            const resources = (deployment as { resources?: Array<{ type: string; inputs?: { __provider?: string } }> }).resources ?? [];
            const volumes = resources.filter((r) => r.type === "pulumi-nodejs:dynamic/fly:Volume");
            const provider = volumes[0]?.inputs?.__provider ?? "";
            console.log(
                `  state file: ${raw.length} bytes for ${volumes.length} volumes, ` +
                    `${Math.round(raw.length / volumes.length)} bytes per volume, ` +
                    `of which the __provider string stored with each is ${Buffer.byteLength(provider)} bytes:`,
            );
            for (const line of provider.split("\n")) if (line.trim()) console.log(`    | ${line}`);
            const [, down] = await timed(() => s.stack.destroy());
            console.log(`  destroy of ${upCount}: ${down.toFixed(1)} s (Fly's DELETE has the same limit per app)`);
        } finally {
            await s.dispose();
        }
    });
}
