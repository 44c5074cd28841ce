/** Store entities → Fly wire JSON. */
import type { VolumeEntity } from "./store";
import type { FlyExtendResponse, FlyVolume, FlyVolumeRecord } from "./types";

const blockSize = 4096;
const blocksPerGb = (1024 * 1024 * 1024) / blockSize;
/** ext4 metadata overhead and root reserve, as fractions of the blocks. */
const fsOverhead = 0.016;
const rootReserve = 0.05;

/** RFC 3339 in UTC with milliseconds. */
export function rfc3339(ms: number): string {
    return new Date(ms).toISOString();
}

/** A volume as the API returns it. */
export function toWireVolume(v: VolumeEntity): FlyVolume {
    return {
        id: v.id,
        name: v.name,
        state: v.state,
        size_gb: v.sizeGb,
        region: v.region,
        zone: v.zone,
        encrypted: v.encrypted,
        fstype: v.initialised ? v.fstype : "",
        attached_machine_id: v.attachedMachineId,
        attached_alloc_id: null,
        created_at: rfc3339(v.createdAt),
        snapshot_retention: v.snapshotRetention,
        auto_backup_enabled: v.autoBackupEnabled,
        host_dedication_id: "",
        host_status: "ok",
        type: "local",
        host_features: [],
        required_host_features: [],
        ...blockStats(v),
    };
}

/** The extend response: the volume with the size it grows to, even while reads still show the old one. */
export function toExtendResponse(v: VolumeEntity, needsRestart: boolean): FlyExtendResponse {
    return { volume: { ...toWireVolume(v), size_gb: v.extendingTo ?? v.sizeGb }, needs_restart: needsRestart };
}

/** An inventory record: the full wire volume plus its app. */
export function toRecord(v: VolumeEntity): FlyVolumeRecord {
    return { app: v.app, ...toWireVolume(v) };
}

/** Block stats: all zero until the filesystem is initialised. */
function blockStats(
    v: VolumeEntity,
): Required<Pick<FlyVolume, "block_size" | "blocks" | "blocks_free" | "blocks_avail" | "bytes_total" | "bytes_used">> {
    if (!v.initialised) {
        return { block_size: 0, blocks: 0, blocks_free: 0, blocks_avail: 0, bytes_total: 0, bytes_used: 0 };
    }
    const blocks = v.sizeGb * blocksPerGb;
    const used = Math.min(blocks, Math.ceil(blocks * fsOverhead) + Math.ceil(v.usedBytes / blockSize));
    const free = blocks - used;
    return {
        block_size: blockSize,
        blocks,
        blocks_free: free,
        blocks_avail: Math.max(0, free - Math.floor(blocks * rootReserve)),
        bytes_total: blocks * blockSize,
        bytes_used: used * blockSize,
    };
}
