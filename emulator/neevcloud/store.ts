/**
 * The NeevCloud emulator's state: network volumes per (org, project). State
 * advances lazily through the core's {@link Transitions} (pending → bound/failed,
 * resizing → succeeded/failed, the purge of a terminated volume), applied
 * whenever the store is read, so no timers run.
 */
import { Transitions } from "../core/transitions";
import { invalid, NeevApiError, volumeNotFound } from "./errors";
import { autoName, newUuid, resourceName, uuidPattern } from "./ids";
import {
    neevVolumeStatuses,
    type NeevAttachedTo,
    type NeevAttachOptions,
    type NeevCloudKnobs,
    type NeevExtensionStatus,
    type NeevVolumeMode,
    type NeevVolumeStatus,
} from "./types";
import type { CreateVolumeInput } from "./validate";

/** Kinds of scheduled change. */
const statusTransition = "status";
const extendTransition = "extend";
const purgeTransition = "purge";

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
}

/** Whether anything still mounts the volume (delete refuses then). */
export function inUse(v: VolumeEntity): boolean {
    return v.airuntime.length > 0 || v.attachments.some((a) => a.status === "mounted");
}

/** The in-memory NeevCloud volume store. */
export class NeevStore {
    private volumes = new Map<string, VolumeEntity>();
    private readonly transitions = new Transitions<VolumeEntity>();
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
        if (!uuidPattern.test(id)) return undefined;
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
        };
        this.volumes.set(id, v);
        const outcome = knobs.createOutcome;
        this.transitions.schedule(v, now + knobs.timeToBoundMs, statusTransition, (e, at) => {
            e.status = outcome;
            e.updatedAt = at;
        });
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
        const outcome = knobs.extendOutcome;
        this.transitions.schedule(v, now + knobs.timeToExtendMs, extendTransition, (e, at) => {
            e.extensionStatus = outcome;
            if (ok) {
                e.sizeGb = sizeGb;
                e.actualSizeGb = sizeGb;
            }
            e.updatedAt = at;
        });
        return v;
    }

    /** `DELETE …/{id}`: 400 while mounted; else gone, or `terminated` for `terminatedRetentionMs`. */
    delete(orgId: string, projectId: string, id: string): void {
        const v = this.get(orgId, projectId, id);
        if (v.status === "terminated" && this.transitions.has(v, purgeTransition)) throw volumeNotFound(id);
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
        if (!neevVolumeStatuses.includes(status)) throw new Error(`neevcloud emulator: unknown status ${JSON.stringify(status)}`);
        const v = this.hookFind(orgId, projectId, id);
        this.transitions.cancel(v, [statusTransition]);
        v.status = status;
        if (status !== "terminated") this.transitions.cancel(v, [purgeTransition]);
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
        this.transitions.clear();
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
        this.transitions.cancel(v);
        if (v.extensionStatus === "resizing") v.extensionStatus = "failed";
        v.updatedAt = now;
        this.transitions.schedule(v, now + retention, purgeTransition, (e) => {
            this.volumes.delete(e.id);
        });
    }

    private hookFind(orgId: string, projectId: string, id: string): VolumeEntity {
        const v = this.find(orgId, projectId, id);
        if (!v) throw new Error(`neevcloud emulator: no volume ${id} in ${orgId}/${projectId}`);
        return v;
    }

    /** Apply the changes due by now. */
    private sweep(): void {
        this.transitions.settle(this.now());
    }
}
