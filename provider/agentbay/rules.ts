import type { RulesFor } from "../core/rules";
import type { AgentBayVolumeOutputs } from "./provider";

/**
 * AgentBay has no update, rename or resize action (agentbay.md, Actions): the image and the name
 * replace; there is no size, so no shrink check. The only place these decisions are made.
 */
export const agentbayVolumeRules = {
    imageId: "replace",
    name: "replace",
    // Read only by a create (may it take a same-named volume that exists?): never a change by itself.
    adoptExisting: "ignore",
    timeouts: "stored",
    volumeId: "output",
    status: "output",
    belongingImageId: "output",
    createdAt: "output",
    listed: "output",
    adopted: "output",
} as const satisfies RulesFor<AgentBayVolumeOutputs>;
