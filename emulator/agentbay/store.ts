/**
 * The AgentBay emulator's state: volumes, each belonging to an image; names are
 * unique per image (the scope `GetVolume`'s create-or-get implies). A volume made
 * through the API joins `ListVolumes` only after `listLagMs`, through the core's
 * {@link Transitions}, as the real list is eventually consistent.
 */
import { randomBytes } from "node:crypto";
import { Transitions } from "../core/transitions";
import type { AgentBayVolume } from "./types";

/** A volume as the store keeps it. */
export interface VolumeEntity {
    readonly seq: number;
    readonly id: string;
    readonly name: string;
    readonly imageId: string;
    readonly createdAt: number;
    /** Whether `ListVolumes` shows it yet. */
    listed: boolean;
    /** Session that mounts it. */
    mountedBy?: string;
}

/** What a `ListVolumes` filter holds. */
export interface ListFilter {
    readonly imageId: string;
    readonly volumeIds: readonly string[];
    readonly name?: string;
    /** Only volumes after this one (the page cursor). */
    readonly afterSeq: number;
}

const alnum = "0123456789abcdefghijklmnopqrstuvwxyz";

/** A volume id: `vol-` + 16 lowercase alphanumerics (the real format is unconfirmed). */
export function newVolumeId(): string {
    let out = "vol-";
    for (const byte of randomBytes(16)) out += alnum[byte % alnum.length];
    return out;
}

/** The in-memory AgentBay volume store. */
export class AgentBayStore {
    private volumes = new Map<string, VolumeEntity>();
    private readonly transitions = new Transitions<VolumeEntity>();
    private seq = 0;

    constructor(
        private readonly listLagMs: () => number,
        private readonly now: () => number,
    ) {}

    /** Every volume, listed or not, in creation order. */
    all(): VolumeEntity[] {
        this.transitions.settle(this.now());
        return [...this.volumes.values()].sort((a, b) => a.seq - b.seq);
    }

    /** The image's volume of that name, listed or not. */
    byName(imageId: string, name: string): VolumeEntity | undefined {
        return this.all().find((v) => v.imageId === imageId && v.name === name);
    }

    /** A volume by id. */
    byId(id: string): VolumeEntity | undefined {
        this.transitions.settle(this.now());
        return this.volumes.get(id);
    }

    /** Make a volume; through the API it is listed after `listLagMs`, out of band at once. */
    create(imageId: string, name: string, lagged: boolean): VolumeEntity {
        const now = this.now();
        const v: VolumeEntity = { seq: ++this.seq, id: newVolumeId(), name, imageId, createdAt: now, listed: !lagged };
        this.volumes.set(v.id, v);
        if (lagged) {
            this.transitions.schedule(v, now + this.listLagMs(), "list", (e) => {
                e.listed = true;
            });
            this.transitions.settle(now); // a 0 ms lag lists it at once
        }
        return v;
    }

    /** The listed volumes a `ListVolumes` filter selects, in creation order. */
    list(filter: ListFilter): VolumeEntity[] {
        return this.all().filter(
            (v) =>
                v.listed &&
                v.seq > filter.afterSeq &&
                v.imageId === filter.imageId &&
                (filter.volumeIds.length === 0 || filter.volumeIds.includes(v.id)) &&
                (filter.name === undefined || v.name === filter.name),
        );
    }

    /** Remove a volume. */
    delete(v: VolumeEntity): void {
        this.transitions.cancel(v);
        this.volumes.delete(v.id);
    }

    /** Forget everything. */
    reset(): void {
        this.volumes = new Map();
        this.transitions.clear();
        this.seq = 0;
    }
}

/** A volume as the API returns it. */
export function toWire(v: VolumeEntity): AgentBayVolume {
    return {
        VolumeId: v.id,
        VolumeName: v.name,
        Status: "Available",
        BelongingImageId: v.imageId,
        CreateTime: new Date(v.createdAt).toISOString().replace(/\.\d{3}Z$/, "Z"),
    };
}
