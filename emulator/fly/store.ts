/**
 * The Fly emulator's state: volumes per app, and snapshots to restore from. State advances
 * lazily through the core's {@link Transitions}: changes are scheduled for a time
 * and applied whenever the store is read, so no timers run.
 */
import { Transitions } from "../core/transitions";
import { FlyApiError, volumeNotFound } from "./errors";
import { newSnapshotId, newVolumeId, zonesOf } from "./ids";
import { flyGoneStates, flyVolumeStates, type FlyKnobs, type FlyVolumeState } from "./types";
import type { CreateVolumeInput, UpdateVolumeInput } from "./validate";

/** Size used when a create sends no `size_gb` (Fly docs say 3; flyctl sends 1; unconfirmed). */
export const defaultSizeGb = 3;
/** How long a volume left behind by a host migration stays `pending_destroy` (documented: 1 week). */
export const migrationRetentionMs = 7 * 24 * 60 * 60 * 1000;
/** Region of a create that names none (Fly picks the Machine's or the app's primary region). */
export const defaultRegion = "iad";

/** Kinds of scheduled change: a state step, the end of an extend or of a detach lag, the purge of a soft-deleted volume. */
const stateTransition = "state";
const detachTransition = "detach";
const purgeTransition = "purge";
const extendTransition = "extend";

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
    /** Size an extend in progress grows to (shown by the extend response; reads show it once `created`). */
    extendingTo?: number;
    snapshotRetention: number;
    autoBackupEnabled: boolean;
    state: FlyVolumeState;
    initialised: boolean;
    /** Reads as attached while set (including during the detach lag). */
    attachedMachineId: string | null;
    /** Bytes of data on the volume (carried into snapshots, restores and forks). */
    usedBytes: number;
    /** When `creating` ends (ms). */
    readyAt?: number;
}

/** A snapshot as the store keeps it: what a restore needs (the routes to list or take snapshots are not emulated). */
export interface SnapshotEntity {
    readonly id: string;
    /** Bytes stored. */
    readonly size: number;
    /** Size of the source volume, GB (a restore is at least this big). */
    readonly volumeSize: number;
}

/** Whether the volume is soft-deleted (a destroy state). */
export function isGone(v: VolumeEntity): boolean {
    return flyGoneStates.has(v.state);
}

