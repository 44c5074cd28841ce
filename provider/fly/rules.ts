import type { InputSpec } from "../core/check";
import type { RulesFor } from "../core/rules";
import { flyVolumeCreateDefaults, flyVolumeCrossChecks, flyVolumeInputs, resolveFlyVolumeDefaults, type FlyVolumeOutputs } from "./schema";

/**
 * Which Fly field changes how (docs/apis/fly.md, "Errors and limits"): only `size_gb` (extend) and
 * `snapshot_retention`/`auto_backup_enabled` (PUT) change in place; everything else replaces.
 * The only place these decisions are made; tied to the outputs by type (a field without a rule,
 * or a rule without a field, does not compile).
 */
export const flyVolumeRules = {
    app: "replace",
    name: "replace",
    region: "replace",
    // A fork or restore may leave these to its source: undeclared is no change (schema.ts).
    encrypted: "replaceWhenSet",
    fstype: "replaceWhenSet",
    requireUniqueZone: "replaceWhenSet",
    uniqueZoneAppWide: "replaceWhenSet",
    snapshotId: "replace",
    sourceVolumeId: "replace",
    compute: "replace",
    computeImage: "replace",
    sizeGb: { grow: "GB" },
    snapshotRetention: "inPlace",
    autoBackupEnabled: "inPlace",
    timeouts: "stored",
    // Which credentials and endpoint: a change re-points later operations, nothing is sent.
    account: "stored",
    volumeId: "output",
    state: "output",
    zone: "output",
    attachedMachineId: "output",
    createdAt: "output",
    hostStatus: "output",
    volumeType: "output",
    blockSize: "output",
    blocks: "output",
    blocksFree: "output",
    blocksAvail: "output",
    bytesTotal: "output",
    bytesUsed: "output",
    needsRestart: "output",
} as const satisfies RulesFor<FlyVolumeOutputs>;

/** The inputs' schema, defaults and checks with this table: what check and diff read. */
export const flyVolumeSpec: InputSpec<typeof flyVolumeInputs.shape> = {
    schema: flyVolumeInputs,
    rules: flyVolumeRules,
    resolveDefaults: resolveFlyVolumeDefaults,
    defaults: flyVolumeCreateDefaults,
    crossChecks: flyVolumeCrossChecks,
};
