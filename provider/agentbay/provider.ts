import type { Deadline } from "../core/deadline";
import { ApiError, VolumeError } from "../core/errors";
import { retryWhileInUse } from "../core/inUse";
import { warn } from "../core/log";
import { compact } from "../core/objects";
import { claimVolume, createOwnedLocked, isClaimed, own, releaseClaim, withNameLock } from "../core/ownership";
import { OperationContext, Readiness, resourceProvider } from "../core/provider";
import { waitFor } from "../core/wait";
import type { AgentBayClient } from "./client";
import { agentbayVolumeSpec } from "./rules";
import type { AgentBayVolumeInputs, AgentBayVolumeOutputs } from "./schema";
import { agentbayEndpoint, agentbaySession, parseAgentBayId } from "./session";
import type { AgentBayVolume } from "./wire";

/** Where ids are claimed: names are unique per image (as far as anyone knows), so ids are claimed per image. */
const claimKeyOf = (imageId: string) => `agentbay/${imageId}`;

/**
 * Pulumi ids a create of this deployment adopted (`adoptExisting`). The engine creates before it
 * deletes: a resource renamed without an alias is a new resource adopting the old one's volume,
 * then a delete of the old one, which must not delete the volume the new one now holds.
 */
const adoptedHere = new Set<string>();

/** How to adopt a volume by hand, for messages. */
export function adoptHint(name: string, imageId: string, volumeId: string): string {
    return `agentbay.Volume.get("${name}", "${imageId}/${volumeId}")`;
}

/** Declared fields stay as declared; everything else is what AgentBay reports. */
export function toAgentBayOutputs(
    declared: Partial<AgentBayVolumeOutputs> & { imageId: string },
    v: AgentBayVolume,
    listed: boolean | undefined,
): AgentBayVolumeOutputs {
    return compact({
        imageId: declared.imageId,
        name: declared.name ?? v.name ?? "",
        adoptExisting: declared.adoptExisting ?? false,
        timeouts: declared.timeouts,
        volumeId: v.id,
        status: v.status,
        belongingImageId: v.imageId,
        createdAt: v.createdAt,
        listed,
        adopted: declared.adopted,
    });
}

/** The name lock of a create: `agentbay/<imageId>/<name>`. */
function nameKeyOf(imageId: string, name: string): string {
    return `agentbay/${imageId}/${name}`;
}

/** The volume our create may take, claimed for this resource, or an error saying why none is. */
async function takeOrMake(
    client: AgentBayClient,
    inputs: AgentBayVolumeInputs,
    deadline: Deadline,
): Promise<{ volume: AgentBayVolume; adopted: boolean; listed: boolean }> {
    const { imageId, name } = inputs;
    const claimKey = claimKeyOf(imageId);
    const what = `agentbay create volume ${name} in image ${imageId}`;
    // The name, exactly, first from the list (as asked), then by name: the list lags behind a
    // create, so a volume made seconds ago is only seen by the lookup.
    const listed = await client.listVolumes({ imageId, name }, deadline);
    const existing = listed[0] ?? (await client.findVolumeByName(imageId, name, deadline));
    if (existing) {
        if (isClaimed(claimKey, existing.id)) {
            throw new VolumeError(
                `${what}: ${existing.id} has that name and another resource of this deployment holds it; ` +
                    `two resources never hold one volume, even with adoptExisting. Give this resource another name.`,
            );
        }
        if (!inputs.adoptExisting) {
            throw new VolumeError(
                `${what}: a volume of that name already exists (${existing.id}) and this resource did not make it; ` +
                    `AgentBay's create would silently return it, and destroying this resource would then delete its data. ` +
                    `To manage it, adopt it with ${adoptHint(name, imageId, existing.id)} or set adoptExisting: true; otherwise choose another name.`,
            );
        }
        own(claimKey, existing.id, what);
        adoptedHere.add(`${imageId}/${existing.id}`);
        return { volume: existing, adopted: true, listed: listed.length > 0 };
    }
    // Create-or-get, owned as every create is (core/ownership.ts): after a lost answer, a volume of
    // that name found now is ours, since the pre-check just proved the name free (the snapshot is
    // empty). Residual race, which this API cannot exclude: a creator outside this deployment making
    // the same name in the same image between our pre-check and our request is taken for ours: there
    // is no idempotency token, no creator field, and no create that fails on an existing name.
    const made = await createOwnedLocked({
        key: nameKeyOf(imageId, name),
        claimKey,
        what,
        deadline,
        before: new Set<string>(),
        send: (sendBy) => client.getOrCreateVolume(imageId, name, sendBy),
        find: async (d) => {
            const found = await client.findVolumeByName(imageId, name, d);
            return found ? [found] : [];
        },
        idOf: (v) => v.id,
        adoptHint: (id) => adoptHint(name, imageId, id),
    });
    return { volume: made, adopted: false, listed: false };
}

