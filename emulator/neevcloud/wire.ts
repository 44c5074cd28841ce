/** Store entities → NeevCloud wire JSON (`NetworkVolumeResponse`, `ListNetworkVolumesResponse`). */
import type { VolumeEntity } from "./store";
import type { NeevListResponse, NeevNetworkVolume } from "./types";
import type { ListQuery } from "./validate";

/** RFC 3339 in UTC with milliseconds (the spec's `format: date-time`). */
export function rfc3339(ms: number): string {
    return new Date(ms).toISOString();
}

/** A volume as the API returns it. `extension_status`/`actual_sizeGB` appear with the first extend. */
export function toWireVolume(v: VolumeEntity): NeevNetworkVolume {
    return {
        id: v.id,
        name: v.name,
        orgID: v.orgId,
        projectID: v.projectId,
        regionID: v.regionId,
        sizeGB: v.sizeGb,
        volumeMode: v.volumeMode,
        planID: v.planId,
        status: v.status,
        ...(v.extensionStatus !== undefined ? { extension_status: v.extensionStatus } : {}),
        ...(v.actualSizeGb !== undefined ? { actual_sizeGB: v.actualSizeGb } : {}),
        airuntime_instances: v.airuntime.map((a) => ({ ...a })),
        volumeAttachments: v.attachments.map((a) => ({
            id: a.id,
            volume_id: v.id,
            resource_type: a.resourceType,
            resource_id: a.resourceId,
            resource_name: a.resourceName,
            ...(a.mountPath !== undefined ? { mount_path: a.mountPath } : {}),
            status: a.status,
            createdAt: rfc3339(a.createdAt),
        })),
        createdAt: rfc3339(v.createdAt),
        updatedAt: rfc3339(v.updatedAt),
    };
}

/**
 * One page of the project's volumes in creation order. `total_pages` is
 * `ceil(total_items / limit)` (0 for an empty project); a page past the last
 * is 200 with no volumes and the true totals.
 */
export function toListPage(volumes: readonly VolumeEntity[], query: ListQuery): NeevListResponse {
    const matching = query.available ? volumes.filter((v) => v.status === "bound") : volumes;
    const start = (query.page - 1) * query.limit;
    return {
        volumes: matching.slice(start, start + query.limit).map(toWireVolume),
        pagination: {
            current_page: query.page,
            items_per_page: query.limit,
            total_items: matching.length,
            total_pages: Math.ceil(matching.length / query.limit),
        },
    };
}
