/**
 * `pulumi-volumes/emulator`: local loopback emulators of the clouds' HTTP
 * APIs, for tests, the demo and offline previews.
 *
 * ```ts
 * import { startEmulator } from "pulumi-volumes/emulator";
 * const emu = await startEmulator({ knobs: { fly: { timeToReadyMs: 50 } } });
 * Object.assign(process.env, emu.env); // every cloud's URL and credential (FLY_API_URL, AGENTBAY_API_KEY, …)
 * // … run the provider …
 * console.log(emu.inventory().fly, emu.requests());
 * await emu.close();
 * ```
 */
import { randomBytes } from "node:crypto";
import { cloudNames, clouds, type CloudName, type ControlOf, type KnobsOf, type RecordOf } from "./clouds";
import { FaultInjector } from "./core/faults";
import { clone, mergeKnobs } from "./core/knobs";
import { defaultRequestLogLimit, RequestLog } from "./core/requestLog";
import { startCloudServer, type RunningCloudServer } from "./core/server";
import type { RequestMatch } from "./core/match";
import type { CloudDefinition, CloudEmulator, DeepPartial, Fault, RecordedRequest } from "./core/types";
import type { Vm0SeedVolume } from "./vm0/types";

export type { CloudName } from "./clouds";
export type { DeepPartial, Fault, RecordedRequest } from "./core/types";
export type { RequestMatch } from "./core/match";
export type { RateLimit } from "./core/rateLimiter";
export type { FlyControl, FlyExtendResponse, FlyKnobs, FlyVolume, FlyVolumeRecord, FlyVolumeState } from "./fly/types";
export type {
    NeevVolumeStatus,
    NeevExtensionStatus,
    NeevVolumeMode,
    NeevAttachedTo,
    NeevVolumeAttachment,
    NeevNetworkVolume,
    NeevPagination,
    NeevListResponse,
    NeevErrorBody,
    NeevCloudKnobs,
    NeevAttachOptions,
    NeevCloudControl,
} from "./neevcloud/types";
export type {
    AgentBayControl,
    AgentBayEnvelope,
    AgentBayGetVolumeResponse,
    AgentBayKnobs,
    AgentBayListVolumesResponse,
    AgentBayLookupNotFound,
    AgentBayPopError,
    AgentBayVolume,
    AgentBayVolumeRecord,
} from "./agentbay/types";
export type {
    Vm0Control,
    Vm0FileEntry,
    Vm0Knobs,
    Vm0Page,
    Vm0SeedVersion,
    Vm0SeedVolume,
    Vm0StorageType,
    Vm0Version,
    Vm0Volume,
    Vm0VolumeDetail,
    Vm0VolumeRecord,
} from "./vm0/types";
export { seedFromDirectory as vm0SeedFromDirectory, tarGz } from "./vm0/archive";

/** Knobs that apply to every cloud. */
export interface GlobalKnobs {
    /** Latency added to every request before it is handled (ms). Default 0. */
    latencyMs: number;
}

/** Each cloud's knobs, under its name (`fly: FlyKnobs`). */
export type CloudKnobs = { [K in CloudName]: KnobsOf<K> };

/** All run-time knobs: the global ones plus each cloud's under its name. */
export interface Knobs extends GlobalKnobs, CloudKnobs {}

/** Each cloud's base URL, under its name (`fly: "http://127.0.0.1:PORT"`). */
export type CloudUrls = { [K in CloudName]: string };

/** What each cloud holds, under its name (`fly: FlyVolumeRecord[]`). */
export type Inventory = { [K in CloudName]: RecordOf<K>[] };

/** Each cloud's test hooks, under its name (`fly: FlyControl`). */
export type CloudControls = { readonly [K in CloudName]: ControlOf<K> };

/** Options of {@link startEmulator}. */
export interface EmulatorOptions {
    /** The token every cloud accepts. Default: a fresh `emulator-<32 hex>` per start. */
    token?: string;
    /** Fixed port per cloud (`{ fly: 4280 }`); default: a free port each. */
    ports?: { [K in CloudName]?: number };
    /** Initial knobs, merged over the defaults. */
    knobs?: DeepPartial<Knobs>;
    /** Initial fault list. */
    faults?: Fault[];
    /** Entries kept in the request log (oldest dropped first). Default 10 000. */
    requestLogLimit?: number;
    /** VM0 volumes (with their versions and archive bytes) to hold at start; `reset()` forgets them. */
    vm0Seed?: readonly Vm0SeedVolume[];
    /**
     * The clock of every cloud's timed behaviour (readiness, lags, rate limits, retention), ms since
     * the epoch. Default `Date.now`. A test that moves it by hand sees each phase exactly, however
     * busy the machine.
     */
    now?: () => number;
}

