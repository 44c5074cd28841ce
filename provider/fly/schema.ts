import { z } from "zod";
import type { CheckFailure } from "../core/check";
import { pathSegment } from "../core/ids";
import { nonEmptyText, type Flat } from "../core/schemas";
import { accountSchema } from "../core/account";
import { timeoutsSchema } from "../core/timeouts";
import type { FlyVolume } from "./wire";

/** Fly's volume name rule: lowercase letters, digits and `_`, at most 30 (docs/apis/fly.md, "Errors and limits"). */
export const flyVolumeNamePattern = /^[a-z0-9_]{1,30}$/;

export const flyVolumeInputs = z.object({
    app: pathSegment("the Fly app name").regex(/^[a-z0-9][a-z0-9-]*$/, {
        error: "must be a Fly app name: lowercase letters, digits and '-'",
    }),
    region: nonEmptyText("a Fly region code such as 'iad'").regex(/^[a-z]{3}$/, {
        error: "must be a three-letter Fly region code such as 'iad' or 'ams' (meta-regions are refused by Fly)",
    }),
    sizeGb: z
        .number({ error: "must be a whole number of GB from 1 to 500" })
        .int({ error: "must be a whole number of GB from 1 to 500" })
        .min(1, { error: "must be at least 1 GB" })
        .max(500, { error: "must be at most 500 GB (Fly's largest volume)" }),
    name: z.string({ error: "must be a string" }).regex(flyVolumeNamePattern, {
        error: "must be 1 to 30 characters of lowercase letters, digits and '_' (Fly's rule)",
    }),
    // Defaults (`flyVolumeCreateDefaults`) are filled at check only for a new, empty volume: a fork or a
    // restore takes these from its source, so an undeclared one is neither sent nor diffed.
    encrypted: z.boolean({ error: "must be true or false" }).optional(),
    fstype: z.enum(["ext4", "raw"], { error: "must be 'ext4' or 'raw'" }).optional(),
    requireUniqueZone: z.boolean({ error: "must be true or false" }).optional(),
    uniqueZoneAppWide: z.boolean({ error: "must be true or false" }).optional(),
    snapshotId: nonEmptyText("a snapshot id").optional(),
    sourceVolumeId: nonEmptyText("a volume id").optional(),
    snapshotRetention: z
        .number({ error: "must be a whole number of days from 1 to 60" })
        .int({ error: "must be a whole number of days from 1 to 60" })
        .min(1, { error: "must be at least 1 day" })
        .max(60, { error: "must be at most 60 days" })
        .optional(),
    autoBackupEnabled: z.boolean({ error: "must be true or false" }).optional(),
    compute: z
        .strictObject({
            cpuKind: z.string().optional(),
            cpus: z.number().int().positive().optional(),
            memoryMb: z.number().int().positive().optional(),
            gpuKind: z.string().optional(),
            gpus: z.number().int().nonnegative().optional(),
        })
        .optional(),
    computeImage: nonEmptyText("an image reference").optional(),
    timeouts: timeoutsSchema,
    account: accountSchema,
});

export type FlyVolumeInputs = z.infer<typeof flyVolumeInputs>;

/**
 * What Pulumi stores and the `fly.Volume` class exposes: the inputs, what Fly reports of the volume
 * (its id as `volumeId`), and whether the last extend needs a Machine restart.
 */
export type FlyVolumeOutputs = Flat<
    FlyVolumeInputs & Omit<FlyVolume, keyof FlyVolumeInputs | "id"> & { volumeId: string; needsRestart?: boolean }
>;

export function flyVolumeCrossChecks(inputs: Partial<FlyVolumeInputs>): CheckFailure[] {
    if (inputs.snapshotId && inputs.sourceVolumeId) {
        return [
            {
                property: "sourceVolumeId",
                reason: "only one of `snapshotId` (restore) or `sourceVolumeId` (fork) can be set",
            },
        ];
    }
    return [];
}

/** Fly's defaults for a new, empty volume (docs/apis/fly.md, Fields), made explicit so a later explicit default is no change. */
export const flyVolumeCreateDefaults = { encrypted: true, fstype: "ext4", requireUniqueZone: true, uniqueZoneAppWide: false } as const;

/** Whether the volume is a fork or a restore: declared (or unknown at preview) `sourceVolumeId` or `snapshotId`. */
export function fromSource(inputs: { snapshotId?: unknown; sourceVolumeId?: unknown }): boolean {
    return inputs.snapshotId !== undefined || inputs.sourceVolumeId !== undefined;
}

/**
 * Fills `flyVolumeCreateDefaults` for what a new, empty volume leaves undeclared. A fork or a restore
 * gets none: Fly fills them from the source, and the outputs show what it reports.
 */
export function resolveFlyVolumeDefaults(news: Record<string, unknown>): Record<string, unknown> {
    if (fromSource(news)) return news;
    const out = { ...news };
    for (const [k, v] of Object.entries(flyVolumeCreateDefaults)) if (out[k] === undefined) out[k] = v;
    return out;
}

/**
 * The default volume name, from the Pulumi resource name: lowercased, every other character `_`,
 * cut to 30. (Peers that used `-` produced names Fly refuses.)
 */
export function defaultFlyVolumeName(resourceName: string): string {
    const name = resourceName
        .toLowerCase()
        .replace(/[^a-z0-9_]/g, "_")
        .slice(0, 30);
    return name || "volume";
}
