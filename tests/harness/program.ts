import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

import type { RawRegistration, RunnerResult, RunnerSpec } from "./mock-runner";
import type { PropertyMap, PropertyValue } from "./wire";

/** One resource registration as the engine receives it from a program run under mocks. */
export interface Registration {
    /** Type token, e.g. `pulumi-nodejs:dynamic/fly:Volume`. */
    type: string;
    name: string;
    urn: string;
    /** False for component resources. */
    custom: boolean;
    /** Set for reads (a static `get`, or the `id` resource option): the id to read. */
    id?: string;
    /** Set when the `import` resource option was used. */
    importId?: string;
    /** Inputs fully resolved, secrets unwrapped, `__provider` included; unknowns (preview) are `unknownSentinel` (`wire.ts`). */
    inputs: PropertyMap;
    /** Top-level input keys whose value was (or contained) a secret, e.g. `__provider` if the provider captured one. */
    secretInputs: string[];
    parent?: string;
    /** Explicit provider reference, if any. */
    provider?: string;
    dependencies: string[];
    /** The `deleteBeforeReplace` option, when the program set it. */
    deleteBeforeReplace?: boolean;
    /** The `retainOnDelete` option, when the program (or the class) set it. */
    retainOnDelete?: boolean;
    additionalSecretOutputs: string[];
    ignoreChanges: string[];
}

/** Options of {@link runProgram}. */
export interface ProgramOptions {
    /** Project directory; `require("pulumi-volumes")` resolves from here. */
    cwd: string;
    /** The compiled program (a JS file), absolute or relative to `cwd`. */
    entry: string;
    /** Stack config, keys like `fly:token` (set with `pulumi.runtime.setAllConfig`). */
    config?: Readonly<Record<string, string>>;
    /** Config keys to mark secret. */
    secretKeys?: readonly string[];
    /** Project name (default "project"). */
    project?: string;
    /** Stack name (default "stack"). */
    stack?: string;
    /** Run as a preview (`pulumi.runtime.isDryRun()` true). */
    preview?: boolean;
    /** Extra environment for the program; `undefined` removes an inherited variable. */
    env?: Readonly<Record<string, string | undefined>>;
    /** Kill the program after this many ms (default 120 s). */
    timeoutMs?: number;
}

/** Everything a program run produced. */
export interface ProgramRun {
    registrations: Registration[];
    /** The program's exports (its stack outputs), resolved and with secrets unwrapped. */
    outputs: PropertyMap;
    /** Top-level output names that were secret. */
    secretOutputs: string[];
    stdout: string;
    stderr: string;
}

/** A program that threw, logged an error, or whose registration failed. */
export class ProgramError extends Error {
    readonly stdout: string;
    readonly stderr: string;
    constructor(message: string, stdout: string, stderr: string) {
        super(message);
        this.name = "ProgramError";
        this.stdout = stdout;
        this.stderr = stderr;
    }
}

const sigKey = "4dabf18193072939515e22adb298388d";
const secretSig = "1b47061264138c4ac30d75fd1eb44270";

/** Removes Pulumi's secret wrappers from a serialized value; reports whether one was seen. */
function unwrapSecrets(value: unknown, seen: { secret: boolean }): PropertyValue {
    if (value === null || typeof value !== "object") return value as PropertyValue;
    if (Array.isArray(value)) return value.map((v) => unwrapSecrets(v, seen));
    const obj = value as Record<string, unknown>;
    if (obj[sigKey] === secretSig) {
        seen.secret = true;
        return unwrapSecrets(obj.value, seen);
    }
    const out: PropertyMap = {};
    for (const [k, v] of Object.entries(obj)) out[k] = unwrapSecrets(v, seen);
    return out;
}

function unwrapMap(map: unknown): { values: PropertyMap; secrets: string[] } {
    const values: PropertyMap = {};
    const secrets: string[] = [];
    if (map && typeof map === "object" && !Array.isArray(map)) {
        for (const [k, v] of Object.entries(map as Record<string, unknown>)) {
            const seen = { secret: false };
            values[k] = unwrapSecrets(v, seen);
            if (seen.secret) secrets.push(k);
        }
    }
    return { values, secrets };
}