/** Polls `ListVolumes` by id until it shows the volume (the SDK's own tests wait up to 12 s). */
function waitListed(client: AgentBayClient, imageId: string, volumeId: string, deadline: Deadline): Promise<AgentBayVolume> {
    return waitFor(
        async () => {
            const v = await client.getVolumeById(imageId, volumeId, deadline);
            return v ? { status: "done", value: v } : { status: "pending", state: "not listed yet" };
        },
        { deadline, subject: `agentbay volume ${imageId}/${volumeId}`, goal: "to show in ListVolumes (the list lags behind a create)" },
        { firstMs: 500, factor: 1.5, maxMs: 2_000, jitter: "none" },
    );
}

/**
 * Read by id. Missing from the list is gone only when the lookup by name agrees: the list is
 * eventually consistent, and a volume made a moment ago (or a list that lags for any reason) must
 * not be dropped by a refresh. The lookup by name (`GetVolume`, `AllowCreate=false`) answers for the
 * name at once: another id (the name reused after an out-of-band delete) or not found is gone.
 * Chosen over a time window after create, which would guess. A `get` by id has no name to ask
 * with: missing from the list is gone.
 */
async function readVolume(id: string, props: Partial<AgentBayVolumeOutputs>, deadline: Deadline) {
    const { imageId, volumeId } = parseAgentBayId(id);
    const { client } = agentbaySession();
    const declared = { ...props, imageId };
    const live = await client.getVolumeById(imageId, volumeId, deadline);
    if (live) {
        // Held by this resource: another of this deployment may not adopt it.
        claimVolume(claimKeyOf(imageId), volumeId);
        return toAgentBayOutputs(declared, live, true);
    }
    if (!props.name) return undefined;
    const byName = await client.findVolumeByName(imageId, props.name, deadline);
    if (byName?.id !== volumeId) return undefined;
    return toAgentBayOutputs(declared, byName, false);
}

/** Whether the cloud refused a delete because a session mounts the volume (the emulator's code; the real one is unconfirmed). */
function mounted(error: unknown): boolean {
    return error instanceof ApiError && !!error.code && /in\s*use|mounted/i.test(`${error.code} ${error.details.cloudMessage ?? ""}`);
}

async function deleteVolume(id: string, _props: AgentBayVolumeOutputs, deadline: Deadline): Promise<void> {
    const { imageId, volumeId } = parseAgentBayId(id);
    if (adoptedHere.has(id)) {
        // Another resource of this deployment adopted it a moment ago: forget this one, keep the volume.
        adoptedHere.delete(id);
        warn(
            `agentbay delete volume ${id}: not deleted, because another resource of this deployment adopted it (adoptExisting); it now holds the volume`,
        );
        return;
    }
    const { client } = agentbaySession();
    await retryWhileInUse(() => client.deleteVolume(volumeId, deadline), {
        deadline,
        subject: `agentbay delete volume ${id}`,
        classify: (error) => (mounted(error) ? { status: "inUse", holder: sessionOf(error) } : { status: "failed" }),
        held: (holder) => `mounted by ${holder ?? "a session"}`,
        remedy: "End the session that mounts it (DeleteSession, or `session.delete()` in the SDK)",
    });
    releaseClaim(claimKeyOf(imageId), volumeId);
}

/** `session s-1` from the cloud's message, when it names one. */
function sessionOf(error: unknown): string | undefined {
    const text = error instanceof ApiError ? (error.details.cloudMessage ?? "") : "";
    const m = /session\s+([A-Za-z0-9_.:-]+)/i.exec(text);
    return m ? `session ${m[1].replace(/\.$/, "")}` : undefined;
}

/** Listed is ready; a create whose list wait ran out (partial state) is finished by the next update. */
function storedReadiness(outs: AgentBayVolumeOutputs): Readiness {
    return outs.listed === false ? "pending" : "ready";
}

async function finishCreate(
    id: string,
    olds: AgentBayVolumeOutputs,
    ctx: OperationContext<AgentBayVolumeOutputs>,
): Promise<AgentBayVolumeOutputs> {
    const { imageId, volumeId } = parseAgentBayId(id);
    return toAgentBayOutputs({ ...olds, imageId }, await waitListed(agentbaySession().client, imageId, volumeId, ctx.deadline), true);
}

export const agentbayVolumeProvider = resourceProvider({
    inputs: agentbayVolumeSpec,
    endpoint: agentbayEndpoint,
    readiness: { of: storedReadiness, fields: ["listed"], finish: finishCreate },
    operations: {
        async create(inputs, ctx) {
            const { client } = agentbaySession();
            const { imageId, name } = inputs;
            // Held through the list wait, so a second same-named resource of this deployment sees
            // ours in its pre-check and is told so plainly.
            return withNameLock(
                nameKeyOf(imageId, name),
                async () => {
                    const { volume, adopted, listed } = await takeOrMake(client, inputs, ctx.deadline);
                    const id = `${imageId}/${volume.id}`;
                    const declared = { ...inputs, adopted };
                    ctx.accepted(id, toAgentBayOutputs(declared, volume, listed));
                    const shown = listed ? volume : await waitListed(client, imageId, volume.id, ctx.deadline);
                    return { id, outs: toAgentBayOutputs(declared, shown, true) };
                },
                ctx.deadline,
            );
        },
        read: readVolume,
        delete: deleteVolume,
    },
});
