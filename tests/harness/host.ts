import type * as grpcT from "@grpc/grpc-js";
import type * as provgrpcT from "@pulumi/pulumi/proto/provider_grpc_pb";
import { type ChildProcess, spawn } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";

import { HostError, toHostError } from "./host-error";
import { fromStruct, type PropertyMap, toStruct, wire } from "./wire";

export { HostError, type PartialState } from "./host-error";

/** Default deadline of one gRPC call: generous, so slow waits in providers are not cut short. */
export const defaultCallTimeoutMs = 120_000;

/** How to start the dynamic-provider host. */
export interface HostOptions {
    /** Working directory; `__provider` code resolves `require()` from here (its node_modules). */
    cwd: string;
    /** Extra environment for the host; `undefined` values remove inherited variables. */
    env?: Readonly<Record<string, string | undefined>>;
    /** Start from the current process environment (default true); false starts from only PATH. */
    inheritEnv?: boolean;
    /** Project name the host uses for unprefixed `config.get(key)` (`PULUMI_NODEJS_PROJECT`; host default "project"). */
    project?: string;
    /** Default deadline of each call in ms (default {@link defaultCallTimeoutMs}). */
    timeoutMs?: number;
    /** How long to wait for the host to print its port (default 30 s). */
    startTimeoutMs?: number;
    /** Host script; default `<cwd>/node_modules/@pulumi/pulumi/cmd/dynamic-provider/index.js`. */
    script?: string;
}

/** Per-call options. */
export interface CallOptions {
    /** Deadline of this call in ms (default: the host's `timeoutMs`). */
    timeoutMs?: number;
}

/** A `CheckFailure` as the host reports it. */
export interface CheckFailure {
    property: string;
    reason: string;
}

/** Result of Check. */
export interface CheckResult {
    /** The checked inputs (the provider's `inputs`, or the news), `__provider` re-added by the host. */
    inputs: PropertyMap;
    failures: CheckFailure[];
}

/** Result of Diff, as the engine sees it. */
export interface DiffResult {
    changes: "some" | "none" | "unknown";
    replaces: string[];
    deleteBeforeReplace: boolean;
}

/** Result of Create. */
export interface CreateResult {
    id: string;
    properties: PropertyMap;
}

/** Result of Read; an empty `id` means the resource is gone. */
export interface ReadResult {
    id: string;
    properties: PropertyMap;
    /** Set only when the provider's read returned `inputs`. */
    inputs?: PropertyMap;
}

/** Result of Update. */
export interface UpdateResult {
    properties: PropertyMap;
}

/** Options of Diff/Update/Delete that carry the old inputs (the engine sends them; the Node host ignores them). */
export interface OldInputsOptions extends CallOptions {
    oldInputs?: PropertyMap;
}

interface ExitState {
    info: string | undefined;
    done: Promise<void>;
}

type Callback<T> = (error: grpcT.ServiceError | null, response: T) => void;

const live = new Set<ChildProcess>();
let exitHookInstalled = false;

function installExitHook(): void {
    if (exitHookInstalled) return;
    exitHookInstalled = true;
    process.once("exit", () => {
        for (const child of live) child.kill("SIGKILL");
    });
}

/**
 * A running `@pulumi/pulumi/cmd/dynamic-provider` process and a gRPC client connected to it.
 * Methods take and return plain objects; failures reject with {@link HostError}.
 */
export class Host {
    /** The port the host listens on (127.0.0.1). */
    readonly port: number;
    /** The host's process id. */
    readonly pid: number;
    private readonly child: ChildProcess;
    private readonly client: provgrpcT.ResourceProviderClient;
    private readonly output: string[];
    private readonly timeoutMs: number;
    private readonly exit: ExitState;

