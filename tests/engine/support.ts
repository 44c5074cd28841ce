/**
 * The engine suite's harness: the real Pulumi CLI (scripts/pulumi-cli.sh) runs programs that import
 * the packed package, through the Automation API's inline programs (the Node language host is not on
 * the Go module proxy, so `pulumi` cannot start a program itself here). Everything is offline: a file
 * backend in a temporary folder, the passphrase secrets provider, no update check, and the
 * dynamic-provider plugin from the installed @pulumi/pulumi on PATH, as the CLI distribution ships it.
 */
import { execFileSync, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

import * as auto from "@pulumi/pulumi/automation";

import type * as EmulatorModule from "../../emulator";
import type { DeepPartial, Emulator, Knobs } from "../../emulator";
import { findRepoRoot, installPackedPackage, writeProgramFile, type ScratchProject } from "../harness";

/** The CLI the suite runs: `scripts/pulumi-cli.sh --path` (PATH, else the cached build). Throws when there is none. */
export function cliPath(): string {
    const script = path.join(findRepoRoot(), "scripts", "pulumi-cli.sh");
    try {
        return execFileSync("bash", [script, "--path"], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] }).trim();
    } catch (err) {
        const stderr = (err as { stderr?: string }).stderr ?? String(err);
        throw new Error(`the engine suite needs the Pulumi CLI: ${stderr.trim()}`, { cause: err });
    }
}

/** What one CLI operation returned. `ok` is false when the CLI exited non-zero. */
export interface OpResult {
    ok: boolean;
    /** The CLI's whole output (stdout, then stderr). */
    output: string;
    /** The engine's JSON events (preview, up, refresh, destroy). */
    events: auto.EngineEvent[];
    /** The stack's outputs after an up (plain values; secrets unwrapped). */
    outputs: Record<string, unknown>;
}

/** One resource as the engine stores it (`pulumi stack export`, deployment v3). */
export interface StateResource {
    urn: string;
    type: string;
    id?: string;
    custom?: boolean;
    inputs?: Record<string, unknown>;
    outputs?: Record<string, unknown>;
    initErrors?: string[];
    protect?: boolean;
    retainOnDelete?: boolean;
    delete?: boolean;
    pendingReplacement?: boolean;
    external?: boolean;
    provider?: string;
    aliases?: string[];
    dependencies?: string[];
}

/** A stack of one program on the real engine. */
export interface EngineStack {
    readonly name: string;
    readonly stack: auto.Stack;
    /** Sets plain config keys (project-local unless the key has a `:`), replacing what `setConfig` set before. */
    config(values: Record<string, string>): Promise<void>;
    preview(opts?: auto.PreviewOptions): Promise<OpResult>;
    up(opts?: auto.UpOptions): Promise<OpResult>;
    refresh(opts?: auto.RefreshOptions): Promise<OpResult>;
    destroy(opts?: auto.DestroyOptions): Promise<OpResult>;
    /** `pulumi stack export`: the deployment as the engine stored it. */
    state(): Promise<{ raw: string; resources: StateResource[] }>;
    /** The state entry for a resource name (last URN segment) and, optionally, type suffix. */
    resource(name: string): Promise<StateResource | undefined>;
    /** Runs the CLI itself in the stack's workspace (`pulumi <args> --stack <name>`). */
    cli(args: string[], opts?: { env?: Record<string, string> }): Promise<{ code: number; stdout: string; stderr: string }>;
}

/** The per-file context: the packed package, an emulator, a state folder and a way to make stacks. */
export interface EngineContext {
    emu: Emulator;
    scratch: ScratchProject;
    cli: string;
    /** The file backend's folder. */
    stateDir: string;
    /** This file's workspace folder (Pulumi.yaml, each stack's Pulumi.<stack>.yaml), inside the scratch project. */
    workDir: string;
    /**
     * A stack of `project` running the program file `program` (a module whose export is the inline
     * program), with the emulator's environment unless `env` replaces entries (a key set to "" drops it).
     */
    stack(name: string, program: string, opts?: { project?: string; env?: Record<string, string> }): Promise<EngineStack>;
}

/** The env entries of every cloud's credentials (`emu.env`), for tests that take them away. */
export const credentialEnv = ["FLY_API_TOKEN", "NEEVCLOUD_API_TOKEN", "AGENTBAY_API_KEY", "VM0_TOKEN", "VM0_API_KEY"] as const;

