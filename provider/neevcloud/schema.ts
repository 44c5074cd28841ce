import { z } from "zod";
import type { InputSpec } from "../core/check";
import { resolveSetting } from "../core/config";
import { pathSegment } from "../core/ids";
import { timeoutsSchema } from "../core/timeouts";
import { networkVolumeRules } from "./rules";

export const orgIdSetting = { configKey: "neevcloud:orgId", envVars: ["NEEVCLOUD_ORG_ID"] } as const;
export const projectIdSetting = { configKey: "neevcloud:projectId", envVars: ["NEEVCLOUD_PROJECT_ID"] } as const;

/**
 * Names are undocumented (neevcloud.md, Open questions); the volume is a Kubernetes PVC, so we
 * hold names to a DNS label: lowercase letters, digits and '-', 1 to 63, alphanumeric at both ends.
 */
export const neevNamePattern = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;

const uuid = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

const text = (what: string) => z.string({ error: `must be ${what}` }).min(1, { error: `must be ${what}` });

export const networkVolumeInputs = z.object({
    orgId: pathSegment("the organization id; set it, or `neevcloud:orgId`, or NEEVCLOUD_ORG_ID"),
    projectId: pathSegment("the project id; set it, or `neevcloud:projectId`, or NEEVCLOUD_PROJECT_ID"),
    regionId: text("a NeevCloud region id"),
    sizeGb: z
        .number({ error: "must be a whole number of GB from 1 to 1000" })
        .int({ error: "must be a whole number of GB from 1 to 1000" })
        .min(1, { error: "must be at least 1 GB" })
        .max(1000, { error: "must be at most 1000 GB (NeevCloud's limit)" }),
    name: z.string({ error: "must be a string" }).regex(neevNamePattern, {
        error: "must be 1 to 63 lowercase letters, digits and '-', starting and ending with a letter or digit",
    }),
    volumeMode: z.enum(["filesystem", "block"], { error: "must be 'filesystem' or 'block'" }).default("filesystem"),
    mountPath: z.string().startsWith("/", { error: "must be an absolute path such as /mnt/data" }).optional(),
    attachedTo: z
        .array(
            z.strictObject({
                instanceId: z.string().regex(uuid, { error: "must be the AIRuntime instance's UUID" }),
                instanceName: text("the instance name"),
                instanceType: text("the instance type"),
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
    unit: "GB",
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
