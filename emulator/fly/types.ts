/**
 * Fly.io Machines API volume types as they travel on the wire (snake_case),
 * the Fly emulator's knobs and its test hooks. Source: docs/apis/fly.md.
 */
import type { RateLimit } from "../core/rateLimiter";

/** Volume states: documented ones, plus those seen in fly-go / flyctl. */
export type FlyVolumeState =
    | "creating"
    | "created"
    | "extending"
    | "restoring"
    | "enabling_remote_export"
    | "hydrating"
    | "recovering"
    | "scheduling_destroy"
    | "pending_destroy"
    | "fork_cleanup"
    | "waiting_for_detach"
    | "destroying"
    | "destroyed";

/** Every state, for validation of `setState`. */
export const flyVolumeStates: readonly FlyVolumeState[] = [
    "creating",
    "created",
    "extending",
    "restoring",
    "enabling_remote_export",
    "hydrating",
    "recovering",
    "scheduling_destroy",
    "pending_destroy",
    "fork_cleanup",
    "waiting_for_detach",
    "destroying",
    "destroyed",
];

/** States in which a volume is soft-deleted (fly-go's `destroyedVolumeStates` plus `destroyed`). */
export const flyGoneStates: ReadonlySet<FlyVolumeState> = new Set<FlyVolumeState>([
    "scheduling_destroy",
    "fork_cleanup",
    "waiting_for_detach",
    "pending_destroy",
    "destroying",
    "destroyed",
]);

/** A volume as `GET /v1/apps/{app}/volumes/{id}` returns it. */
export interface FlyVolume {
    id: string;
    name: string;
    state: FlyVolumeState;
    size_gb: number;
    region: string;
    zone: string;
    encrypted: boolean;
    /** `""` until the volume is initialised, then `ext4` or `raw`. */
    fstype: string;
    attached_machine_id: string | null;
    /** Legacy; always null. */
    attached_alloc_id: null;
    /** RFC 3339. */
    created_at: string;
    snapshot_retention: number;
    auto_backup_enabled: boolean;
    host_dedication_id: string;
    host_status: "ok" | "unknown" | "unreachable";
    type: "local" | "cache";
    host_features: string[];
    required_host_features: string[];
    block_size: number;
    blocks: number;
    blocks_free: number;
    blocks_avail: number;
    bytes_total: number;
    bytes_used: number;
}

/** An inventory record: the wire volume (with block stats) plus its app. */
export interface FlyVolumeRecord extends FlyVolume {
    app: string;
}

/** `PUT …/extend`'s response. */
export interface FlyExtendResponse {
    /** The volume, with the size it grows to. */
    volume: FlyVolume;
    needs_restart: boolean;
}

/** Run-time knobs of the Fly emulator. */
export interface FlyKnobs {
    /** Time a new volume spends in `creating` (ms). Default 500. */
    timeToReadyMs: number;
    /**
     * Up to this much more, drawn at random per volume (ms): Fly's real readiness varies, and a fixed
     * delay that is a multiple of a poll interval locks every volume to the same phase. Default 0.
     */
    timeToReadyJitterMs: number;
    /** Time a restore spends in `restoring`, after `creating` (ms). Default 500. */
    timeToRestoreMs: number;
    /** Time a fork spends in `hydrating`, after `creating` and `enabling_remote_export` (ms). Default 500. */
    timeToHydrateMs: number;
    /** Time until an extend's new size shows in reads (a `created` volume reads `extending` meanwhile) (ms). Default 500. */
    timeToExtendMs: number;
    /** `needs_restart` of an extend of a volume attached to a Machine (a detached one never needs it). Default false. */
    needsRestart: boolean;
    /** Time a delete spends in `scheduling_destroy` before `pending_destroy` (ms). Default 250. */
    timeToDestroyMs: number;
    /**
     * After a Machine lets go of a volume, it still reads attached and refuses delete this long (ms).
     * Fly takes about a minute; the default, 3 s, keeps tests quick while a delete sent once right
     * after the detach still meets the 412. Default 3000.
     */
    detachLagMs: number;
    /** How long a deleted volume stays listed (ms). Default 24 h. */
    softDeleteRetentionMs: number;
    /** GET of a soft-deleted id: `"200"` with its state, or `"404"`. Default `"200"`. */
    softDeletedGet: "200" | "404";
    /** Token bucket per (app, action), or `false` for none. Default `{ perSecond: 1, burst: 3 }`. */
    rateLimit: RateLimit | false;
    /** `Retry-After` seconds on a 429; absent (as on Fly) by default. */
    retryAfterOn429?: number;
    /** When set, only these apps exist; any other → 404 `app not found`. Default: every app exists. */
    apps?: string[];
    /** Zones per region available to unique-zone placement. Default 8. */
    zonesPerRegion: number;
}

/** Fresh default knobs. */
export function defaultFlyKnobs(): FlyKnobs {
    return {
        timeToReadyMs: 500,
        timeToReadyJitterMs: 0,
        timeToRestoreMs: 500,
        timeToHydrateMs: 500,
        timeToExtendMs: 500,
        needsRestart: false,
        timeToDestroyMs: 250,
        detachLagMs: 3_000,
        softDeleteRetentionMs: 24 * 60 * 60 * 1000,
        softDeletedGet: "200",
        rateLimit: { perSecond: 1, burst: 3 },
        zonesPerRegion: 8,
    };
}

/**
 * Test hooks for the Fly emulator: things Fly or a Machine does that the
 * volumes API cannot. They bypass auth, rate limits and faults, and throw an
 * `Error` for an unknown volume.
 */
export interface FlyControl {
    /** Bind a volume to a Machine (a soft-deleted volume throws). */
    attach(app: string, volumeId: string, machineId: string): void;
    /** Unbind it; it still reads attached (and refuses delete) for `detachLagMs`. */
    detach(app: string, volumeId: string): void;
    /** Fly host migration: fork to a new id (attachment moves), old one → `pending_destroy` for 7 days. Returns the new id. */
    migrateHost(app: string, volumeId: string): string;
    /** Force a state; pending transitions are cancelled. A gone state soft-deletes the volume. */
    setState(app: string, volumeId: string, state: FlyVolumeState): void;
    /** Out-of-band growth (e.g. mount auto-extend): the size changes at once, state unchanged. */
    resize(app: string, volumeId: string, sizeGb: number): void;
    /** Out-of-band delete: detaches and soft-deletes (`scheduling_destroy` → `pending_destroy`). */
    destroy(app: string, volumeId: string): void;
    /** Take a snapshot of a volume; returns its `vs_…` id (usable as `snapshot_id` in a create). */
    snapshot(app: string, volumeId: string): string;
    /** When a volume became (or becomes) ready: its `created_at` + the time to ready drawn for it (ms since the epoch). */
    readyAt(app: string, volumeId: string): number | undefined;
    /** Forget every volume, snapshot and rate-limit bucket. */
    reset(): void;
}
