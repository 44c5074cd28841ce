/**
 * NeevCloud Storage Service API (network volumes) types as they travel on the
 * wire, the NeevCloud emulator's knobs and its test hooks. Source:
 * docs/apis/neevcloud.md and its normative OpenAPI document. Casing is the
 * spec's own mix of camelCase and snake_case; keep it exactly.
 */
import type { RateLimit } from "../core/rateLimiter";

/** `NetworkVolumeResponse.status` ("PVC state: Pending=creating, Bound=ready, Failed=error"). */
export type NeevVolumeStatus = "pending" | "bound" | "failed" | "terminated";

/** Every status, for validation of `setStatus`. */
export const neevVolumeStatuses: readonly NeevVolumeStatus[] = ["pending", "bound", "failed", "terminated"];

/** `NetworkVolumeResponse.extension_status`: the latest extend, if any. */
export type NeevExtensionStatus = "resizing" | "succeeded" | "failed";

/** `NetworkVolumeRequest.volumeMode`. */
export type NeevVolumeMode = "filesystem" | "block";

/** `AttachedTo`: an AIRuntime instance. */
export interface NeevAttachedTo {
    /** uuid */
    instance_id: string;
    instance_name: string;
    instance_type: string;
}

/** `VolumeAttachmentResponse` (every field optional in the spec; the emulator sends them all but `mount_path` when unknown). */
export interface NeevVolumeAttachment {
    /** uuid */
    id: string;
    /** uuid */
    volume_id: string;
    /** "e.g. airuntime, vm" */
    resource_type: string;
    /** uuid */
    resource_id: string;
    resource_name: string;
    mount_path?: string;
    status: "mounted" | "unmounted";
    /** RFC 3339 */
    createdAt: string;
}

/** `NetworkVolumeResponse`. */
export interface NeevNetworkVolume {
    /** uuid */
    id: string;
    name: string;
    orgID: string;
    projectID: string;
    regionID: string;
    /** Provisioned size; during a resize it still shows the old size. */
    sizeGB: number;
    volumeMode: string;
    planID: string;
    status: NeevVolumeStatus;
    /** Absent until the first extend. */
    extension_status?: NeevExtensionStatus;
    /** Absent until the first extend; then the capacity last observed for it. */
    actual_sizeGB?: number;
    airuntime_instances: NeevAttachedTo[];
    volumeAttachments: NeevVolumeAttachment[];
    /** RFC 3339 */
    createdAt: string;
    /** RFC 3339 */
    updatedAt: string;
}

/** `ListNetworkVolumesPagination`. */
export interface NeevPagination {
    current_page: number;
    items_per_page: number;
    total_items: number;
    total_pages: number;
}

/** `ListNetworkVolumesResponse`. */
export interface NeevListResponse {
    volumes: NeevNetworkVolume[];
    pagination: NeevPagination;
}

/** `ErrorResponse`. `code` values are the emulator's choice (see errors.ts). */
export interface NeevErrorBody {
    code: string;
    message: string;
    details?: Record<string, unknown>;
}

/** Run-time knobs of the NeevCloud emulator. */
export interface NeevCloudKnobs {
    /** Time a new volume stays `pending` (ms). Default 500. */
    timeToBoundMs: number;
    /** Where `pending` leads (read when the volume is created). Default `"bound"`. */
    createOutcome: "bound" | "failed";
    /** Time an extend stays `resizing`; the new size shows only after it (ms). Default 500. */
    timeToExtendMs: number;
    /** How an extend ends (read when it is queued): `"succeeded"` (new size) or `"failed"` (size unchanged). Default `"succeeded"`. */
    extendOutcome: "succeeded" | "failed";
    /** After a delete, the volume reads `terminated` this long (read at the delete), then 404 (ms). Default 0: gone at once. */
    terminatedRetentionMs: number;
    /** Names unique per (org, project) among non-terminated volumes (a PVC name is unique per namespace). Default true. */
    uniqueNames: boolean;
    /** `planID` given to new volumes. Default `"plan-standard"`. */
    planId: string;
    /** When set, only these `regionID`s exist; another → 400. Default: any region. */
    regions?: string[];
    /** Token bucket per (org, project, action), or `false`. NeevCloud documents none: default `false`. */
    rateLimit: RateLimit | false;
    /** `Retry-After` seconds on a 429 (only with a rate limit). Default absent. */
    retryAfterOn429?: number;
}

/** Fresh default knobs. */
export function defaultNeevCloudKnobs(): NeevCloudKnobs {
    return {
        timeToBoundMs: 500,
        createOutcome: "bound",
        timeToExtendMs: 500,
        extendOutcome: "succeeded",
        terminatedRetentionMs: 0,
        uniqueNames: true,
        planId: "plan-standard",
        rateLimit: false,
    };
}

/** Options of {@link NeevCloudControl.attach}. */
export interface NeevAttachOptions {
    /** Default `"airuntime"`. */
    resourceType?: string;
    /** Default `<resourceType>-<8 hex>`. */
    resourceName?: string;
    /** Default: the volume's `mountPath`, else none. */
    mountPath?: string;
    /** Default `"mounted"`; an `unmounted` attachment does not block delete. */
    status?: "mounted" | "unmounted";
}

/**
 * Test hooks for the NeevCloud emulator: what NeevCloud or a workload does that
 * the volumes API cannot. They bypass auth, rate limits and faults, and throw an
 * `Error` for an unknown volume.
 */
export interface NeevCloudControl {
    /** Mount the volume on a resource (a `volumeAttachments` entry); returns the attachment id. */
    attach(orgId: string, projectId: string, volumeId: string, options?: NeevAttachOptions): string;
    /** Unmount everything: clears `volumeAttachments` and `airuntime_instances`. */
    detach(orgId: string, projectId: string, volumeId: string): void;
    /** Force a status; pending transitions (bound, extend) are cancelled. `terminated` here sticks until reset. */
    setStatus(orgId: string, projectId: string, volumeId: string, status: NeevVolumeStatus): void;
    /** Out-of-band delete, attachments or not: gone, or `terminated` for `terminatedRetentionMs`. */
    destroy(orgId: string, projectId: string, volumeId: string): void;
    /** Forget every volume and rate-limit bucket. */
    reset(): void;
}
