import { z } from "zod";
import { uuidPattern } from "../core/ids";
import { lenient, nonEmptyText, type OptionalUndefined } from "../core/schemas";

/**
 * NeevCloud Storage Service API v0.1.0 shapes, one zod schema per OpenAPI component
 * (tests/contract/neevcloud-network-volumes.openapi.json, normative); a contract test checks them
 * against the spec so they cannot drift.
 *
 * Strict on what we send, lenient on what we read. Requests are built from `networkVolumeValues`, the same
 * validators the inputs use at check, so whatever passes check is sent. Responses read every
 * field but `id` as optional and nullable (the spec is silent on null, and a 2xx create must never
 * lose its id to `planID: null`), and enums as lowercased strings (a PVC can be `Lost`; the spec's
 * own prose spells the bound state `'Bound'`).
 */
const lower = z.preprocess((v) => (typeof v === "string" ? v.toLowerCase() : v), z.string());

/** What the spec's enums say today; a response may carry others. */
export const volumeStatuses = ["pending", "bound", "failed", "terminated"] as const;
export const extensionStatuses = ["resizing", "succeeded", "failed"] as const;
export const volumeModes = ["filesystem", "block"] as const;

/**
 * The rule for each value we send, once: the request schemas below and the input schema
 * (schema.ts) are both built from these, so check refuses whatever the request would. The input
 * may add rules of its own (a DNS-label name, an absolute mount path); it never relaxes these.
 */
export const networkVolumeValues = {
    sizeGb: z
        .number({ error: "must be a whole number of GB from 1 to 1000" })
        .int({ error: "must be a whole number of GB from 1 to 1000" })
        .min(1, { error: "must be at least 1 GB" })
        .max(1000, { error: "must be at most 1000 GB (NeevCloud's limit)" }),
    /** Extend has no maximum in the spec. */
    extendSizeGb: z.number().int().min(1),
    regionId: nonEmptyText("a NeevCloud region id"),
    volumeMode: z.enum(volumeModes, { error: "must be 'filesystem' or 'block'" }),
    name: z.string({ error: "must be a string" }),
    mountPath: z.string({ error: "must be a string" }),
    instanceId: z.string({ error: "must be the AIRuntime instance's UUID" }).regex(uuidPattern, {
        error: "must be the AIRuntime instance's UUID",
    }),
    instanceName: nonEmptyText("the instance name"),
    instanceType: nonEmptyText("the instance type"),
};

/** `AttachedTo` (as read) */
export const wireAttachedTo = z.looseObject({
    instance_id: lenient(z.string()),
    instance_name: lenient(z.string()),
    instance_type: lenient(z.string()),
});

/** `VolumeAttachmentResponse` */
export const wireVolumeAttachment = z.looseObject({
    id: lenient(z.string()),
    volume_id: lenient(z.string()),
    resource_type: lenient(z.string()),
    resource_id: lenient(z.string()),
    resource_name: lenient(z.string()),
    mount_path: lenient(z.string()),
    status: lenient(lower),
    createdAt: lenient(z.string()),
});

/** `NetworkVolumeResponse`: only `id` is needed to track a volume; everything else may be missing or null. */
export const wireNetworkVolume = z.looseObject({
    id: z.string().min(1),
    name: lenient(z.string()),
    orgID: lenient(z.string()),
    projectID: lenient(z.string()),
    regionID: lenient(z.string()),
    sizeGB: lenient(z.number().int()),
    volumeMode: lenient(z.string()),
    planID: lenient(z.string()),
    status: lenient(lower),
    extension_status: lenient(lower),
    actual_sizeGB: lenient(z.number().int()),
    airuntime_instances: lenient(z.array(wireAttachedTo)),
    volumeAttachments: lenient(z.array(wireVolumeAttachment)),
    createdAt: lenient(z.string()),
    updatedAt: lenient(z.string()),
});
export type WireNetworkVolume = z.infer<typeof wireNetworkVolume>;

/** `ListNetworkVolumesPagination` */
export const wirePagination = z.looseObject({
    current_page: lenient(z.number().int()),
    items_per_page: lenient(z.number().int()),
    total_items: lenient(z.number().int()),
    total_pages: lenient(z.number().int()),
});

/**
 * `ListNetworkVolumesResponse`. The items are `NetworkVolumeResponse`, read one by one
 * (`parseItems`), so one unexpected volume does not make the whole list unreadable.
 */
export const wireListResponse = z.looseObject({
    volumes: lenient(z.array(z.unknown())),
    pagination: lenient(wirePagination),
});

/** `ErrorResponse` */
export const wireErrorResponse = z.looseObject({
    code: z.string(),
    message: z.string(),
    details: lenient(z.record(z.string(), z.unknown())),
});

/** `NetworkVolumeRequest` (what we send; strict, so a typo cannot reach the wire). */
export const wireCreateRequest = z.strictObject({
    name: networkVolumeValues.name.optional(),
    sizeGB: networkVolumeValues.sizeGb,
    regionID: networkVolumeValues.regionId,
    volumeMode: networkVolumeValues.volumeMode,
    mountPath: networkVolumeValues.mountPath.optional(),
    attachedTo: z
        .array(
            z.strictObject({
                instance_id: networkVolumeValues.instanceId,
                instance_name: networkVolumeValues.instanceName,
                instance_type: networkVolumeValues.instanceType,
            }),
        )
        .optional(),
});
export type WireCreateRequest = z.infer<typeof wireCreateRequest>;

/** `ExtendNetworkVolumeRequest` */
export const wireExtendRequest = z.strictObject({ sizeGB: networkVolumeValues.extendSizeGb });

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

/** The spec's `pending`, `bound`, `failed`, `terminated`, `unknown` when absent, or whatever else the cloud says. */
export type VolumeStatus = (typeof volumeStatuses)[number] | "unknown" | (string & {});
/** The spec's `resizing`, `succeeded`, `failed`, or whatever else the cloud says. */
export type ExtensionStatus = (typeof extensionStatuses)[number] | (string & {});

/**
 * A network volume in camelCase, the only shape the rest of the package sees; its type is this
 * function's result (`NetworkVolume`). Fields the cloud left out stay undefined; `status` is
 * `unknown` then (never ready, never gone).
 */
export function toNetworkVolume(w: WireNetworkVolume) {
    const status: VolumeStatus = w.status ?? "unknown";
    const extensionStatus: ExtensionStatus | undefined = w.extension_status;
    return {
        id: w.id,
        name: w.name,
        orgId: w.orgID,
        projectId: w.projectID,
        regionId: w.regionID,
        sizeGb: w.sizeGB,
        volumeMode: w.volumeMode,
        planId: w.planID,
        status,
        extensionStatus,
        actualSizeGb: w.actual_sizeGB,
        airuntimeInstances: (w.airuntime_instances ?? []).map((a): AttachedTo => ({
            instanceId: a.instance_id ?? "",
            instanceName: a.instance_name ?? "",
            instanceType: a.instance_type ?? "",
        })),
        volumeAttachments: (w.volumeAttachments ?? []).map((a): VolumeAttachment => ({
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
export type NetworkVolume = OptionalUndefined<ReturnType<typeof toNetworkVolume>>;