/** The in-memory Fly volume store. */
export class FlyStore {
    private volumes = new Map<string, VolumeEntity>();
    private snapshots = new Map<string, SnapshotEntity>();
    private readonly transitions = new Transitions<VolumeEntity>();
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
        const region = input.region ?? defaultRegion;
        const unique = input.requireUniqueZone ?? true;
        const appWide = input.uniqueZoneAppWide ?? false;
        const zone = this.pickZone(app, region, input.name, unique, appWide);
        const v: VolumeEntity = {
            seq: ++this.seq,
            app,
            id: newVolumeId(),
            name: input.name,
            region,
            zone,
            encrypted: input.encrypted ?? true,
            fstype: fstype ?? "ext4",
            createdAt: now,
            sizeGb: sizeGb ?? defaultSizeGb,
            snapshotRetention: input.snapshotRetention ?? 5,
            autoBackupEnabled: input.autoBackupEnabled ?? true,
            state: "creating",
            initialised: false,
            attachedMachineId: null,
            usedBytes,
        };
        this.volumes.set(v.id, v);
        const ready = now + knobs.timeToReadyMs + Math.floor(Math.random() * knobs.timeToReadyJitterMs);
        v.readyAt = ready;
        if (input.snapshotId !== undefined) {
            this.step(v, ready, "restoring");
            this.step(v, ready + knobs.timeToRestoreMs, "created", true);
        } else if (input.sourceVolumeId !== undefined) {
            const exported = ready + knobs.timeToReadyMs;
            this.step(v, ready, "enabling_remote_export");
            this.step(v, exported, "hydrating", true);
            this.step(v, exported + knobs.timeToHydrateMs, "created");
        } else {
            this.step(v, ready, "created", true);
        }
        this.sweep(); // a 0 ms knob shows in this response
        return v;
    }

    /** `PUT /v1/apps/{app}/volumes/{id}`. */
    update(app: string, id: string, patch: UpdateVolumeInput): VolumeEntity {
        const v = this.live(app, id);
        if (patch.snapshotRetention !== undefined) v.snapshotRetention = patch.snapshotRetention;
        if (patch.autoBackupEnabled !== undefined) v.autoBackupEnabled = patch.autoBackupEnabled;
        return v;
    }

    /**
     * `PUT /v1/apps/{app}/volumes/{id}/extend`, accepted in any live state. Reads show the old
     * size until `timeToExtendMs` has passed (a `created` volume reads `extending` meanwhile),
     * then the new one; the response already carries the new size (`extendingTo`).
     */
    extend(app: string, id: string, sizeGb: number): { volume: VolumeEntity; needsRestart: boolean } {
        const v = this.live(app, id);
        const current = Math.max(v.sizeGb, v.extendingTo ?? 0);
        if (sizeGb <= current) {
            throw new FlyApiError(400, `new size must be greater than current size (${current}GB); volumes cannot shrink`);
        }
        const knobs = this.knobs();
        if (v.state === "created") v.state = "extending";
        v.extendingTo = sizeGb;
        this.transitions.cancel(v, [extendTransition]);
        this.transitions.schedule(v, this.now() + knobs.timeToExtendMs, extendTransition, (e) => {
            e.sizeGb = Math.max(e.sizeGb, sizeGb);
            e.extendingTo = undefined;
            if (e.state === "extending") e.state = "created";
        });
        this.sweep(); // a 0 ms knob shows in this response
        return { volume: v, needsRestart: knobs.needsRestart && v.attachedMachineId !== null };
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

    /** Take a snapshot of a live volume. */
    takeSnapshot(app: string, id: string): SnapshotEntity {
        const v = this.live(app, id);
        const snap: SnapshotEntity = { id: newSnapshotId(), size: v.usedBytes, volumeSize: v.sizeGb };
        this.snapshots.set(snap.id, snap);
        return snap;
    }

    // ---- test hooks (throw plain Errors) ----

    /** Bind to a Machine. */
    attach(app: string, id: string, machineId: string): void {
        const v = this.hookLive(app, id);
        v.attachedMachineId = machineId;
        this.transitions.cancel(v, [detachTransition]);
    }

    /** Unbind, honouring `detachLagMs` (the volume reads attached, and refuses delete, until it has passed). */
    detach(app: string, id: string): void {
        const v = this.hookFind(app, id);
        if (v.attachedMachineId === null || this.transitions.has(v, detachTransition)) return;
        this.transitions.schedule(v, this.now() + this.knobs().detachLagMs, detachTransition, (e) => {
            e.attachedMachineId = null;
        });
        this.sweep();
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
            state: "hydrating",
            initialised: true,
        };
        this.volumes.set(fork.id, fork);
        this.step(fork, now + this.knobs().timeToHydrateMs, "created");
        this.transitions.cancel(old);
        old.state = "pending_destroy";
        old.attachedMachineId = null;
        old.extendingTo = undefined;
        this.purgeAt(old, now + migrationRetentionMs);
        return fork.id;
    }

    /** Force a state, cancelling pending state changes and extends. A gone state soft-deletes the volume. */
    setState(app: string, id: string, state: FlyVolumeState): void {
        if (!flyVolumeStates.includes(state)) throw new Error(`fly emulator: unknown volume state ${JSON.stringify(state)}`);
        const v = this.hookFind(app, id);
        this.transitions.cancel(v, [stateTransition, extendTransition]);
        v.extendingTo = undefined;
        v.state = state;
        if (state === "created") v.initialised = true;
        if (!flyGoneStates.has(state)) this.transitions.cancel(v, [purgeTransition]);
        else if (!this.transitions.has(v, purgeTransition)) this.purgeAt(v, this.now() + this.knobs().softDeleteRetentionMs);
    }

    /** Out-of-band growth: the size changes now; a pending extend to no more than it no longer changes the size. */
    resize(app: string, id: string, sizeGb: number): void {
        if (!Number.isInteger(sizeGb) || sizeGb < 1) throw new Error("fly emulator: resize needs a positive integer size");
        this.hookFind(app, id).sizeGb = sizeGb;
    }

    /** Out-of-band delete: detaches, then soft-deletes. */
    forceDestroy(app: string, id: string): void {
        const v = this.hookLive(app, id);
        v.attachedMachineId = null;
        this.softDelete(v);
    }

    /** Forget everything. */
    reset(): void {
        this.volumes = new Map();
        this.snapshots = new Map();
        this.transitions.clear();
        this.seq = 0;
    }

    // ---- internals ----

    /** `scheduling_destroy` now, `pending_destroy` after `timeToDestroyMs`, purged after `softDeleteRetentionMs` (read now). */
    private softDelete(v: VolumeEntity): void {
        const now = this.now();
        const knobs = this.knobs();
        this.transitions.cancel(v);
        v.state = "scheduling_destroy";
        v.extendingTo = undefined;
        this.step(v, now + knobs.timeToDestroyMs, "pending_destroy");
        this.purgeAt(v, now + knobs.softDeleteRetentionMs);
    }

    /** Schedule a state change (`initialise`: `fstype` and block stats appear with it). */
    private step(v: VolumeEntity, at: number, state: FlyVolumeState, initialise = false): void {
        this.transitions.schedule(v, at, stateTransition, (e) => {
            e.state = state;
            if (initialise) e.initialised = true;
        });
    }

    private purgeAt(v: VolumeEntity, at: number): void {
        this.transitions.schedule(v, at, purgeTransition, (e) => {
            this.transitions.cancel(e);
            this.volumes.delete(e.id);
        });
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
                // Fly's documented code (docs/apis/fly.md, Errors); its text for this case is unconfirmed, so the
                // message is a generic one, and clients must key on the code.
                throw new FlyApiError(400, `insufficient resources to create a volume in ${region}`, "insufficient_capacity");
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

    /** Apply the changes due by now. */
    private sweep(): void {
        this.transitions.settle(this.now());
    }
}
