import { z } from "zod";

/**
 * NeevCloud Storage Service API v0.1.0 shapes, one zod schema per OpenAPI component
 * (shared/apis/neevcloud-network-volumes.openapi.json, normative). Required fields are those the
 * spec requires; a contract test checks these schemas against the spec so they cannot drift.
 * Enums are read case-insensitively: the spec's own prose spells the bound state `'Bound'`.
 */
const lowerEnum = <T extends readonly [string, ...string[]]>(values: T) =>
    z.preprocess((v) => (typeof v === "string" ? v.toLowerCase() : v), z.enum(values));
const opt = <T extends z.ZodType>(t: T) => t.nullish().transform((v) => v ?? undefined);

export const volumeStatuses = ["pending", "bound", "failed", "terminated"] as const;
export const extensionStatuses = ["resizing", "succeeded", "failed"] as const;
export const volumeModes = ["filesystem", "block"] as const;

/** `AttachedTo` */
export const wireAttachedTo = z.looseObject({
    instance_id: z.string(),
    instance_name: z.string(),
    instance_type: z.string(),
});

/** `VolumeAttachmentResponse` */
export const wireVolumeAttachment = z.looseObject({
    id: opt(z.string()),
    volume_id: opt(z.string()),
    resource_type: opt(z.string()),
    resource_id: opt(z.string()),
    resource_name: opt(z.string()),
    mount_path: opt(z.string()),
    status: opt(lowerEnum(["mounted", "unmounted"])),
    createdAt: opt(z.string()),
});

/** `NetworkVolumeResponse` */
export const wireNetworkVolume = z.looseObject({
    id: z.string(),
    name: z.string(),
    orgID: z.string(),
    projectID: z.string(),
    regionID: z.string(),
    sizeGB: z.number().int(),
    volumeMode: z.string(),
    planID: z.string(),
    status: lowerEnum(volumeStatuses),
    extension_status: opt(lowerEnum(extensionStatuses)),
    actual_sizeGB: opt(z.number().int()),
    airuntime_instances: opt(z.array(wireAttachedTo)),
    volumeAttachments: opt(z.array(wireVolumeAttachment)),
    createdAt: opt(z.string()),
    updatedAt: opt(z.string()),
});
export type WireNetworkVolume = z.infer<typeof wireNetworkVolume>;

/** `ListNetworkVolumesPagination` */
export const wirePagination = z.looseObject({
    current_page: opt(z.number().int()),
    items_per_page: opt(z.number().int()),
    total_items: opt(z.number().int()),
    total_pages: opt(z.number().int()),
});

/** `ListNetworkVolumesResponse` */
export const wireListResponse = z.looseObject({
    volumes: opt(z.array(wireNetworkVolume)),
    pagination: opt(wirePagination),
});

/** `ErrorResponse` */
export const wireErrorResponse = z.looseObject({
    code: z.string(),
    message: z.string(),
    details: opt(z.record(z.string(), z.unknown())),
});

/** `NetworkVolumeRequest` (what we send; strict, so a typo cannot reach the wire). */
export const wireCreateRequest = z.strictObject({
    name: z.string().optional(),
    sizeGB: z.number().int().min(1).max(1000),
    regionID: z.string(),
    volumeMode: z.enum(volumeModes),
    mountPath: z.string().optional(),
    attachedTo: z.array(z.strictObject({ instance_id: z.uuid(), instance_name: z.string(), instance_type: z.string() })).optional(),
});
export type WireCreateRequest = z.infer<typeof wireCreateRequest>;

/** `ExtendNetworkVolumeRequest` */
export const wireExtendRequest = z.strictObject({ sizeGB: z.number().int().min(1) });

/** An AIRuntime instance a volume is attached to. */
export interface AttachedTo {
    /** The instance's UUID. */
    instanceId: string;
    /** The instance's name. */
    instanceName: string;
    /** The instance's type. */
    instanceType: string;
}

/** A mount of the volume, as NeevCloud reports it. */
export interface VolumeAttachment {
    /** Attachment id. */
    id?: string;
    /** What mounts it: `airuntime`, `vm`, … */
    resourceType?: string;
    /** The mounting resource's id. */
    resourceId?: string;
    /** The mounting resource's name. */
    resourceName?: string;
    /** Where it is mounted. */
    mountPath?: string;
    /** `mounted` or `unmounted`. */
    status?: string;
    /** When the attachment was made. */
    createdAt?: string;
}

/** A network volume in camelCase, the only shape the rest of the package sees. */
export interface NetworkVolume {
    id: string;
    name: string;
    orgId: string;
    projectId: string;
    regionId: string;
    sizeGb: number;
    volumeMode: string;
    planId: string;
    status: (typeof volumeStatuses)[number];
    extensionStatus?: (typeof extensionStatuses)[number];
    actualSizeGb?: number;
    airuntimeInstances: AttachedTo[];
    volumeAttachments: VolumeAttachment[];
    createdAt?: string;
    updatedAt?: string;
}

export function toNetworkVolume(w: WireNetworkVolume): NetworkVolume {
    return {
        id: w.id,
        name: w.name,
        orgId: w.orgID,
        projectId: w.projectID,
        regionId: w.regionID,
        sizeGb: w.sizeGB,
        volumeMode: w.volumeMode,
        planId: w.planID,
        status: w.status,
        extensionStatus: w.extension_status,
        actualSizeGb: w.actual_sizeGB,
        airuntimeInstances: (w.airuntime_instances ?? []).map((a) => ({
            instanceId: a.instance_id,
            instanceName: a.instance_name,
            instanceType: a.instance_type,
        })),
        volumeAttachments: (w.volumeAttachments ?? []).map((a) => ({
            id: a.id,
            resourceType: a.resource_type,
            resourceId: a.resource_id,
            resourceName: a.resource_name,
            mountPath: a.mount_path,
            status: a.status,
            createdAt: a.createdAt,
        })),
        createdAt: w.createdAt,
        updatedAt: w.updatedAt,
    };
}
