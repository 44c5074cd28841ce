/**
 * Child-process entry of {@link runProgram}: sets Pulumi mocks, then requires the program, and
 * writes every resource registration (as the engine would receive it) to a JSON file.
 * Usage: `node mock-runner.js <spec.json>`; cwd is the program's project directory.
 * @internal
 */
import type * as pulumiT from "@pulumi/pulumi";
import type * as resprotoT from "@pulumi/pulumi/proto/resource_pb";
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import { createRequire } from "node:module";
import * as path from "node:path";
import { callRunningLookups, type LocalLookup } from "./lookups";

/** What program.ts hands the runner. @internal */
export interface RunnerSpec {
    entry: string;
    outFile: string;
    config: Record<string, string>;
    secretKeys: string[];
    project: string;
    stack: string;
    preview: boolean;
}

/** One registration as captured at the mock monitor, before secrets are unwrapped. @internal */
export interface RawRegistration {
    kind: "register" | "read";
    type: string;
    name: string;
    urn: string;
    custom: boolean;
    id?: string;
    importId?: string;
    parent?: string;
    provider?: string;
    object: Record<string, unknown>;
    dependencies: string[];
    deleteBeforeReplace?: boolean;
    retainOnDelete?: boolean;
    additionalSecretOutputs: string[];
    ignoreChanges: string[];
    error?: string;
}

/** The runner's result file. @internal */
export interface RunnerResult {
    registrations: RawRegistration[];
    outputs?: unknown;
    error?: string;
}

type Callback<T> = (err: Error | null, resp?: T) => void;

interface MonitorLike {
    registerResource(req: resprotoT.RegisterResourceRequest, cb: Callback<resprotoT.RegisterResourceResponse>): void;
    readResource(req: resprotoT.ReadResourceRequest, cb: Callback<resprotoT.ReadResourceResponse>): void;
}

function safeStringify(value: unknown): string {
    const seen = new WeakSet<object>();
    return (
        JSON.stringify(value, (_k, v: unknown) => {
            if (typeof v === "object" && v !== null) {
                if (seen.has(v)) return "[cycle]";
                seen.add(v);
            }
            return typeof v === "function" ? "[function]" : v;
        }) ?? ""
    );
}

function errorText(err: unknown): string {
    return err instanceof Error ? (err.stack ?? err.message) : String(err);
}

async function main(specFile: string): Promise<void> {
    const spec = JSON.parse(fs.readFileSync(specFile, "utf8")) as RunnerSpec;
    const result: RunnerResult = { registrations: [] };
    let finished = false;
    const finish = (code: number): void => {
        if (finished) return;
        finished = true;
        fs.writeFileSync(spec.outFile, JSON.stringify(result));
        process.exit(code);
    };
    const fail = (err: unknown): void => {
        result.error = result.error ? `${result.error}\n${errorText(err)}` : errorText(err);
        finish(1);
    };
    process.on("uncaughtException", fail);
    process.on("unhandledRejection", fail);
    try {
        await run(spec, result, fail);
        finish(0);
    } catch (err) {
        fail(err);
    }
}

