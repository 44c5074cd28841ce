import { z } from "zod";
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