    private constructor(child: ChildProcess, port: number, output: string[], exit: ExitState, timeoutMs: number) {
        const { grpc, provgrpc } = wire();
        this.child = child;
        this.port = port;
        this.pid = child.pid ?? -1;
        this.output = output;
        this.timeoutMs = timeoutMs;
        this.exit = exit;
        this.client = new provgrpc.ResourceProviderClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure(), {
            "grpc.max_receive_message_length": -1,
            "grpc.max_send_message_length": -1,
        });
    }

    /** @internal use {@link startHost}. */
    static async start(opts: HostOptions): Promise<Host> {
        const cwd = path.resolve(opts.cwd);
        const script = opts.script ?? path.join(cwd, "node_modules", "@pulumi", "pulumi", "cmd", "dynamic-provider", "index.js");
        if (!fs.existsSync(script)) {
            throw new Error(`dynamic-provider host not found at ${script} (is @pulumi/pulumi installed in ${cwd}?)`);
        }
        const env: Record<string, string> = {};
        const base = opts.inheritEnv === false ? { PATH: process.env.PATH } : process.env;
        for (const [k, v] of Object.entries(base)) if (v !== undefined) env[k] = v;
        if (opts.project !== undefined) env.PULUMI_NODEJS_PROJECT = opts.project;
        for (const [k, v] of Object.entries(opts.env ?? {})) {
            if (v === undefined) delete env[k];
            else env[k] = v;
        }
        installExitHook();
        // The host requires one argument, the engine address, which it never dials.
        const child = spawn(process.execPath, [script, "127.0.0.1:1"], { cwd, env, stdio: ["ignore", "pipe", "pipe"] });
        live.add(child);
        const output: string[] = [];
        const exit: ExitState = {
            info: undefined,
            done: new Promise<void>((resolve) =>
                child.once("exit", (code, signal) => {
                    live.delete(child);
                    exit.info = signal ? `signal ${signal}` : `code ${code}`;
                    resolve();
                }),
            ),
        };
        child.stderr?.setEncoding("utf8");
        child.stderr?.on("data", (chunk: string) => output.push(chunk));
        child.stdout?.setEncoding("utf8");
        const port = await new Promise<number>((resolve, reject) => {
            let pending = "";
            let portSeen = false;
            const fail = (why: string): void => {
                clearTimeout(timer);
                child.kill("SIGKILL");
                reject(new Error(`dynamic-provider host ${why}; output:\n${output.join("")}`));
            };
            const timer = setTimeout(() => fail("printed no port in time"), opts.startTimeoutMs ?? 30_000);
            child.stdout?.on("data", (chunk: string) => {
                output.push(chunk);
                if (portSeen) return;
                pending += chunk;
                const nl = pending.indexOf("\n");
                if (nl < 0) return;
                portSeen = true;
                clearTimeout(timer);
                const port = Number.parseInt(pending.slice(0, nl).trim(), 10);
                if (Number.isInteger(port) && port > 0) resolve(port);
                else fail(`printed "${pending.slice(0, nl)}" instead of a port`);
            });
            child.once("exit", (code, signal) => {
                if (!portSeen) fail(`exited (${signal ?? code}) before printing its port`);
            });
            child.once("error", (err) => fail(`failed to start: ${err.message}`));
        });
        return new Host(child, port, output, exit, opts.timeoutMs ?? defaultCallTimeoutMs);
    }

    /** Everything the host printed so far (stdout, including the port line, and stderr, interleaved). */
    logs(): string {
        return this.output.join("");
    }

    /** Whether the host process is still running. */
    get running(): boolean {
        return this.exit.info === undefined;
    }

    /** Sends Configure with the stack config (keys like "fly:token"), as the engine does before any resource call. */
    async configure(config: Readonly<Record<string, string>>, opts?: CallOptions): Promise<void> {
        const { provpb } = wire();
        const req = new provpb.ConfigureRequest();
        req.setArgs(toStruct(config));
        const vars = req.getVariablesMap();
        for (const [k, v] of Object.entries(config)) vars.set(k, v);
        req.setAcceptsecrets(true);
        req.setAcceptresources(true);
        await this.call("configure", opts, (md, o, cb: Callback<unknown>) => this.client.configure(req, md, o, cb));
    }

    /** Check(olds = old inputs, news = new inputs). */
    async check(urn: string, olds: Readonly<PropertyMap>, news: Readonly<PropertyMap>, opts?: CallOptions): Promise<CheckResult> {
        const { provpb } = wire();
        const req = new provpb.CheckRequest();
        req.setUrn(urn);
        req.setOlds(toStruct(olds));
        req.setNews(toStruct(news));
        const resp = await this.call("check", opts, (md, o, cb: Callback<InstanceType<typeof provpb.CheckResponse>>) =>
            this.client.check(req, md, o, cb),
        );
        return {
            inputs: fromStruct(resp.getInputs()),
            failures: resp.getFailuresList().map((f) => ({ property: f.getProperty(), reason: f.getReason() })),
        };
    }

    /** Diff(id, olds = old outputs, news = checked inputs). */
    async diff(
        urn: string,
        id: string,
        olds: Readonly<PropertyMap>,
        news: Readonly<PropertyMap>,
        opts?: OldInputsOptions,
    ): Promise<DiffResult> {
        const { provpb } = wire();
        const req = new provpb.DiffRequest();
        req.setUrn(urn);
        req.setId(id);
        req.setOlds(toStruct(olds));
        req.setNews(toStruct(news));
        if (opts?.oldInputs) req.setOldInputs(toStruct(opts.oldInputs));
        const resp = await this.call("diff", opts, (md, o, cb: Callback<InstanceType<typeof provpb.DiffResponse>>) =>
            this.client.diff(req, md, o, cb),
        );
        const C = provpb.DiffResponse.DiffChanges;
        const changes = resp.getChanges() === C.DIFF_SOME ? "some" : resp.getChanges() === C.DIFF_NONE ? "none" : "unknown";
        return { changes, replaces: resp.getReplacesList(), deleteBeforeReplace: resp.getDeletebeforereplace() };
    }

    /** Create(properties = checked inputs). The Node host ignores `preview` and always calls the provider's create. */
    async create(urn: string, properties: Readonly<PropertyMap>, opts?: CallOptions & { preview?: boolean }): Promise<CreateResult> {
        const { provpb } = wire();
        const req = new provpb.CreateRequest();
        req.setUrn(urn);
        req.setProperties(toStruct(properties));
        req.setPreview(opts?.preview ?? false);
        const resp = await this.call("create", opts, (md, o, cb: Callback<InstanceType<typeof provpb.CreateResponse>>) =>
            this.client.create(req, md, o, cb),
        );
        return { id: resp.getId(), properties: fromStruct(resp.getProperties()) };
    }

    /** Read(id, properties = state, inputs?). A static `get` sends its props as `properties` and no inputs. */
    async read(
        urn: string,
        id: string,
        properties: Readonly<PropertyMap>,
        inputs?: Readonly<PropertyMap>,
        opts?: CallOptions,
    ): Promise<ReadResult> {
        const { provpb } = wire();
        const req = new provpb.ReadRequest();
        req.setUrn(urn);
        req.setId(id);
        req.setProperties(toStruct(properties));
        if (inputs) req.setInputs(toStruct(inputs));
        const resp = await this.call("read", opts, (md, o, cb: Callback<InstanceType<typeof provpb.ReadResponse>>) =>
            this.client.read(req, md, o, cb),
        );
        const result: ReadResult = { id: resp.getId(), properties: fromStruct(resp.getProperties()) };
        if (resp.hasInputs()) result.inputs = fromStruct(resp.getInputs());
        return result;
    }

    /** Update(id, olds = old outputs, news = checked inputs). */
    async update(
        urn: string,
        id: string,
        olds: Readonly<PropertyMap>,
        news: Readonly<PropertyMap>,
        opts?: OldInputsOptions & { preview?: boolean },
    ): Promise<UpdateResult> {
        const { provpb } = wire();
        const req = new provpb.UpdateRequest();
        req.setUrn(urn);
        req.setId(id);
        req.setOlds(toStruct(olds));
        req.setNews(toStruct(news));
        req.setPreview(opts?.preview ?? false);
        if (opts?.oldInputs) req.setOldInputs(toStruct(opts.oldInputs));
        const resp = await this.call("update", opts, (md, o, cb: Callback<InstanceType<typeof provpb.UpdateResponse>>) =>
            this.client.update(req, md, o, cb),
        );
        return { properties: fromStruct(resp.getProperties()) };
    }

    /** Delete(id, properties = outputs in state). */
    async delete(urn: string, id: string, properties: Readonly<PropertyMap>, opts?: OldInputsOptions): Promise<void> {
        const { provpb } = wire();
        const req = new provpb.DeleteRequest();
        req.setUrn(urn);
        req.setId(id);
        req.setProperties(toStruct(properties));
        if (opts?.oldInputs) req.setOldInputs(toStruct(opts.oldInputs));
        await this.call("delete", opts, (md, o, cb: Callback<unknown>) => this.client.delete(req, md, o, cb));
    }

    /** Closes the client and kills the host (SIGTERM, then SIGKILL after 5 s). Idempotent. */
    async close(): Promise<void> {
        this.client.close();
        if (this.running) {
            this.child.kill("SIGTERM");
            const timer = setTimeout(() => this.child.kill("SIGKILL"), 5_000);
            await this.exit.done;
            clearTimeout(timer);
        }
    }

    private call<T>(
        method: string,
        opts: CallOptions | undefined,
        invoke: (md: grpcT.Metadata, o: Partial<grpcT.CallOptions>, cb: Callback<T>) => grpcT.ClientUnaryCall,
    ): Promise<T> {
        const { grpc } = wire();
        const deadline = Date.now() + (opts?.timeoutMs ?? this.timeoutMs);
        return new Promise<T>((resolve, reject) => {
            const onDone = (err: grpcT.ServiceError | null, resp: T): void => {
                if (!err) {
                    resolve(resp);
                    return;
                }
                const hostErr = toHostError(method, err);
                if (!this.running) {
                    reject(
                        new HostError(
                            method,
                            hostErr.code,
                            `${hostErr.message} (host exited with ${this.exit.info}; output:\n${this.logs()})`,
                            hostErr.partial,
                        ),
                    );
                } else {
                    reject(hostErr);
                }
            };
            try {
                invoke(new grpc.Metadata(), { deadline }, onDone);
            } catch (err) {
                reject(toHostError(method, err)); // e.g. the client was closed
            }
        });
    }
}

/** Starts the dynamic-provider host in `cwd` and connects to it. Remember to `close()` it. */
export function startHost(opts: HostOptions): Promise<Host> {
    return Host.start(opts);
}
