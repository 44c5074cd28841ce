import type { InputSpec } from "../core/check";
import type { RulesFor } from "../core/rules";
import { vm0VolumeInputsSchema, type Vm0VolumeOutputs } from "./schema";

/**
 * How each `vm0.Volume` field changes (docs/apis/vm0.md §1–§3). The only place these decisions are made.
 *
 * - `name` replaces: VM0 has no rename, and the name is the volume's key.
 * - The diff is by content: `sourceHash` (the fingerprint the check computes from the files' paths
 *   and SHA-256, never their times) is compared with the one stored in the outputs, so an update
 *   (a new version, or HEAD back to an old one) shows exactly when a file was added, removed or
 *   changed. `source`, the path, is no change by itself: the same files elsewhere are the same volume.
 * - `message` is no change by itself: versions are immutable and content-addressed, so a new
 *   message alone could not make a version; it goes with the next content change.
 * - An adopted volume (`vm0.Volume.get`) has no inputs: every field is what `refresh` reads.
 */
export const vm0VolumeRules = {
    timeouts: "stored",
    // Which credentials and endpoint: a change re-points later operations, nothing is sent.
    account: "stored",
    name: "replace",
    sourceHash: "inPlace",
    source: "ignore",
    message: "ignore",
    volumeId: "output",
    currentVersionId: "output",
    size: "output",
    fileCount: "output",
    createdAt: "output",
    updatedAt: "output",
} as const satisfies RulesFor<Vm0VolumeOutputs>;

/** The inputs' schema with this table: what check and diff read. */
export const vm0VolumeInputSpec: InputSpec<typeof vm0VolumeInputsSchema.shape> = {
    schema: vm0VolumeInputsSchema,
    rules: vm0VolumeRules,
};
