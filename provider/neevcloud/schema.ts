import { z } from "zod";
import type { InputSpec } from "../core/check";
import { resolveSetting } from "../core/config";
import { pathSegment } from "../core/ids";
import { timeoutsSchema } from "../core/timeouts";
import { networkVolumeRules } from "./rules";
import { neevValues } from "./wire";

export const orgIdSetting = { configKey: "neevcloud:orgId", envVars: ["NEEVCLOUD_ORG_ID"] } as const;
export const projectIdSetting = { configKey: "neevcloud:projectId", envVars: ["NEEVCLOUD_PROJECT_ID"] } as const;

/**
 * Names are undocumented (neevcloud.md, Open questions); the volume is a Kubernetes PVC, so we
 * hold names to a DNS label: lowercase letters, digits and '-', 1 to 63, alphanumeric at both ends.
 */
export const neevNamePattern = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;

export const networkVolumeInputs = z.object({
    orgId: pathSegment("the organization id; set it, or `neevcloud:orgId`, or NEEVCLOUD_ORG_ID"),
    projectId: pathSegment("the project id; set it, or `neevcloud:projectId`, or NEEVCLOUD_PROJECT_ID"),
    // Every value the create request carries uses its validator from `neevValues` (wire.ts), so
    // check refuses whatever the request would; the extra rules here only narrow it.
    regionId: neevValues.regionId,
    sizeGb: neevValues.sizeGb,
    name: neevValues.name.regex(neevNamePattern, {
        error: "must be 1 to 63 lowercase letters, digits and '-', starting and ending with a letter or digit",
    }),
    volumeMode: neevValues.volumeMode.default("filesystem"),
    mountPath: neevValues.mountPath.startsWith("/", { error: "must be an absolute path such as /mnt/data" }).optional(),
    attachedTo: z
        .array(
            z.strictObject({
                instanceId: neevValues.instanceId,
                instanceName: neevValues.instanceName,
                instanceType: neevValues.instanceType,
            }),
        )
        .optional(),
    timeouts: timeoutsSchema,
});

export type NetworkVolumeInputs = z.infer<typeof networkVolumeInputs>;

/** orgId/projectId: the argument, else the stack config, else the environment. */
function resolveDefaults(news: Record<string, unknown>): Record<string, unknown> {
    const out = { ...news };
    if (out.orgId === undefined) out.orgId = resolveSetting(orgIdSetting);
    if (out.projectId === undefined) out.projectId = resolveSetting(projectIdSetting);
    return out;
}

export const networkVolumeSpec: InputSpec<typeof networkVolumeInputs.shape> = {
    schema: networkVolumeInputs,
    rules: networkVolumeRules,
    resolveDefaults,
};

/** The default name, from the Pulumi resource name: a DNS label. */
export function defaultNetworkVolumeName(resourceName: string): string {
    const name = resourceName
        .toLowerCase()
        .replace(/[^a-z0-9-]+/g, "-")
        .replace(/^-+|-+$/g, "")
        .slice(0, 63)
        .replace(/-+$/, "");
    return name || "volume";
}
