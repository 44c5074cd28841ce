import { z } from "zod";
import type { Flat } from "../core/schemas";
import { accountSchema } from "../core/account";
import { timeoutsSchema } from "../core/timeouts";
import { idProblem, minVersionPrefix, type Vm0Volume } from "./wire";

/** A VM0 volume id as a check sees it: opaque, non-empty and safe in a URL path. */
export const vm0IdSchema = z.string({ error: "must be a string" }).superRefine((id, ctx) => {
    const problem = idProblem(id);
    if (problem) ctx.addIssue({ code: "custom", message: problem });
});

/** A version id, whole or as a prefix of at least 8 characters. */
export const vm0VersionSchema = vm0IdSchema.refine((v) => v.length >= minVersionPrefix, {
    error: `must be the whole version id or a prefix of at least ${minVersionPrefix} characters`,
});

/** VM0's name rule (the CLI's `isValidStorageName`): 3–64 of `[a-z0-9-]`, alphanumeric at both ends, no `--`. */
export const vm0NameSchema = z
    .string({ error: "must be a string" })
    .regex(/^[a-z0-9][a-z0-9-]{1,62}[a-z0-9]$/, {
        error: "must be 3–64 lowercase letters, digits and hyphens, starting and ending with a letter or digit",
    })
    .refine((n) => !n.includes("--"), { error: "must not contain '--'" });

/** A commit message: VM0 stores it with the version (bounded here so a request is never refused for it). */
export const vm0MessageSchema = z.string({ error: "must be a string" }).max(1000, { error: "must be at most 1000 characters" });

/** What `source` may be: the host hands the provider a FileArchive's `path`; other archives have none. */
const notADirectory =
    "must be a directory: its path, or a pulumi.asset.FileArchive of it " +
    "(an AssetArchive, a RemoteArchive or an archive file is not published)";

/**
 * Inputs of a published `vm0.Volume`. `source` is a directory path (resolved by the
 * class in the program's process); `name` is filled by the class from the resource name when not
 * given; `sourceHash` is never declared: the check computes it from the directory's content.
 */
export const vm0VolumeInputsSchema = z.object({
    // Required by the check, which refuses a volume without it first (`vm0NotCreatable`); optional
    // here because an adopted volume's state has none, and the outputs hold the inputs' fields.
    source: z.string({ error: notADirectory }).min(1, { error: notADirectory }).optional(),
    name: vm0NameSchema,
    message: vm0MessageSchema.optional(),
    sourceHash: z.string().optional(),
    timeouts: timeoutsSchema,
    account: accountSchema,
});

export type Vm0VolumeInputs = z.infer<typeof vm0VolumeInputsSchema>;

/**
 * What Pulumi stores and `vm0.Volume` exposes: the inputs (`sourceHash` only while HEAD is the
 * version Pulumi published) and what VM0 reports of the volume, its id as `volumeId`. An adopted
 * volume (`vm0.Volume.get`) has only what VM0 reports.
 */
export type Vm0VolumeOutputs = Flat<
    Vm0VolumeInputs &
        Omit<Vm0Volume, keyof Vm0VolumeInputs | "id"> & { /** VM0's volume id (a UUID in production; opaque). */ volumeId: string }
>;

/** VM0's name rule (the CLI's `isValidStorageName`). */
export const vm0Name = /^[a-z0-9][a-z0-9-]{1,62}[a-z0-9]$/;

export function isValidVm0Name(name: string): boolean {
    return vm0Name.test(name) && !name.includes("--");
}

/**
 * A valid VM0 name from a Pulumi resource name: lowercased, every run of other characters one
 * `-`, trimmed to 64, padded to 3 (`vol`) when too short.
 */
export function defaultVm0VolumeName(resourceName: string): string {
    let name = resourceName
        .toLowerCase()
        .replace(/[^a-z0-9]+/g, "-")
        .replace(/^-+|-+$/g, "")
        .slice(0, 64)
        .replace(/-+$/, "");
    if (name.length < 3) name = name ? `${name}-vol` : "volume";
    return name;
}