function toRegistration(raw: RawRegistration): Registration {
    const { values, secrets } = unwrapMap(raw.object);
    const reg: Registration = {
        type: raw.type,
        name: raw.name,
        urn: raw.urn,
        custom: raw.custom,
        inputs: values,
        secretInputs: secrets,
        dependencies: raw.dependencies,
        additionalSecretOutputs: raw.additionalSecretOutputs,
        ignoreChanges: raw.ignoreChanges,
    };
    if (raw.kind === "read" && raw.id !== undefined) reg.id = raw.id;
    if (raw.importId !== undefined) reg.importId = raw.importId;
    if (raw.parent !== undefined) reg.parent = raw.parent;
    if (raw.provider !== undefined) reg.provider = raw.provider;
    if (raw.deleteBeforeReplace !== undefined) reg.deleteBeforeReplace = raw.deleteBeforeReplace;
    if (raw.retainOnDelete !== undefined) reg.retainOnDelete = raw.retainOnDelete;
    return reg;
}

/**
 * Runs a compiled Pulumi program in a child `node` (cwd = `opts.cwd`) under `pulumi.runtime.setMocks`,
 * mocks set before the program is required. Mocked resources echo their inputs as state, with an
 * id derived from type, name and inputs (reads keep theirs); calls return `{}`.
 */
export async function runProgramDetailed(opts: ProgramOptions): Promise<ProgramRun> {
    const cwd = path.resolve(opts.cwd);
    const work = fs.mkdtempSync(path.join(os.tmpdir(), "mock-program-"));
    try {
        const spec: RunnerSpec = {
            entry: path.resolve(cwd, opts.entry),
            outFile: path.join(work, "result.json"),
            config: { ...opts.config },
            secretKeys: [...(opts.secretKeys ?? [])],
            project: opts.project ?? "project",
            stack: opts.stack ?? "stack",
            preview: opts.preview ?? false,
        };
        const specFile = path.join(work, "spec.json");
        fs.writeFileSync(specFile, JSON.stringify(spec));
        const env: Record<string, string> = {};
        for (const [k, v] of Object.entries(process.env)) if (v !== undefined) env[k] = v;
        for (const [k, v] of Object.entries(opts.env ?? {})) {
            if (v === undefined) delete env[k];
            else env[k] = v;
        }
        const runner = path.join(__dirname, "mock-runner.js");
        const { code, stdout, stderr, timedOut } = await new Promise<{
            code: number | null;
            stdout: string;
            stderr: string;
            timedOut: boolean;
        }>((resolve, reject) => {
            const child = spawn(process.execPath, [runner, specFile], { cwd, env, stdio: ["ignore", "pipe", "pipe"] });
            let out = "";
            let err = "";
            let timedOut = false;
            child.stdout.setEncoding("utf8").on("data", (c: string) => (out += c));
            child.stderr.setEncoding("utf8").on("data", (c: string) => (err += c));
            const timer = setTimeout(() => {
                timedOut = true;
                child.kill("SIGKILL");
            }, opts.timeoutMs ?? 120_000);
            child.once("error", (e) => {
                clearTimeout(timer);
                reject(e);
            });
            child.once("close", (c) => {
                clearTimeout(timer);
                resolve({ code: c, stdout: out, stderr: err, timedOut });
            });
        });
        if (timedOut) throw new ProgramError(`program ${opts.entry} timed out`, stdout, stderr);
        const result: RunnerResult | undefined = fs.existsSync(spec.outFile)
            ? (JSON.parse(fs.readFileSync(spec.outFile, "utf8")) as RunnerResult)
            : undefined;
        if (code !== 0 || !result || result.error) {
            const why = result?.error ?? `exited with code ${code}`;
            throw new ProgramError(`program ${opts.entry} failed: ${why}\n${stderr}`, stdout, stderr);
        }
        const outputs = unwrapMap(result.outputs);
        return {
            registrations: result.registrations.map(toRegistration),
            outputs: outputs.values,
            secretOutputs: outputs.secrets,
            stdout,
            stderr,
        };
    } finally {
        fs.rmSync(work, { recursive: true, force: true });
    }
}

/** Runs a program under mocks (see {@link runProgramDetailed}) and returns its resource registrations. */
export async function runProgram(opts: ProgramOptions): Promise<Registration[]> {
    return (await runProgramDetailed(opts)).registrations;
}