async function run(spec: RunnerSpec, result: RunnerResult, fail: (err: unknown) => void): Promise<void> {
    // Resolve @pulumi/pulumi from the project, so the program and its packages share this instance.
    const projectRequire = createRequire(path.join(process.cwd(), "__pulumi_mock_runner__.js"));
    const pulumi = projectRequire("@pulumi/pulumi") as typeof pulumiT;

    const mocks: pulumiT.runtime.Mocks = {
        newResource(args) {
            // Reads (static get) and imports keep their id; new custom resources get one derived from their inputs.
            const digest = createHash("sha256")
                .update(safeStringify({ t: args.type, n: args.name, i: args.inputs }))
                .digest("hex");
            const id = args.id ? args.id : args.custom ? `${args.name}-${digest.slice(0, 8)}` : undefined;
            return { id, state: args.inputs };
        },
        // A lookup runs in the program's process, through the module instance the program loaded.
        call: callRunningLookups(() => {
            const sdkDir = path.dirname(projectRequire.resolve("pulumi-volumes"));
            return (projectRequire(path.join(sdkDir, "core", "lookup.js")) as { runLookupLocally: LocalLookup }).runLookupLocally;
        }),
    };
    await pulumi.runtime.setMocks(mocks, spec.project, spec.stack, spec.preview);
    pulumi.runtime.setAllConfig(spec.config, spec.secretKeys);

    const monitor = pulumi.runtime.getMonitor() as unknown as MonitorLike;
    const register = monitor.registerResource.bind(monitor);
    const read = monitor.readResource.bind(monitor);
    monitor.registerResource = (req, cb) => {
        const rec: RawRegistration = {
            kind: "register",
            type: req.getType(),
            name: req.getName(),
            urn: "",
            custom: req.getCustom(),
            object: req.getObject()?.toJavaScript() ?? {},
            dependencies: req.getDependenciesList(),
            additionalSecretOutputs: req.getAdditionalsecretoutputsList(),
            ignoreChanges: req.getIgnorechangesList(),
        };
        if (req.getParent()) rec.parent = req.getParent();
        if (req.getProvider()) rec.provider = req.getProvider();
        if (req.getImportid()) rec.importId = req.getImportid();
        if (req.getDeletebeforereplacedefined()) rec.deleteBeforeReplace = req.getDeletebeforereplace();
        if (req.hasRetainondelete()) rec.retainOnDelete = req.getRetainondelete();
        result.registrations.push(rec);
        register(req, (err, resp) => {
            if (err) rec.error = err.message;
            else if (resp) rec.urn = resp.getUrn();
            cb(err, resp);
        });
    };
    monitor.readResource = (req, cb) => {
        const rec: RawRegistration = {
            kind: "read",
            type: req.getType(),
            name: req.getName(),
            urn: "",
            custom: true,
            id: req.getId(),
            object: req.getProperties()?.toJavaScript() ?? {},
            dependencies: req.getDependenciesList(),
            additionalSecretOutputs: req.getAdditionalsecretoutputsList(),
            ignoreChanges: [],
        };
        if (req.getParent()) rec.parent = req.getParent();
        if (req.getProvider()) rec.provider = req.getProvider();
        result.registrations.push(rec);
        read(req, (err, resp) => {
            if (err) rec.error = err.message;
            else if (resp) rec.urn = resp.getUrn();
            cb(err, resp);
        });
    };

    let exported: unknown = projectRequire(path.resolve(process.cwd(), spec.entry));
    if (typeof exported === "function") exported = await (exported as () => unknown)();
    exported = await exported;
    if (typeof exported === "object" && exported !== null) {
        result.outputs = await pulumi.runtime.serializeProperty("outputs", exported as Record<string, unknown>, new Set(), {
            keepOutputValues: false,
        });
    }
    const waitForRPCs = (pulumi.runtime as unknown as { waitForRPCs?: () => Promise<void> }).waitForRPCs;
    if (waitForRPCs) await waitForRPCs();
    // A registration that failed to prepare (e.g. "Error serializing '() => provider'") surfaces as an
    // unhandled rejection only after the microtask queue drains: let it arrive before finishing.
    await new Promise((resolve) => setTimeout(resolve, 20));
    if (waitForRPCs) await waitForRPCs();
    if (pulumi.log.hasErrors()) fail(new Error("the program logged errors (see stderr)"));
    const failed = result.registrations.filter((r) => r.error);
    if (failed.length > 0) fail(new Error(failed.map((r) => `${r.type}::${r.name}: ${r.error}`).join("\n")));
}

if (require.main === module) {
    const specFile = process.argv[2];
    if (!specFile) {
        console.error("usage: mock-runner <spec.json>");
        process.exit(2);
    }
    main(specFile).catch((err: unknown) => {
        console.error(errorText(err));
        process.exit(1);
    });
}
