import type { FieldRules } from "../core/rules";

/**
 * NeevCloud has no update endpoint: only `sizeGB` changes in place (POST …/extend); every other
 * field replaces (neevcloud.md, Semantics). The only place these decisions are made.
 */
export const networkVolumeRules = {
    orgId: "replace",
    projectId: "replace",
    regionId: "replace",
    name: "replace",
    volumeMode: "replace",
    mountPath: "replace",
    attachedTo: "replace",
    sizeGb: { grow: "GB" },
    timeouts: "stored",
    volumeId: "output",
    status: "output",
    extensionStatus: "output",
    actualSizeGb: "output",
    planId: "output",
    airuntimeInstances: "output",
    volumeAttachments: "output",
    createdAt: "output",
    updatedAt: "output",
} as const satisfies FieldRules;