function opResult(ok: boolean, stdout: string, stderr: string, events: auto.EngineEvent[], outputs: auto.OutputMap = {}): OpResult {
    return {
        ok,
        output: `${stdout}\n${stderr}`,
        events,
        outputs: Object.fromEntries(Object.entries(outputs).map(([k, v]) => [k, v.value])),
    };
}

async function attempt(run: (events: auto.EngineEvent[]) => Promise<{ stdout: string; stderr: string; outputs?: auto.OutputMap }>) {
    const events: auto.EngineEvent[] = [];
    try {
        const r = await run(events);
        return opResult(true, r.stdout, r.stderr, events, r.outputs);
    } catch (err) {
        if (err instanceof auto.CommandError) {
            const e = err as unknown as { commandResult?: { stdout: string; stderr: string } };
            return opResult(false, e.commandResult?.stdout ?? "", e.commandResult?.stderr ?? String(err), events);
        }
        throw err;
    }
}

/**
 * For one test file: packs and installs the package (once per process), writes `programs` into the
 * scratch project, starts an emulator with `knobs` and a file backend. Stacks made by `ctx().stack`
 * are destroyed and removed after the file (best effort), then the emulator closes.
 */
export function useEngine(knobs: DeepPartial<Knobs>, programs: Record<string, string>): () => EngineContext {
    let ctx: EngineContext | undefined;
    const stacks: EngineStack[] = [];
    /** Stacks whose last operation was a successful destroy: nothing left to clean up. */
    const destroyed = new Set<EngineStack>();
    before(async function () {
        this.timeout(120_000);
        const cli = cliPath();
        const scratch = await installPackedPackage();
        for (const [file, source] of Object.entries(programs)) writeProgramFile(scratch.dir, file, source);
        // The emulator as a user gets it: from the packed package's public entry point.
        // The packed package's emulator, as a user's program loads it (a computed path: no import can name it).
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const { startEmulator } = require(path.join(scratch.packageDir, "dist", "emulator")) as typeof EmulatorModule;
        const emu = await startEmulator({ knobs });
        const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), "pulumi-volumes-engine-state-"));
        // One workspace folder per test file: stack configs of the same stack name never meet across files.
        const workDir = fs.mkdtempSync(path.join(scratch.dir, "ws-"));
        const pulumiCommand = await auto.PulumiCommand.get({ root: path.dirname(path.dirname(cli)) });
        const plugin = path.join(scratch.dir, "node_modules", "@pulumi", "pulumi");
        ctx = {
            emu,
            scratch,
            cli,
            stateDir,
            workDir,
            async stack(name, program, opts = {}) {
                const project = opts.project ?? "engine";
                const env: Record<string, string> = {
                    ...emu.env,
                    PULUMI_BACKEND_URL: `file://${stateDir}`,
                    PULUMI_CONFIG_PASSPHRASE: "engine-suite",
                    PULUMI_SKIP_UPDATE_CHECK: "true",
                    PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
                    PULUMI_HOME: path.join(stateDir, ".pulumi-home"),
                    PATH: `${plugin}${path.delimiter}${process.env.PATH ?? ""}`,
                    ...opts.env,
                };
                for (const [k, v] of Object.entries(env)) if (v === "") delete env[k];
                // The program file in the scratch project, loaded as the language host would load it.
                // eslint-disable-next-line @typescript-eslint/no-require-imports
                const mod = require(path.join(scratch.dir, program)) as { default?: auto.PulumiFn } | auto.PulumiFn;
                const fn = typeof mod === "function" ? mod : mod.default!;
                const stack = await auto.LocalWorkspace.createOrSelectStack(
                    { stackName: name, projectName: project, program: fn },
                    {
                        workDir,
                        pulumiCommand,
                        envVars: env,
                        projectSettings: { name: project, runtime: "nodejs", backend: { url: `file://${stateDir}` } },
                        // The programs read their own keys as `<project>:<key>`.
                    },
                );
                let configured: string[] = [];
                const es: EngineStack = {
                    name,
                    stack,
                    async config(values) {
                        if (configured.length > 0) await stack.removeAllConfig(configured);
                        const map: auto.ConfigMap = {};
                        for (const [k, v] of Object.entries(values)) map[k.includes(":") ? k : `${project}:${k}`] = { value: v };
                        await stack.setAllConfig(map);
                        configured = Object.keys(map);
                    },
                    preview: (o = {}) =>
                        attempt(async (events) => {
                            const r = await stack.preview({ diff: true, ...o, onEvent: (e) => (events.push(e), o.onEvent?.(e)) });
                            return { stdout: r.stdout, stderr: r.stderr };
                        }),
                    up: (o = {}) =>
                        attempt(async (events) => {
                            destroyed.delete(es);
                            const r = await stack.up({ diff: true, ...o, onEvent: (e) => (events.push(e), o.onEvent?.(e)) });
                            return { stdout: r.stdout, stderr: r.stderr, outputs: r.outputs };
                        }),
                    refresh: (o = {}) =>
                        attempt(async (events) => {
                            const r = await stack.refresh({ ...o, onEvent: (e) => (events.push(e), o.onEvent?.(e)) });
                            return { stdout: r.stdout, stderr: r.stderr };
                        }),
                    destroy: async (o = {}) => {
                        const r = await attempt(async (events) => {
                            const r = await stack.destroy({ ...o, onEvent: (e) => (events.push(e), o.onEvent?.(e)) });
                            return { stdout: r.stdout, stderr: r.stderr };
                        });
                        if (r.ok) destroyed.add(es);
                        return r;
                    },
                    async state() {
                        const d = await stack.exportStack();
                        const raw = JSON.stringify(d);
                        const resources = ((d.deployment as { resources?: StateResource[] }).resources ?? []).slice();
                        return { raw, resources };
                    },
                    async resource(resName) {
                        const { resources } = await es.state();
                        return resources.find((r) => r.custom && r.urn.endsWith(`::${resName}`));
                    },
                    async cli(args, o = {}) {
                        const r = spawnSync(cli, [...args, "--stack", name, "--non-interactive"], {
                            cwd: workDir,
                            env: { ...env, ...o.env },
                            encoding: "utf8",
                            maxBuffer: 256 * 1024 * 1024,
                        });
                        return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
                    },
                };
                stacks.push(es);
                return es;
            },
        };
    });
    after(async function () {
        this.timeout(120_000);
        // A test that failed half-way leaves resources: destroy them (best effort); the state folder goes too.
        for (const s of stacks.reverse()) if (!destroyed.has(s)) await s.destroy().catch(() => undefined);
        await ctx?.emu.close();
        if (ctx) fs.rmSync(ctx.stateDir, { recursive: true, force: true });
        if (ctx) fs.rmSync(ctx.workDir, { recursive: true, force: true });
    });
    return () => {
        if (!ctx) throw new Error("engine context not set up");
        return ctx;
    };
}

