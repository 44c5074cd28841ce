import type { FieldRules } from "../core/rules";

/**
 * How each `vm0.Volume` field changes (vm0.md §1 and §3). VM0's public API is read-only and has no
 * rename or delete: an adopted volume has no inputs, only outputs that `pulumi refresh` reads back.
 * Publishing from a directory (issue 10) will add `source` (its content: a new version in place),
 * `message` (in place) and make `name` a `replace`. The only place these decisions are made.
 */
export const vm0VolumeRules = {
    timeouts: "stored",
    volumeId: "output",
    name: "output",
    currentVersionId: "output",
    size: "output",
    fileCount: "output",
    createdAt: "output",
    updatedAt: "output",
} as const satisfies FieldRules;
