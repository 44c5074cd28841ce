/**
 * The Fly emulator's state: volumes and snapshots per app. State advances
 * lazily: each volume carries a schedule of timed transitions that is applied
 * whenever the store is read, so no timers run and nothing keeps the process alive.
 */
import { FlyApiError, volumeNotFound } from "./errors";
import { newDigest, newSnapshotId, newVolumeId, zonesOf } from "./ids";
import { FLY_GONE_STATES, FLY_VOLUME_STATES, type FlyKnobs, type FlyVolumeState } from "./types";
import type { CreateVolumeInput, UpdateVolumeInput } from "./validate";

/** Size used when a create sends no `size_gb` (Fly docs say 3; flyctl sends 1; unconfirmed). */
export const DEFAULT_SIZE_GB = 3;
/** How long a volume left behind by a host migration stays `pending_destroy` (documented: 1 week). */
export const MIGRATION_RETENTION_MS = 7 * 24 * 60 * 60 * 1000;

/** A timed transition. */
interface Step {
    readonly at: number;
    readonly state: FlyVolumeState;
    /** Size that becomes visible with this step (an extend). */
    sizeGb?: number;
    /** The filesystem is ready from this step on: `fstype` and block stats appear. */
    readonly initialise?: boolean;
}

/** A volume as the store keeps it. */
export interface VolumeEntity {
    readonly seq: number;
    readonly app: string;
    readonly id: string;
    readonly name: string;
    readonly region: string;
    readonly zone: string;
    readonly encrypted: boolean;
    readonly fstype: "ext4" | "raw";
    readonly createdAt: number;
    sizeGb: number;
    snapshotRetention: number;
    autoBackupEnabled: boolean;
    updatedAt: number;
    state: FlyVolumeState;
    schedule: Step[];
    initialised: boolean;
    /** Reads as attached while set (including during the detach lag). */
    attachedMachineId: string | null;
    /** End of the detach lag: `attachedMachineId` clears at this time. */
    detachedUntil?: number;
    /** When the volume was soft-deleted. */
    softDeletedAt?: number;
    /** Retention override (host migration); else the `softDeleteRetentionMs` knob. */
    retentionMs?: number;
    /** Bytes of data on the volume (carried into snapshots, restores and forks). */
    usedBytes: number;
}

/** A snapshot as the store keeps it. */
export interface SnapshotEntity {
    readonly id: string;
    readonly app: string;
    readonly volumeId: string;
    readonly size: number;
    readonly volumeSize: number;
    readonly digest: string;
    readonly createdAt: number;
    readonly retentionDays: number;
}

/** Whether the volume is soft-deleted (a destroy state). */
export function isGone(v: VolumeEntity): boolean {
    return FLY_GONE_STATES.has(v.state);
}

/** The in-memory Fly volume store. */
export class FlyStore {
    private volumes = new Map<string, VolumeEntity>();
    private snapshots = new Map<string, SnapshotEntity>();
    private seq = 0;

    constructor(
        private readonly knobs: () => FlyKnobs,
        private readonly now: () => number,
    ) {}

    /** Every volume (soft-deleted included, purged ones not), in creation order. */
    all(): VolumeEntity[] {
        this.sweep();
        return [...this.volumes.values()].sort((a, b) => a.seq - b.seq);
    }

    /** The app's volumes in creation order. */
    list(app: string): VolumeEntity[] {
        return this.all().filter((v) => v.app === app);
    }

    /** A volume of the app, soft-deleted included; `undefined` if unknown or purged. */
    find(app: string, id: string): VolumeEntity | undefined {
        this.sweep();
        const v = this.volumes.get(id);
        return v && v.app === app ? v : undefined;
    }

    /** A volume that is not soft-deleted, else 404. */
    live(app: string, id: string): VolumeEntity {
        const v = this.find(app, id);
        if (!v || isGone(v)) throw volumeNotFound();
        return v;
    }