/** A running emulator. Every cloud listens on its own loopback port. */
export interface Emulator extends CloudControls {
    /**
     * Everything a program needs to run against the emulator unchanged: `FLY_API_URL`, `FLY_API_TOKEN`, `NEEVCLOUD_ORG_ID`,
     * `AGENTBAY_API_KEY`, …
     */
    readonly env: Record<string, string>;
    /** Base URL per cloud (`http://127.0.0.1:PORT`; NeevCloud's ends in `/storage`, as its real base URL does). */
    readonly urls: CloudUrls;
    /** The token the emulator accepts (AgentBay's key is derived from it: `env.AGENTBAY_API_KEY`). */
    readonly token: string;
    /** Every resource per cloud, soft-deleted ones included, as wire-shaped records (Fly: sorted by app, then creation). */
    inventory(): Inventory;
    /**
     * The request log, oldest first; with a filter, only the requests it matches (as a fault
     * matches: `{ cloud: "agentbay", action: "GetVolume" }`). Never contains the token or an
     * `Authorization` value.
     */
    requests(filter?: RequestMatch): RecordedRequest[];
    /** Empty the request log. */
    clearRequests(): void;
    /** Replace the active fault list (counters restart). Throws `TypeError` for an invalid fault. */
    setFaults(faults: Fault[]): void;
    /** Change knobs at run time (deep merge; a key set to `undefined` returns to its default). Rate-limit buckets restart. */
    configure(knobs: DeepPartial<Knobs>): void;
    /** A copy of the current knobs. */
    knobs(): Knobs;
    /** Forget every cloud's resources, the request log and the faults; knobs stay. */
    reset(): void;
    /** Stop every server and drop open connections. Idempotent. */
    close(): Promise<void>;
}

/** The knobs every emulator starts from. */
export function defaultKnobs(): Knobs {
    const perCloud = Object.fromEntries(cloudNames.map((name) => [name, definition(name).defaultKnobs()]));
    return { latencyMs: 0, ...(perCloud as CloudKnobs) };
}

/** A fresh token of the form `emulator-<32 hex>`. */
export function generateToken(): string {
    return `emulator-${randomBytes(16).toString("hex")}`;
}

/** Start every cloud emulator on loopback. */
export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
    const token = options.token ?? generateToken();
    if (token === "" || /[\s,]/.test(token)) throw new TypeError("emulator token must be non-empty, without whitespace or commas");
    const defaults = defaultKnobs();
    let knobs = mergeKnobs<Knobs>(defaults, options.knobs, defaults);
    const log = new RequestLog(options.requestLogLimit ?? defaultRequestLogLimit);
    const faults = new FaultInjector();
    faults.set(options.faults ?? []);

    const instances = new Map<CloudName, CloudEmulator<unknown, unknown>>();
    const servers: RunningCloudServer[] = [];
    const urls: Partial<Record<CloudName, string>> = {};
    const env: Record<string, string> = {};
    const close = async (): Promise<void> => {
        await Promise.all(servers.map((s) => s.close()));
    };
    try {
        for (const name of cloudNames) {
            const instance = definition(name).create({
                token,
                knobs: () => knobs[name],
                now: options.now ?? (() => Date.now()),
            }) as CloudEmulator<unknown, unknown>;
            const server = await startCloudServer({
                cloud: instance,
                log,
                faults,
                token,
                latencyMs: () => knobs.latencyMs,
                port: options.ports?.[name],
            });
            instances.set(name, instance);
            servers.push(server);
            urls[name] = server.url;
            Object.assign(env, instance.env(server.url));
        }
    } catch (err) {
        await close();
        throw err;
    }

    for (const seed of options.vm0Seed ?? []) (instances.get("vm0")?.control as ControlOf<"vm0"> | undefined)?.seedVolume(seed);

    const each = (fn: (instance: CloudEmulator<unknown, unknown>) => void): void => instances.forEach(fn);
    const controls = Object.fromEntries(cloudNames.map((name) => [name, instances.get(name)?.control])) as CloudControls;
    const emulator: Emulator = {
        ...controls,
        env,
        urls: urls as CloudUrls,
        token,
        inventory: () => Object.fromEntries(cloudNames.map((name) => [name, instances.get(name)?.inventory() ?? []])) as Inventory,
        requests: (filter) => log.list(filter),
        clearRequests: () => log.clear(),
        setFaults: (list) => faults.set(list),
        configure: (patch) => {
            knobs = mergeKnobs<Knobs>(knobs, patch, defaults);
            each((i) => i.knobsChanged());
        },
        knobs: () => clone(knobs),
        reset: () => {
            each((i) => i.reset());
            log.clear();
            faults.set([]);
        },
        close,
    };
    return emulator;
}

function definition<K extends CloudName>(name: K): CloudDefinition<KnobsOf<K>, ControlOf<K>, RecordOf<K>> {
    return clouds[name] as unknown as CloudDefinition<KnobsOf<K>, ControlOf<K>, RecordOf<K>>;
}
