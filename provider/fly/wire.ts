import { z } from "zod";

/**
 * Fly's wire shapes (Machines API, `/v1/apps/{app}/volumes`), read leniently: every field the
 * docs list is optional but `id`, unknown fields pass, and a field the cloud nulls is undefined.
 */
const opt = <T extends z.ZodType>(t: T) => t.nullish().transform((v) => v ?? undefined);

export const wireVolume = z.looseObject({
    id: z.string().min(1),
    name: opt(z.string()),
    state: opt(z.string()),
    size_gb: opt(z.number()),
    region: opt(z.string()),
    zone: opt(z.string()),
    encrypted: opt(z.boolean()),
    fstype: opt(z.string()),
    attached_machine_id: opt(z.string()),
    created_at: opt(z.string()),
    snapshot_retention: opt(z.number()),
    auto_backup_enabled: opt(z.boolean()),
    block_size: opt(z.number()),
    blocks: opt(z.number()),
    blocks_free: opt(z.number()),
    blocks_avail: opt(z.number()),
    bytes_total: opt(z.number()),
    bytes_used: opt(z.number()),
    host_status: opt(z.string()),
    type: opt(z.string()),
});
export type WireVolume = z.infer<typeof wireVolume>;

/** Fly's OpenAPI and fly-go make `volume` optional: without it, the caller reads the volume. */
export const wireExtendResponse = z.looseObject({
    volume: opt(z.unknown()),
    needs_restart: opt(z.boolean()),
});

/** The list: fly-go decodes an empty list as `null`; the items are read one by one (`parseItems`). */
export const wireVolumeList = z.array(z.unknown()).nullable();

/** `{"error": "...", "status": "<code>", "message"?: "..."}`; fly-go prefers `message`. */
export const wireError = z.looseObject({
    error: opt(z.string()),
    status: opt(z.union([z.string(), z.number()])),
    message: opt(z.string()),
});

/** A Fly volume in camelCase, the only shape the rest of the package sees. */
export interface FlyVolume {
    id: string;
    name?: string;
    state: string;
    sizeGb?: number;
    region?: string;
    zone?: string;
    encrypted?: boolean;
    fstype?: string;
    attachedMachineId?: string;
    createdAt?: string;
    snapshotRetention?: number;
    autoBackupEnabled?: boolean;
    blockSize?: number;
    blocks?: number;
    blocksFree?: number;
    blocksAvail?: number;
    bytesTotal?: number;
    bytesUsed?: number;
    hostStatus?: string;
    type?: string;
}

export function toFlyVolume(w: WireVolume): FlyVolume {
    return {
        id: w.id,
        name: w.name,
        state: w.state ?? "unknown",
        sizeGb: w.size_gb,
        region: w.region,
        zone: w.zone,
        encrypted: w.encrypted,
        fstype: w.fstype || undefined,
        attachedMachineId: w.attached_machine_id || undefined,
        createdAt: w.created_at,
        snapshotRetention: w.snapshot_retention,
        autoBackupEnabled: w.auto_backup_enabled,
        blockSize: w.block_size,
        blocks: w.blocks,
        blocksFree: w.blocks_free,
        blocksAvail: w.blocks_avail,
        bytesTotal: w.bytes_total,
        bytesUsed: w.bytes_used,
        hostStatus: w.host_status,
        type: w.type,
    };
}

/** States in which the volume is gone or going: read drops it, delete is done. */
export const goneStates: ReadonlySet<string> = new Set([
    "scheduling_destroy",
    "fork_cleanup",
    "waiting_for_detach",
    "pending_destroy",
    "destroying",
    "destroyed",
]);
