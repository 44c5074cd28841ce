/**
 * The NeevCloud emulator's state: network volumes per (org, project). State
 * advances lazily: each volume carries a schedule of timed steps (pending →
 * bound/failed, resizing → succeeded/failed) applied whenever the store is
 * read, so no timers run and nothing keeps the process alive.
 */
import { invalid, NeevApiError, volumeNotFound } from "./errors";
import { autoName, newUuid, resourceName, UUID_PATTERN } from "./ids";
import {
    NEEV_VOLUME_STATUSES,
    type NeevAttachedTo,
    type NeevAttachOptions,
    type NeevCloudKnobs,
    type NeevExtensionStatus,
    type NeevVolumeMode,
    type NeevVolumeStatus,
} from "./types";
import type { CreateVolumeInput } from "./validate";

/** A timed step: a status change, or the end of an extend. */
interface Step {
    readonly at: number;
    readonly status?: NeevVolumeStatus;
    readonly extension?: Exclude<NeevExtensionStatus, "resizing">;
    /** Size that becomes visible with a succeeded extend. */
    readonly sizeGb?: number;
}

/** A mount of the volume on some resource. */
export interface AttachmentEntity {
    readonly id: string;
    readonly resourceType: string;
    readonly resourceId: string;
    readonly resourceName: string;
    readonly mountPath?: string;
    readonly status: "mounted" | "unmounted";
    readonly createdAt: number;
}

/** A volume as the store keeps it. */
export interface VolumeEntity {
    readonly seq: number;
    readonly orgId: string;
    readonly projectId: string;
    /** Lowercase uuid. */
    readonly id: string;
    readonly name: string;
    readonly regionId: string;
    readonly volumeMode: NeevVolumeMode;
    readonly mountPath?: string;
    readonly planId: string;
    readonly createdAt: number;
    sizeGb: number;
    status: NeevVolumeStatus;
    extensionStatus?: NeevExtensionStatus;
    actualSizeGb?: number;
    airuntime: NeevAttachedTo[];
    attachments: AttachmentEntity[];
    updatedAt: number;
    schedule: Step[];
    /** Set by a delete: the volume reads `terminated` until then, and is purged at it. */
    purgeAt?: number;
}

/** Whether anything still mounts the volume (delete refuses then). */
export function inUse(v: VolumeEntity): boolean {
    return v.airuntime.length > 0 || v.attachments.some((a) => a.status === "mounted");
}

/** The in-memory NeevCloud volume store. */
export class NeevStore {
    private volumes = new Map<string, VolumeEntity>();
    private seq = 0;

    constructor(
        private readonly knobs: () => NeevCloudKnobs,
        private readonly now: () => number,
    ) {}

    /** Every volume (terminated ones still retained included), in creation order. */
    all(): VolumeEntity[] {
        this.sweep();
        return [...this.volumes.values()].sort((a, b) => a.seq - b.seq);
    }

    /** The project's volumes, in creation order. */
    list(orgId: string, projectId: string): VolumeEntity[] {
        return this.all().filter((v) => v.orgId === orgId && v.projectId === projectId);
    }

    /** A volume of the project (a retained `terminated` one included); `undefined` if unknown, purged or not a uuid. */
    find(orgId: string, projectId: string, id: string): VolumeEntity | undefined {
        if (!UUID_PATTERN.test(id)) return undefined;
        this.sweep();
        const v = this.volumes.get(id.toLowerCase());
        return v && v.orgId === orgId && v.projectId === projectId ? v : undefined;
    }

    /** `find`, else 404. */
    get(orgId: string, projectId: string, id: string): VolumeEntity {
        const v = this.find(orgId, projectId, id);
        if (!v) throw volumeNotFound(id);
        return v;
    }