    /** `POST /v1/apps/{app}/volumes`. */
    create(app: string, input: CreateVolumeInput): VolumeEntity {
        this.sweep();
        const now = this.now();
        const knobs = this.knobs();
        let sizeGb = input.sizeGb;
        let fstype = input.fstype;
        let usedBytes = 0;
        if (input.snapshotId !== undefined) {
            const snap = this.snapshots.get(input.snapshotId);
            if (!snap) throw new FlyApiError(400, `snapshot ${input.snapshotId} not found`);
            sizeGb = this.atLeast(sizeGb, snap.volumeSize, "the snapshot's volume size");
            usedBytes = snap.size;
        } else if (input.sourceVolumeId !== undefined) {
            const source = this.volumes.get(input.sourceVolumeId);
            if (!source || isGone(source)) throw new FlyApiError(400, `source volume ${input.sourceVolumeId} not found`);
            sizeGb = this.atLeast(sizeGb, source.sizeGb, "the source volume's size");
            fstype ??= source.fstype;
            usedBytes = source.usedBytes;
        }
        const unique = input.requireUniqueZone ?? true;
        const appWide = input.uniqueZoneAppWide ?? false;
        const zone = this.pickZone(app, input.region, input.name, unique, appWide);
        const ready = now + knobs.timeToReadyMs;
        let schedule: Step[];
        if (input.snapshotId !== undefined) {
            schedule = [
                { at: ready, state: "restoring" },
                { at: ready + knobs.timeToRestoreMs, state: "created", initialise: true },
            ];
        } else if (input.sourceVolumeId !== undefined) {
            const exported = ready + knobs.timeToReadyMs;
            schedule = [
                { at: ready, state: "enabling_remote_export" },
                { at: exported, state: "hydrating", initialise: true },
                { at: exported + knobs.timeToHydrateMs, state: "created" },
            ];
        } else {
            schedule = [{ at: ready, state: "created", initialise: true }];
        }
        const v: VolumeEntity = {
            seq: ++this.seq,
            app,
            id: newVolumeId(),
            name: input.name,
            region: input.region,
            zone,
            encrypted: input.encrypted ?? true,
            fstype: fstype ?? "ext4",
            createdAt: now,
            sizeGb: sizeGb ?? DEFAULT_SIZE_GB,
            snapshotRetention: input.snapshotRetention ?? 5,
            autoBackupEnabled: input.autoBackupEnabled ?? true,
            updatedAt: now,
            state: "creating",
            schedule,
            initialised: false,
            attachedMachineId: null,
            usedBytes,
        };
        this.volumes.set(v.id, v);
        return v;
    }

    /** `PUT /v1/apps/{app}/volumes/{id}`. */
    update(app: string, id: string, patch: UpdateVolumeInput): VolumeEntity {
        const v = this.live(app, id);
        if (patch.snapshotRetention !== undefined) v.snapshotRetention = patch.snapshotRetention;
        if (patch.autoBackupEnabled !== undefined) v.autoBackupEnabled = patch.autoBackupEnabled;
        v.updatedAt = this.now();
        return v;
    }

    /** `PUT /v1/apps/{app}/volumes/{id}/extend`: `extending` now, the new size with `created` later. */
    extend(app: string, id: string, sizeGb: number): { volume: VolumeEntity; needsRestart: boolean } {
        const v = this.live(app, id);
        if (v.state !== "created") {
            throw new FlyApiError(412, `failed_precondition: volume ${v.id} is ${v.state}; it can be extended only when created`);
        }
        if (sizeGb <= v.sizeGb) {
            throw new FlyApiError(400, `new size must be greater than current size (${v.sizeGb}GB); volumes cannot shrink`);
        }
        const now = this.now();
        v.state = "extending";
        v.updatedAt = now;
        v.schedule.push({ at: now + this.knobs().timeToExtendMs, state: "created", sizeGb });
        return { volume: v, needsRestart: v.attachedMachineId !== null };
    }

    /** `DELETE /v1/apps/{app}/volumes/{id}`: 412 while bound, else soft delete. */
    destroy(app: string, id: string): VolumeEntity {
        const v = this.live(app, id);
        if (v.attachedMachineId !== null) {
            throw new FlyApiError(412, `failed_precondition: volume is currently bound to machine: ${v.attachedMachineId}`);
        }
        this.softDelete(v);
        return v;
    }

    /** Snapshots of a volume (soft-deleted volumes keep theirs), oldest first. */
    snapshotsOf(app: string, id: string): SnapshotEntity[] {
        const v = this.find(app, id);
        if (!v) throw volumeNotFound();
        return [...this.snapshots.values()].filter((s) => s.volumeId === id).sort((a, b) => a.createdAt - b.createdAt);
    }

    /** Take a snapshot of a live volume. */
    takeSnapshot(app: string, id: string): SnapshotEntity {
        const v = this.live(app, id);
        const snap: SnapshotEntity = {
            id: newSnapshotId(),
            app,
            volumeId: v.id,
            size: v.usedBytes,
            volumeSize: v.sizeGb,
            digest: newDigest(),
            createdAt: this.now(),
            retentionDays: v.snapshotRetention,
        };
        this.snapshots.set(snap.id, snap);
        return snap;
    }

    // ---- test hooks (throw plain Errors) ----

    /** Bind to a Machine. */
    attach(app: string, id: string, machineId: string): void {
        const v = this.hookLive(app, id);
        v.attachedMachineId = machineId;
        v.detachedUntil = undefined;
        v.updatedAt = this.now();
    }

    /** Unbind, honouring `detachLagMs`. */
    detach(app: string, id: string): void {
        const v = this.hookFind(app, id);
        if (v.attachedMachineId === null) return;
        const lag = this.knobs().detachLagMs;
        if (lag > 0) {
            v.detachedUntil = this.now() + lag;
        } else {
            v.attachedMachineId = null;
            v.detachedUntil = undefined;
            v.updatedAt = this.now();
        }
    }

