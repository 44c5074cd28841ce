import { z } from "zod";
import { resolveSetting } from "../core/config";
import { pathSegment } from "../core/ids";
import type { Flat } from "../core/schemas";
import { accountSchema } from "../core/account";
import { timeoutsSchema } from "../core/timeouts";
import { networkVolumeValues, type NetworkVolume } from "./wire";

// Under a named account, its own org and project first, then the default ones.
export const neevcloudOrgIdSetting = { configKey: "neevcloud:orgId", envVars: ["NEEVCLOUD_ORG_ID"], perAccount: "first" } as const;
export const neevcloudProjectIdSetting = {
    configKey: "neevcloud:projectId",
    envVars: ["NEEVCLOUD_PROJECT_ID"],
    perAccount: "first",
} as const;

/**
 * Names are undocumented (docs/apis/neevcloud.md); the volume is a Kubernetes PVC, so we
 * hold names to a DNS label: lowercase letters, digits and '-', 1 to 63, alphanumeric at both ends.
 */
export const networkVolumeNamePattern = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;

export const networkVolumeInputs = z.object({
    orgId: pathSegment("the organization id; set it, or `neevcloud:orgId`, or NEEVCLOUD_ORG_ID"),
    projectId: pathSegment("the project id; set it, or `neevcloud:projectId`, or NEEVCLOUD_PROJECT_ID"),
    // Every value the create request carries uses its validator from `networkVolumeValues` (wire.ts), so
    // check refuses whatever the request would; the extra rules here only narrow it.
    regionId: networkVolumeValues.regionId,
    sizeGb: networkVolumeValues.sizeGb,
    name: networkVolumeValues.name.regex(networkVolumeNamePattern, {
        error: "must be 1 to 63 lowercase letters, digits and '-', starting and ending with a letter or digit",
    }),
    volumeMode: networkVolumeValues.volumeMode.default("filesystem"),
    mountPath: networkVolumeValues.mountPath.startsWith("/", { error: "must be an absolute path such as /mnt/data" }).optional(),
    attachedTo: z
        .array(
            z.strictObject({
                instanceId: networkVolumeValues.instanceId,
                instanceName: networkVolumeValues.instanceName,
                instanceType: networkVolumeValues.instanceType,
            }),
        )
        .optional(),
    timeouts: timeoutsSchema,
    account: accountSchema,
});

export type NetworkVolumeInputs = z.infer<typeof networkVolumeInputs>;

/**
 * What Pulumi stores and the `neevcloud.NetworkVolume` class exposes: the inputs, what NeevCloud
 * reports of the volume (its id as `volumeId`; a state from an older release may lack some).
 */
export type NetworkVolumeOutputs = Flat<
    NetworkVolumeInputs &
        Partial<Omit<NetworkVolume, keyof NetworkVolumeInputs | "id">> &
        Pick<NetworkVolume, "status"> & {
            volumeId: string;
            /**
             * The volume was seen `bound` at least once: it may hold data, so a later `failed` is never
             * replaced automatically (only a create that never became ready is).
             */
            readyOnce?: boolean;
        }
>;

/** orgId/projectId: the argument, else the stack config, else the environment. */
export function resolveNetworkVolumeDefaults(news: Record<string, unknown>): Record<string, unknown> {
    const out = { ...news };
    if (out.orgId === undefined) out.orgId = resolveSetting(neevcloudOrgIdSetting);
    if (out.projectId === undefined) out.projectId = resolveSetting(neevcloudProjectIdSetting);
    return out;
}

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