    /** `POST …/volumes`: 201 `pending`, then `bound` (or `failed`) after `timeToBoundMs`. */
    create(orgId: string, projectId: string, input: CreateVolumeInput): VolumeEntity {
        this.sweep();
        const knobs = this.knobs();
        if (knobs.regions !== undefined && !knobs.regions.includes(input.regionId)) {
            throw invalid(`region ${JSON.stringify(input.regionId)} does not exist`, "regionID");
        }
        const taken = (name: string): boolean =>
            knobs.uniqueNames &&
            [...this.volumes.values()].some(
                (v) => v.orgId === orgId && v.projectId === projectId && v.status !== "terminated" && v.name === name,
            );
        let name = input.name;
        if (name !== undefined && taken(name)) {
            throw new NeevApiError(400, "ALREADY_EXISTS", `a network volume named ${JSON.stringify(name)} already exists in this project`, {
                field: "name",
            });
        }
        while (name === undefined || taken(name)) name = autoName();
        const now = this.now();
        const id = newUuid();
        const v: VolumeEntity = {
            seq: ++this.seq,
            orgId,
            projectId,
            id,
            name,
            regionId: input.regionId,
            volumeMode: input.volumeMode,
            ...(input.mountPath !== undefined ? { mountPath: input.mountPath } : {}),
            planId: knobs.planId,
            createdAt: now,
            sizeGb: input.sizeGb,
            status: "pending",
            airuntime: input.attachedTo.map((a) => ({ ...a })),
            // Instances named at create are mounted at once: they show in both lists.
            attachments: input.attachedTo.map((a) => ({
                id: newUuid(),
                resourceType: "airuntime",
                resourceId: a.instance_id,
                resourceName: a.instance_name,
                ...(input.mountPath !== undefined ? { mountPath: input.mountPath } : {}),
                status: "mounted" as const,
                createdAt: now,
            })),
            updatedAt: now,
            schedule: [{ at: now + knobs.timeToBoundMs, status: knobs.createOutcome }],
        };
        this.volumes.set(id, v);
        return v;
    }

    /** `POST …/{id}/extend`: `resizing` with the old size now; the new size (or `failed`) after `timeToExtendMs`. */
    extend(orgId: string, projectId: string, id: string, sizeGb: number): VolumeEntity {
        const v = this.get(orgId, projectId, id);
        if (v.status !== "bound") {
            throw new NeevApiError(
                400,
                "FAILED_PRECONDITION",
                `network volume ${v.id} cannot be extended in its current state (${v.status})`,
            );
        }
        if (v.extensionStatus === "resizing") {
            throw new NeevApiError(
                400,
                "FAILED_PRECONDITION",
                `network volume ${v.id} cannot be extended in its current state (an extension is in progress)`,
            );
        }
        if (sizeGb <= v.sizeGb) {
            throw invalid(`new size ${sizeGb} GB is not greater than the current size ${v.sizeGb} GB`, "sizeGB");
        }
        const now = this.now();
        const knobs = this.knobs();
        const ok = knobs.extendOutcome === "succeeded";
        v.extensionStatus = "resizing";
        v.actualSizeGb = v.sizeGb;
        v.updatedAt = now;
        this.schedule(v, { at: now + knobs.timeToExtendMs, extension: knobs.extendOutcome, ...(ok ? { sizeGb } : {}) });
        return v;
    }

    /** `DELETE …/{id}`: 400 while mounted; else gone, or `terminated` for `terminatedRetentionMs`. */
    delete(orgId: string, projectId: string, id: string): void {
        const v = this.get(orgId, projectId, id);
        if (v.purgeAt !== undefined) throw volumeNotFound(id);
        if (inUse(v)) {
            const holders = [
                ...v.attachments.filter((a) => a.status === "mounted").map((a) => `${a.resourceType} ${a.resourceName}`),
                ...v.airuntime
                    .filter((a) => !v.attachments.some((m) => m.resourceId === a.instance_id))
                    .map((a) => `airuntime ${a.instance_name}`),
            ];
            throw new NeevApiError(
                400,
                "VOLUME_IN_USE",
                `network volume ${v.id} cannot be deleted because it is in use by ${holders.join(", ")}`,
                { attachments: holders },
            );
        }
        this.terminate(v);
    }

