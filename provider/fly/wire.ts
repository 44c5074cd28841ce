import { z } from "zod";
import { lenient, type OptionalUndefined } from "../core/schemas";

/**
 * Fly's wire shapes (Machines API, `/v1/apps/{app}/volumes`), read leniently: every field the
 * docs list is optional but `id`, unknown fields pass, and a field the cloud nulls is undefined.
 */
export const wireVolume = z.looseObject({
    id: z.string().min(1),
    name: lenient(z.string()),
    state: lenient(z.string()),
    size_gb: lenient(z.number()),
    region: lenient(z.string()),
    zone: lenient(z.string()),
    encrypted: lenient(z.boolean()),
    fstype: lenient(z.string()),
    attached_machine_id: lenient(z.string()),
    created_at: lenient(z.string()),
    snapshot_retention: lenient(z.number()),
    auto_backup_enabled: lenient(z.boolean()),
    block_size: lenient(z.number()),
    blocks: lenient(z.number()),
    blocks_free: lenient(z.number()),
    blocks_avail: lenient(z.number()),
    bytes_total: lenient(z.number()),
    bytes_used: lenient(z.number()),
    host_status: lenient(z.string()),
    type: lenient(z.string()),
});
export type WireVolume = z.infer<typeof wireVolume>;

/** Fly's OpenAPI and fly-go make `volume` optional: without it, the caller reads the volume. */
export const wireExtendResponse = z.looseObject({
    volume: lenient(z.unknown()),
    needs_restart: lenient(z.boolean()),
});

/** The list: fly-go decodes an empty list as `null`; the items are read one by one (`parseItems`). */
export const wireVolumeList = z.array(z.unknown()).nullable();

/** `{"error": "...", "status": "<code>", "message"?: "..."}`; fly-go prefers `message`. */
export const wireError = z.looseObject({
    error: lenient(z.string()),
    status: lenient(z.union([z.string(), z.number()])),
    message: lenient(z.string()),
});

/**
 * A Fly volume in camelCase, the only shape the rest of the package sees; its type is this
 * function's result (`FlyVolume`), so the fields are spelled here and in `wireVolume` only.
 * Fly's `type` is `volumeType`, the name the outputs give it.
 */
export function toFlyVolume(w: WireVolume) {
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
        volumeType: w.type,
    };
}
export type FlyVolume = OptionalUndefined<ReturnType<typeof toFlyVolume>>;

/** States in which the volume is gone or going: read drops it, delete is done. */
export const goneStates: ReadonlySet<string> = new Set([
    "scheduling_destroy",
    "fork_cleanup",
    "waiting_for_detach",
    "pending_destroy",
    "destroying",
    "destroyed",
]);
