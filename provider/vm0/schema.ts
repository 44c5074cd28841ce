import { z } from "zod";
import { timeoutsSchema } from "../core/timeouts";
import { idProblem, MIN_VERSION_PREFIX } from "./ids";

/** A VM0 volume id as a check sees it: opaque, non-empty and safe in a URL path. */
export const vm0IdSchema = z.string({ error: "must be a string" }).superRefine((id, ctx) => {
    const problem = idProblem(id);
    if (problem) ctx.addIssue({ code: "custom", message: problem });
});

/** A version id, whole or as a prefix of at least 8 characters. */
export const vm0VersionSchema = vm0IdSchema.refine((v) => v.length >= MIN_VERSION_PREFIX, {
    error: `must be the whole version id or a prefix of at least ${MIN_VERSION_PREFIX} characters`,
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
    "must be a directory: its path, or a pulumi.asset.FileArchive of it (an AssetArchive, a RemoteArchive or an archive file is not published)";

/**
 * Inputs of a published `vm0.Volume` (issue 10). `source` is a directory path (resolved by the
 * class in the program's process); `name` is filled by the class from the resource name when not
 * given; `sourceHash` is never declared: the check computes it from the directory's content.
 */
export const vm0VolumeInputsSchema = z.object({
    source: z.string({ error: notADirectory }).min(1, { error: notADirectory }),
    name: vm0NameSchema,
    message: vm0MessageSchema.optional(),
    sourceHash: z.string().optional(),
    timeouts: timeoutsSchema,
});

export type Vm0VolumeInputs = z.infer<typeof vm0VolumeInputsSchema>;