    /** Host migration: a hydrating fork takes over the attachment; the old volume goes `pending_destroy` for a week. */
    migrateHost(app: string, id: string): string {
        const old = this.hookLive(app, id);
        const now = this.now();
        const zones = zonesOf(old.region, Math.max(2, this.knobs().zonesPerRegion)).filter((z) => z !== old.zone);
        const fork: VolumeEntity = {
            ...old,
            seq: ++this.seq,
            id: newVolumeId(),
            zone: zones[Math.floor(Math.random() * zones.length)] as string,
            createdAt: now,
            updatedAt: now,
            state: "hydrating",
            schedule: [{ at: now + this.knobs().timeToHydrateMs, state: "created" }],
            initialised: true,
        };
        this.volumes.set(fork.id, fork);
        old.state = "pending_destroy";
        old.schedule = [];
        old.attachedMachineId = null;
        old.detachedUntil = undefined;
        old.softDeletedAt = now;
        old.retentionMs = MIGRATION_RETENTION_MS;
        old.updatedAt = now;
        return fork.id;
    }

    /** Force a state, cancelling pending transitions. */
    setState(app: string, id: string, state: FlyVolumeState): void {
        if (!FLY_VOLUME_STATES.includes(state)) throw new Error(`fly emulator: unknown volume state ${JSON.stringify(state)}`);
        const v = this.hookFind(app, id);
        const now = this.now();
        v.schedule = [];
        v.state = state;
        v.updatedAt = now;
        if (state === "created") v.initialised = true;
        if (FLY_GONE_STATES.has(state)) v.softDeletedAt ??= now;
        else v.softDeletedAt = undefined;
    }

    /** Out-of-band growth: the size changes now; a pending smaller extend no longer applies its size. */
    resize(app: string, id: string, sizeGb: number): void {
        if (!Number.isInteger(sizeGb) || sizeGb < 1) throw new Error("fly emulator: resize needs a positive integer size");
        const v = this.hookFind(app, id);
        v.sizeGb = sizeGb;
        for (const step of v.schedule) if (step.sizeGb !== undefined && step.sizeGb <= sizeGb) delete step.sizeGb;
        v.updatedAt = this.now();
    }

    /** Out-of-band delete: detaches, then soft-deletes. */
    forceDestroy(app: string, id: string): void {
        const v = this.hookLive(app, id);
        v.attachedMachineId = null;
        v.detachedUntil = undefined;
        this.softDelete(v);
    }

    /** Forget everything. */
    reset(): void {
        this.volumes = new Map();
        this.snapshots = new Map();
        this.seq = 0;
    }

    // ---- internals ----

    private softDelete(v: VolumeEntity): void {
        const now = this.now();
        v.state = "scheduling_destroy";
        v.schedule = [{ at: now + this.knobs().timeToDestroyMs, state: "pending_destroy" }];
        v.softDeletedAt = now;
        v.updatedAt = now;
    }

    private atLeast(requested: number | undefined, minimum: number, what: string): number {
        if (requested === undefined) return minimum;
        if (requested < minimum) throw new FlyApiError(400, `size_gb must be at least ${what} (${minimum}GB)`);
        return requested;
    }

    private pickZone(app: string, region: string, name: string, unique: boolean, appWide: boolean): string {
        const zones = zonesOf(region, Math.max(1, this.knobs().zonesPerRegion));
        let candidates = zones;
        if (unique) {
            const taken = new Set(
                [...this.volumes.values()]
                    .filter((v) => !isGone(v) && v.app === app && v.region === region && (appWide || v.name === name))
                    .map((v) => v.zone),
            );
            candidates = zones.filter((z) => !taken.has(z));
            if (candidates.length === 0) {
                throw new FlyApiError(
                    400,
                    `insufficient resources: no zone left in region ${region} without a volume ${appWide ? "of this app" : `named ${name}`} (require_unique_zone)`,
                    "insufficient_capacity",
                );
            }
        }
        return candidates[Math.floor(Math.random() * candidates.length)] as string;
    }

    private hookFind(app: string, id: string): VolumeEntity {
        const v = this.find(app, id);
        if (!v) throw new Error(`fly emulator: no volume ${id} in app ${app}`);
        return v;
    }

    private hookLive(app: string, id: string): VolumeEntity {
        const v = this.hookFind(app, id);
        if (isGone(v)) throw new Error(`fly emulator: volume ${id} in app ${app} is ${v.state}`);
        return v;
    }

    /** Apply due transitions and purge volumes past their retention. */
    private sweep(): void {
        const now = this.now();
        const retention = this.knobs().softDeleteRetentionMs;
        for (const v of this.volumes.values()) {
            settle(v, now);
            if (v.softDeletedAt !== undefined && now >= v.softDeletedAt + (v.retentionMs ?? retention)) this.volumes.delete(v.id);
        }
    }
}

/** Apply every transition of `v` due at `now`. */
function settle(v: VolumeEntity, now: number): void {
    while (v.schedule.length > 0 && (v.schedule[0] as Step).at <= now) {
        const step = v.schedule.shift() as Step;
        v.state = step.state;
        if (step.sizeGb !== undefined) v.sizeGb = step.sizeGb;
        if (step.initialise) v.initialised = true;
        v.updatedAt = Math.max(v.updatedAt, step.at);
    }
    if (v.detachedUntil !== undefined && now >= v.detachedUntil) {
        v.attachedMachineId = null;
        v.updatedAt = Math.max(v.updatedAt, v.detachedUntil);
        v.detachedUntil = undefined;
    }
}