/**
 * The engine's pre-event metadata (what preview/up announces) for the resource named `name`; a
 * `--refresh`'s own read steps are skipped.
 */
export function stepFor(r: OpResult, name: string): auto.StepEventMetadata | undefined {
    const pre = r.events.flatMap((e) => (e.resourcePreEvent ? [e.resourcePreEvent.metadata] : []));
    return pre.find((m) => m.urn.endsWith(`::${name}`) && !m.type.startsWith("pulumi:") && m.op !== "refresh");
}

/** Every step op the engine announced for `name` (a replacement is several: create-replacement, replace, delete-replaced). */
export function opsFor(r: OpResult, name: string): string[] {
    return r.events.flatMap((e) =>
        e.resourcePreEvent && e.resourcePreEvent.metadata.urn.endsWith(`::${name}`) ? [e.resourcePreEvent.metadata.op] : [],
    );
}

/** The engine's diagnostics (errors and warnings) mentioning a resource or the stack. */
export function diagnostics(r: OpResult, severity?: string): string[] {
    return r.events.flatMap((e) =>
        e.diagnosticEvent && (!severity || e.diagnosticEvent.severity === severity) ? [e.diagnosticEvent.message] : [],
    );
}

/** A program module's source: `body` runs inside the inline program, with `pulumi`, `pv` (the package) and `c` (Config) in scope. */
export function program(body: string): string {
    return `const pulumi = require("@pulumi/pulumi");
const pv = require("pulumi-volumes");
module.exports = async () => {
    const c = new pulumi.Config();
${body}
};
`;
}
