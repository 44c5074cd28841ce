import type { InputSpec } from "../core/check";
import type { RulesFor } from "../core/rules";
import { networkVolumeInputs, resolveNetworkVolumeDefaults, type NetworkVolumeOutputs } from "./schema";

/**
 * NeevCloud has no update endpoint: only `sizeGB` changes in place (POST …/extend); every other
 * field replaces (docs/apis/neevcloud.md, "Semantics the code assumes"). The only place these decisions are made; tied to the
 * outputs by type (a field without a rule, or a rule without a field, does not compile).
 */
export const networkVolumeRules = {
    orgId: "replace",
    projectId: "replace",
    regionId: "replace",
    name: "replace",
    volumeMode: "replace",
    mountPath: "replace",
    attachedTo: "replace",
    sizeGb: { grow: "GB" },
    timeouts: "stored",
    // Which credentials and endpoint: a change re-points later operations, nothing is sent.
    account: "stored",
    volumeId: "output",
    status: "output",
    extensionStatus: "output",
    actualSizeGb: "output",
    planId: "output",
    airuntimeInstances: "output",
    volumeAttachments: "output",
    createdAt: "output",
    updatedAt: "output",
    readyOnce: "output",
} as const satisfies RulesFor<NetworkVolumeOutputs>;

/** The inputs' schema and defaults with this table: what check and diff read. */
export const networkVolumeSpec: InputSpec<typeof networkVolumeInputs.shape> = {
    schema: networkVolumeInputs,
    rules: networkVolumeRules,
    resolveDefaults: resolveNetworkVolumeDefaults,
};