    // ---- test hooks (throw plain Errors) ----

    /** Mount on a resource; returns the attachment id. */
    attach(orgId: string, projectId: string, id: string, options: NeevAttachOptions = {}): string {
        const v = this.hookFind(orgId, projectId, id);
        if (v.status === "terminated") throw new Error(`neevcloud emulator: volume ${id} is terminated`);
        const type = options.resourceType ?? "airuntime";
        const mountPath = options.mountPath ?? v.mountPath;
        const attachment: AttachmentEntity = {
            id: newUuid(),
            resourceType: type,
            resourceId: newUuid(),
            resourceName: options.resourceName ?? resourceName(type),
            ...(mountPath !== undefined ? { mountPath } : {}),
            status: options.status ?? "mounted",
            createdAt: this.now(),
        };
        v.attachments.push(attachment);
        v.updatedAt = this.now();
        return attachment.id;
    }

    /** Unmount everything. */
    detach(orgId: string, projectId: string, id: string): void {
        const v = this.hookFind(orgId, projectId, id);
        v.attachments = [];
        v.airuntime = [];
        v.updatedAt = this.now();
    }

    /** Force a status, cancelling the pending status step (a running extend still ends). */
    setStatus(orgId: string, projectId: string, id: string, status: NeevVolumeStatus): void {
        if (!NEEV_VOLUME_STATUSES.includes(status)) throw new Error(`neevcloud emulator: unknown status ${JSON.stringify(status)}`);
        const v = this.hookFind(orgId, projectId, id);
        v.schedule = v.schedule.filter((s) => s.status === undefined);
        v.status = status;
        if (status !== "terminated") v.purgeAt = undefined;
        v.updatedAt = this.now();
    }

    /** Out-of-band delete: unmounts, then deletes. */
    destroy(orgId: string, projectId: string, id: string): void {
        const v = this.hookFind(orgId, projectId, id);
        v.attachments = [];
        v.airuntime = [];
        this.terminate(v);
    }

    /** Forget everything. */
    reset(): void {
        this.volumes = new Map();
        this.seq = 0;
    }

    // ---- internals ----

    private terminate(v: VolumeEntity): void {
        const now = this.now();
        const retention = this.knobs().terminatedRetentionMs;
        if (retention <= 0) {
            this.volumes.delete(v.id);
            return;
        }
        v.status = "terminated";
        v.schedule = [];
        if (v.extensionStatus === "resizing") v.extensionStatus = "failed";
        v.purgeAt = now + retention;
        v.updatedAt = now;
    }

    private schedule(v: VolumeEntity, step: Step): void {
        v.schedule.push(step);
        v.schedule.sort((a, b) => a.at - b.at);
    }

    private hookFind(orgId: string, projectId: string, id: string): VolumeEntity {
        const v = this.find(orgId, projectId, id);
        if (!v) throw new Error(`neevcloud emulator: no volume ${id} in ${orgId}/${projectId}`);
        return v;
    }

    /** Apply due steps and purge volumes past their retention. */
    private sweep(): void {
        const now = this.now();
        for (const v of this.volumes.values()) {
            settle(v, now);
            if (v.purgeAt !== undefined && now >= v.purgeAt) this.volumes.delete(v.id);
        }
    }
}

/** Apply every step of `v` due at `now`. */
function settle(v: VolumeEntity, now: number): void {
    while (v.schedule.length > 0 && (v.schedule[0] as Step).at <= now) {
        const step = v.schedule.shift() as Step;
        if (step.status !== undefined) v.status = step.status;
        if (step.extension !== undefined) {
            v.extensionStatus = step.extension;
            if (step.sizeGb !== undefined) {
                v.sizeGb = step.sizeGb;
                v.actualSizeGb = step.sizeGb;
            }
        }
        v.updatedAt = Math.max(v.updatedAt, step.at);
    }
}
