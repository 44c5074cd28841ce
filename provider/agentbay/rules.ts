import type { InputSpec } from "../core/check";
import type { RulesFor } from "../core/rules";
import { agentbayVolumeInputs, type AgentBayVolumeOutputs } from "./schema";

/**
 * AgentBay has no update, rename or resize action (docs/apis/agentbay.md, Actions): the image and the name
 * replace; there is no size, so no shrink check. The only place these decisions are made.
 */
export const agentbayVolumeRules = {
    imageId: "replace",
    name: "replace",
    // Refused at check when true (schema.ts); false is never a change by itself.
    adoptExisting: "ignore",
    timeouts: "stored",
    // Which credentials and endpoint: a change re-points later operations, nothing is sent.
    account: "stored",
    volumeId: "output",
    status: "output",
    belongingImageId: "output",
    createdAt: "output",
    listed: "output",
    adopted: "output",
} as const satisfies RulesFor<AgentBayVolumeOutputs>;

/** The inputs' schema with this table: what check and diff read. */
export const agentbayVolumeSpec: InputSpec<typeof agentbayVolumeInputs.shape> = {
    schema: agentbayVolumeInputs,
    rules: agentbayVolumeRules,
};
