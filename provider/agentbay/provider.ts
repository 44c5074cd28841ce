import type { Deadline } from "../core/deadline";
import { ApiError, VolumeError } from "../core/errors";
import { retryWhileInUse } from "../core/inUse";
import { compact } from "../core/objects";
import { createOwnedLocked, isClaimed, releaseClaim, withNameLock } from "../core/ownership";
import { type OperationContext, type Readiness, resourceProvider } from "../core/provider";
import { waitFor } from "../core/wait";
import type { AgentBayClient } from "./client";
import { agentbayVolumeSpec } from "./rules";
import type { AgentBayVolumeInputs, AgentBayVolumeOutputs } from "./schema";
import { agentbayEndpoint, agentbaySession, parseAgentBayId } from "./session";
import type { AgentBayVolume } from "./wire";

/** Where ids are claimed: names are unique per image (as far as anyone knows), so ids are claimed per image. */
const claimKeyOf = (imageId: string) => `agentbay/${imageId}`;

/** How to adopt a volume by its id, for messages: the `import` resource option. */
export function adoptHint(imageId: string, volumeId: string): string {
    return `the resource option \`import: "${imageId}/${volumeId}"\``;
}

/**
 * How far AgentBay's clock may run behind ours: a create-or-get answer whose `CreateTime` is more
 * than this before the moment we sent it names a volume that existed before our request. NTP keeps
 * hosts within a second; `CreateTime` has second precision; a minute leaves room for both and for a
 * gateway that stamps at its own queue, while a volume that old is never one our request made.
 */
export const createTimeSkewMs = 60_000;

/**
 * `CreateTime` in ms since the epoch, or undefined when it cannot be read without guessing a time
 * zone (`2026-01-07 18:00:00` has none): then the time check cannot judge, and the others still hold.
 */
export function createdAtMs(createTime: string | undefined): number | undefined {
    if (!createTime) return undefined;
    if (/^\d{12,}$/.test(createTime)) return Number(createTime);
    if (!/(Z|[+-]\d{2}:?\d{2})$/i.test(createTime)) return undefined;
    const ms = Date.parse(createTime);
    return Number.isNaN(ms) ? undefined : ms;
}

/**
 * Why a create-or-get answer is not the volume our request made, or undefined when it may be:
 * another name (a fuzzy match), an id the pre-check saw, or a `CreateTime` before the request.
 */
export function notOurs(v: AgentBayVolume, name: string, seen: ReadonlySet<string>, sentAtMs: number): string | undefined {
    if (v.name !== name) return `its name is ${v.name === undefined ? "missing" : `'${v.name}'`}, not '${name}'`;
    if (seen.has(v.id)) return "the check before the create listed it already";
    const created = createdAtMs(v.createdAt);
    if (created !== undefined && created < sentAtMs - createTimeSkewMs) {
        return (
            `its CreateTime ${v.createdAt} is before the request (sent at ` +
            `${new Date(sentAtMs).toISOString()}, allowing ${createTimeSkewMs / 1000} s of clock skew)`
        );
    }
    return undefined;
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

/**
 * The volume our create makes, claimed for this resource, or an error saying why none is. Any
 * existing volume of that name is refused (AgentBay's create would return it, whoever made it):
 * adopting one is explicit, by id, with the `import` option.
 */
async function make(client: AgentBayClient, inputs: AgentBayVolumeInputs, deadline: Deadline): Promise<AgentBayVolume> {
    const { imageId, name } = inputs;
    const claimKey = claimKeyOf(imageId);
    const what = `agentbay create volume ${name} in image ${imageId}`;
    // The name first from the list (the server's filter, every entry kept: one it matched loosely is
    // still a volume that existed before us), then by name: the list lags behind a create, so a
    // volume made seconds ago is only seen by the lookup.
    const listed = await client.listVolumes({ imageId, name, keepServerMatches: true }, deadline);
    const seen = new Set(listed.map((v) => v.id));
    const existing = listed.find((v) => v.name === name) ?? (await client.findVolumeByName(imageId, name, deadline));
    if (existing) {
        throw new VolumeError(
            isClaimed(claimKey, existing.id)
                ? `${what}: another resource of this deployment holds the volume of that name ` +
                      `(${existing.id}); two resources never hold one volume. Give this resource another name.`
                : `${what}: a volume of that name already exists (${existing.id}) and this resource did not make it; ` +
                      `AgentBay's create would silently return it, and destroying this resource would then delete its data. ` +
                      `To manage it, adopt it by id with ${adoptHint(imageId, existing.id)}; otherwise choose another name.`,
        );
    }
    // Create-or-get, owned as every create is (core/ownership.ts), and its answer checked: a volume
    // of another name, one the pre-check saw, or one created before the request is not ours, and is
    // refused without being recorded (so a destroy never deletes it). Residual race, which this API
    // cannot exclude: a creator outside this deployment making the same name in the same image
    // between our pre-check and our request, within the clock-skew allowance, is taken for ours:
    // there is no idempotency token, no creator field, and no create that fails on an existing name.
    let sentAtMs = deadline.clock.now();
    const check = (v: AgentBayVolume): AgentBayVolume => {
        const why = notOurs(v, name, seen, sentAtMs);
        if (why) {
            throw new VolumeError(
                `${what}: AgentBay answered with ${v.id}, which is not the volume this request made (${why}); it was not taken, ` +
                    `and nothing was recorded. If it is yours, adopt it by id with ` +
                    `${adoptHint(imageId, v.id)}; otherwise choose another name.`,
            );
        }
        return v;
    };
    return createOwnedLocked({
        key: nameKeyOf(imageId, name),
        claimKey,
        what,
        deadline,
        before: seen,
        send: async (sendBy) => {
            sentAtMs = deadline.clock.now();
            return check(await client.getOrCreateVolume(imageId, name, sendBy));
        },
        // After a lost answer: only a volume that may be the one we made (name exact, created after).
        find: async (d) => {
            const found = await client.findVolumeByName(imageId, name, d);
            return found && !notOurs(found, name, seen, sentAtMs) ? [found] : [];
        },
        idOf: (v) => v.id,
        adoptHint: (id) => adoptHint(imageId, id),
    });
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
    // A read claims nothing: claims are for creates and adoptions, so after a refresh a resource may
    // still adopt (import) the volume another one of this deployment lets go of.
    const live = await client.getVolumeById(imageId, volumeId, deadline);
    if (live) return toAgentBayOutputs(declared, live, true);
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
    const id = m?.[1];
    return id ? `session ${id.replace(/\.$/, "")}` : undefined;
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
    // `import: "<imageId>/<volumeId>"`: the only way to adopt (adoptExisting is refused at check).
    adoption: {
        subject: "agentbay volume",
        parseId: parseAgentBayId,
        claimOf: (id) => {
            const { imageId, volumeId } = parseAgentBayId(id);
            return { key: claimKeyOf(imageId), id: volumeId };
        },
        lookupHint: "`agentbay.getVolumes({ imageId, name })`",
        marks: { adopted: true },
    },
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
                    const volume = await make(client, inputs, ctx.deadline);
                    const id = `${imageId}/${volume.id}`;
                    ctx.accepted(id, toAgentBayOutputs(inputs, volume, false));
                    const shown = await waitListed(client, imageId, volume.id, ctx.deadline);
                    return { id, outs: toAgentBayOutputs(inputs, shown, true) };
                },
                ctx.deadline,
            );
        },
        read: readVolume,
        delete: deleteVolume,
    },
});
