/**
 * What every section shares: the package installed from `npm pack`, the serialized providers, and
 * fresh emulators and provider hosts (one per measurement, so no cache or budget carries over).
 */
import { readFileSync } from "node:fs";
import { startEmulator, type DeepPartial, type Emulator, type Knobs, type RecordedRequest } from "../emulator";
import { installPackedPackage, runProgram, startHost, writeProgramFile, type Host, type PropertyMap } from "../tests/harness";
import { kinds, project, served, urn, type Kind } from "./kinds";

/** The type token of `pulumi.dynamic.Resource`. */
export const noopType = "pulumi-nodejs:dynamic:Resource";

/** A kind whose type the package registers, with its serialized provider. */
export interface BenchKind extends Kind {
    provider: string;
}

/** The scratch project and what the package's classes serialized. */
export interface Bench {
    dir: string;
    /** Kinds the package registers, in table order. */
    kinds: BenchKind[];
    /** `__provider` per type token, the no-op provider's included. */
    providers: Map<string, string>;
    /** Peak RSS of every host the bench ran, in MB, by what it ran. */
    peaks: Array<{ label: string; mb: number }>;
}

/** Installs the packed package and serializes one resource of each kind, plus a no-op dynamic resource. */
export async function setUp(): Promise<Bench> {
    const scratch = await installPackedPackage();
    const lines = kinds.map((k, i) => {
        const [ns, cls] = k.sdkClass.split(".");
        const sample = JSON.stringify(k.inputs(0, "sample"));
        return `if (pkg.${ns} && pkg.${ns}.${cls}) new pkg.${ns}.${cls}("k${i}", ${sample});`;
    });
    writeProgramFile(
        scratch.dir,
        "bench.js",
        [
            `const pulumi = require("@pulumi/pulumi");`,
            `const pkg = require("pulumi-volumes");`,
            ...lines,
            `new pulumi.dynamic.Resource({ async check(olds, news) { return { inputs: news }; } }, "noop", { value: 1 });`,
        ].join("\n"),
    );
    const config = { "neevcloud:orgId": "o", "neevcloud:projectId": "p" };
    const regs = await runProgram({ cwd: scratch.dir, entry: "bench.js", project, config });
    const providers = new Map(regs.map((r) => [r.type, String(r.inputs.__provider)]));
    const registered = kinds.flatMap((k) => {
        const provider = providers.get(k.type);
        return provider ? [{ ...k, provider }] : [];
    });
    return { dir: scratch.dir, kinds: registered, providers, peaks: [] };
}

/** Runs `fn` against a fresh emulator with these knobs, then closes it. */
export async function withEmulator<T>(knobs: DeepPartial<Knobs>, fn: (emu: Emulator) => Promise<T>): Promise<T> {
    const emu = await startEmulator({ knobs, requestLogLimit: 100_000 });
    try {
        return await fn(emu);
    } finally {
        await emu.close();
    }
}

/** Starts a dynamic-provider host and configures it for every served kind, as the engine does. */
export async function openHost(bench: Bench, emu: Emulator): Promise<Host> {
    const host = await startHost({ cwd: bench.dir, project, timeoutMs: 600_000 });
    const config: Record<string, string> = {};
    for (const k of bench.kinds) if (served(emu, k)) Object.assign(config, k.config(emu));
    await host.configure(config);
    return host;
}

/** Runs `fn` in a fresh host, records the host's peak RSS under `label`, then closes it. */
export async function withHost<T>(bench: Bench, emu: Emulator, label: string, fn: (host: Host) => Promise<T>): Promise<T> {
    const host = await openHost(bench, emu);
    try {
        return await fn(host);
    } finally {
        const mb = peakRssMb(host.pid);
        if (mb !== undefined) bench.peaks.push({ label, mb });
        await host.close();
    }
}

/** Checks through the host, which fills defaults and attaches `__provider`, as `pulumi up` does. */
export async function checked(host: Host, k: BenchKind, name: string, inputs: PropertyMap): Promise<PropertyMap> {
    const res = await host.check(urn(k.type, name), {}, { ...inputs, __provider: k.provider });
    if (res.failures.length) throw new Error(`check of ${k.type} ${name} failed: ${JSON.stringify(res.failures)}`);
    return res.inputs;
}

/** Peak resident set (VmHWM) of a process, in MB; undefined off Linux. */
export function peakRssMb(pid: number): number | undefined {
    try {
        const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
        return m ? Math.round(Number(m[1]) / 1024) : undefined;
    } catch {
        return undefined;
    }
}

/** Runs `f` and returns its result with the wall time in seconds. */
export async function timed<T>(f: () => Promise<T>): Promise<[T, number]> {
    const t = performance.now();
    const r = await f();
    return [r, (performance.now() - t) / 1000];
}

/** What a request did: the RPC action, else the REST route's (`list`, `create`, `get`, `update`, `extend`, `delete`). */
export function action(r: RecordedRequest): string {
    if (r.action) return r.action;
    const last = r.path.slice(r.path.lastIndexOf("/") + 1);
    if (last === "volumes") return r.method === "POST" ? "create" : "list";
    if (last === "extend") return "extend";
    return ({ GET: "get", PUT: "update", PATCH: "update", DELETE: "delete", POST: "post" } as Record<string, string>)[r.method] ?? r.method;
}

/** `"create 1, list 1"`: requests counted by action, in the order first seen. */
export function mix(requests: readonly RecordedRequest[]): string {
    const counts = new Map<string, number>();
    for (const r of requests) counts.set(action(r), (counts.get(action(r)) ?? 0) + 1);
    return [...counts].map(([a, n]) => `${a} ${n}`).join(", ") || "none";
}

/** `"get, extend, get ×2"`: the actions in order, repeats folded. */
export function sequence(requests: readonly RecordedRequest[]): string {
    const runs: Array<[string, number]> = [];
    for (const r of requests) {
        const last = runs[runs.length - 1];
        if (last && last[0] === action(r)) last[1]++;
        else runs.push([action(r), 1]);
    }
    return runs.map(([a, n]) => (n > 1 ? `${a} ×${n}` : a)).join(", ") || "none";
}

/** Requests of one Fly app (its paths are `/v1/apps/<app>/…`). */
export function inApp(requests: readonly RecordedRequest[], app: string): RecordedRequest[] {
    return requests.filter((r) => r.path.startsWith(`/v1/apps/${app}/`));
}

export function median(values: readonly number[]): number {
    const s = [...values].sort((a, b) => a - b);
    const mid = s.length >> 1;
    const upper = s[mid];
    if (upper === undefined) return NaN; // no values
    return s.length % 2 ? upper : ((s[mid - 1] ?? upper) + upper) / 2;
}
