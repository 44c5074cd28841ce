import { z } from "zod";
import { pathSegment } from "../core/ids";
import { accountSchema } from "../core/account";
import { timeoutsSchema } from "../core/timeouts";

/**
 * AgentBay's name rule is undocumented (docs/apis/agentbay.md). We hold names to what every
 * plausible rule accepts and what the emulator takes: 1 to 64 letters, digits, '-' and '_',
 * starting with a letter or digit. Nothing of it is sent in a URL path, but it is compared exactly
 * (client-side) before every create, so no trimming or case folding happens anywhere.
 */
export const agentbayNamePattern = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;

/** Why `adoptExisting: true` is refused, and how to adopt instead. */
export const adoptExistingRefused =
    "is no longer accepted: it took whatever volume had this name, which may be one another resource or another stack holds " +
    "(destroying either would delete the other's data). Adopt a volume by its id instead, with the `import` resource option: " +
    'new agentbay.Volume("<resource>", { imageId, name }, { import: "<imageId>/<volumeId>" }) (agentbay.getVolumes({ imageId, name }) ' +
    "finds the id); then remove adoptExisting";

export const agentbayVolumeInputs = z.object({
    // Part of the Pulumi id `<imageId>/<volumeId>`: no '/', whitespace, '.' or '..'.
    imageId: pathSegment("the AgentBay image id the volume belongs to, such as 'imgc-0a1b2c3d'"),
    name: z.string({ error: "must be a string" }).regex(agentbayNamePattern, {
        error: "must be 1 to 64 letters, digits, '-' and '_', starting with a letter or digit",
    }),
    // Refused when true (interface.md): it adopted "whatever has this name", which may be another
    // resource's or another stack's volume. Kept as an input so the refusal names it and says what to do.
    adoptExisting: z
        .boolean({ error: "must be true or false" })
        .refine((adopt) => !adopt, { error: adoptExistingRefused })
        .default(false),
    timeouts: timeoutsSchema,
    account: accountSchema,
});

export type AgentBayVolumeInputs = z.infer<typeof agentbayVolumeInputs>;

/** What Pulumi stores and the `agentbay.Volume` class exposes. */
export interface AgentBayVolumeOutputs extends AgentBayVolumeInputs {
    /** `VolumeId`: what `CreateMcpSession` mounts. */
    volumeId: string;
    /** `Status`, free-form (`Available`). */
    status?: string;
    /** `BelongingImageId`, as the cloud reports it. */
    belongingImageId?: string;
    /** `CreateTime`, as the cloud wrote it. */
    createdAt?: string;
    /** Whether `ListVolumes` showed it at the last look: false only while the list lags behind a create. */
    listed?: boolean;
    /** True when the resource adopted an existing volume by id (the `import` resource option) instead of making one. */
    adopted?: boolean;
}

/** The default name, from the Pulumi resource name: lowercased, every other character '-', at most 64. */
export function defaultAgentBayVolumeName(resourceName: string): string {
    const name = resourceName
        .toLowerCase()
        .replace(/[^a-z0-9_-]+/g, "-")
        .replace(/^[-_]+/, "")
        .slice(0, 64);
    return name || "volume";
}
