import { type Backoff, backoffPause } from "../core/backoff";
import type { Deadline } from "../core/deadline";
import { AmbiguousRequestError, answerFacts, ApiError, errorMessage, VolumeError } from "../core/errors";
import { warn } from "../core/log";
import { compact } from "../core/objects";
import { retryWhileInUse } from "../core/inUse";
import { type OperationContext, type Readiness, resourceProvider } from "../core/provider";
import { readThrough } from "../core/sharedList";
import { waitFor, type WaitStep } from "../core/wait";
import type { NeevcloudClient, NeevcloudScope } from "./client";
import { networkVolumeSpec } from "./rules";
import type { NetworkVolumeOutputs } from "./schema";
import { neevcloudEndpoint, neevcloudSession, parseNetworkVolumeId, scopeKey } from "./session";
import type { NetworkVolume } from "./wire";

/**
 * Outputs: create-only fields keep what was declared; size and everything else is what NeevCloud
 * reports, so the next diff compares the declared size with the live one.
 */
export function toNetworkVolumeOutputs(declared: Partial<NetworkVolumeOutputs>, v: NetworkVolume): NetworkVolumeOutputs {
    return compact({
        orgId: declared.orgId ?? v.orgId ?? "",
        projectId: declared.projectId ?? v.projectId ?? "",
        regionId: declared.regionId ?? v.regionId ?? "",
        name: declared.name ?? v.name ?? "",
        volumeMode: declared.volumeMode ?? (v.volumeMode === "block" ? "block" : "filesystem"),
        mountPath: declared.mountPath,
        attachedTo: declared.attachedTo,
        // The size is live; a body without one (lenient read) keeps the last known.
        sizeGb: v.sizeGb ?? declared.sizeGb ?? 0,
        timeouts: declared.timeouts,
        volumeId: v.id,
        status: v.status,
        extensionStatus: v.extensionStatus,
        actualSizeGb: v.actualSizeGb,
        planId: v.planId,
        airuntimeInstances: v.airuntimeInstances,
        volumeAttachments: v.volumeAttachments,
        createdAt: v.createdAt,
        updatedAt: v.updatedAt,
        // Once bound, always "was ready": stored outputs from before this field count by their status.
        readyOnce: declared.readyOnce || declared.status === "bound" || v.status === "bound" || undefined,
    });
}

/**
 * `lost` (not in the spec's enum): Kubernetes' PVC phase Lost, the claim's backing volume is gone. Not
 * ready, and nothing we can wait out; said in every message that meets it.
 */
const lostMeaning =
    "NeevCloud reports it 'lost': the storage behind the claim is gone (Kubernetes' PVC phase Lost), so its data may be " +
    "unrecoverable. Nothing Pulumi can wait out: ask NeevCloud support, or replace it with `pulumi up --replace <urn>`";

/** A volume that was bound once and now reads `failed`: the user decides, nothing is replaced. */
function failedAfterReadyWarning(id: string): string {
    return (
        `neevcloud network volume ${id} was bound (it may hold data) and now reads 'failed'. It is kept in the stack and will not ` +
        "be replaced automatically. Check it with NeevCloud; to replace it, run `pulumi up --replace <urn>`; to stop tracking it, " +
        "`pulumi state delete <urn>`"
    );
}

function boundStep(v: NetworkVolume | undefined): WaitStep<NetworkVolume> {
    if (!v) return { status: "failed", state: "missing", reason: "the volume disappeared (404)" };
    if (v.status === "bound") return { status: "done", value: v };
    if (v.status === "failed") return { status: "failed", state: "failed", reason: "NeevCloud could not provision it" };
    if (v.status === "terminated") return { status: "failed", state: "terminated", reason: "it was deleted" };
    if (v.status === "lost") return { status: "failed", state: "lost", reason: lostMeaning };
    return { status: "pending", state: v.status };
}

/** A fresh volume may not be listed yet: missing from a list is not gone. */
function boundListedStep(v: NetworkVolume | undefined): WaitStep<NetworkVolume> {
    return v ? boundStep(v) : { status: "pending", state: "not listed yet" };
}

/**
 * An extend we queued is done when the extension succeeded and the new size shows (in
 * `actual_sizeGB` too, when given); a size that was already there needs only no resize running.
 */
function extendedStep(target: number, queued: boolean) {
    return (v: NetworkVolume | undefined): WaitStep<NetworkVolume> => {
        if (!v || v.status === "terminated") return { status: "failed", state: v?.status ?? "missing", reason: "the volume is gone" };
        if (v.extensionStatus === "failed") {
            return {
                status: "failed",
                state: "extension failed",
                reason:
                    `NeevCloud reports the extension to ${target} GB failed; the volume is ` +
                    `${v.sizeGb} GB. Check the project's quota, then run \`pulumi up\` again`,
            };
        }
        const sized = (v.sizeGb ?? 0) >= target && (v.actualSizeGb === undefined || v.actualSizeGb >= target);
        // The spec makes `extension_status` optional: when the cloud omits it, the size alone says done.
        const settled = queued ? v.extensionStatus === "succeeded" || v.extensionStatus === undefined : v.extensionStatus !== "resizing";
        if (settled && sized) return { status: "done", value: v };
        return { status: "pending", state: `${v.extensionStatus ?? "no extension"}, ${v.sizeGb} GB` };
    };
}

/** Polls one volume until `step` says done or failed. */
function waitOn(
    client: NeevcloudClient,
    scope: NeevcloudScope,
    id: string,
    step: (v: NetworkVolume | undefined) => WaitStep<NetworkVolume>,
    deadline: Deadline,
    goal: string,
) {
    return waitFor(
        async () => step(await client.getVolume(scope, id, deadline)),
        {
            deadline,
            subject: `neevcloud network volume ${scope.orgId}/${scope.projectId}/${id}`,
            goal,
        },
        { firstMs: 500, factor: 1.5, maxMs: 5_000, jitter: "none" },
    );
}

function resizeOverStep(v: NetworkVolume | undefined): WaitStep<NetworkVolume> {
    if (!v) return { status: "failed", state: "missing", reason: "the volume disappeared (404)" };
    return v.extensionStatus === "resizing" ? { status: "pending", state: "resizing" } : { status: "done", value: v };
}

/** Between reconciling reads after a lost extend: 0.5 s doubling to 8 s. */
const extendBackoff: Backoff = { firstMs: 500, factor: 2, maxMs: 8_000, jitter: "none" };

/**
 * Extends to `target`, never twice. When the stored outputs show a settled volume below the target,
 * the extend goes first with no read (the floor: one POST); a refusal (400: it is resizing, or
 * already that size after a change outside Pulumi) or an ambiguous failure (POST, no idempotency
 * key) is reconciled by reading the volume: a resize running is waited out, a size reached is done.
 * Those retries back off (0.5 s doubling to 8 s) and end by the deadline: nothing is sent after it,
 * and the error says what the cloud last answered.
 */
async function extendTo(
    client: NeevcloudClient,
    scope: NeevcloudScope,
    id: string,
    target: number,
    deadline: Deadline,
    stored: { sizeGb?: number; extensionStatus?: string },
): Promise<{ volume: NetworkVolume; queued: boolean }> {
    let lost = 0;
    let readFirst = stored.extensionStatus === "resizing" || (stored.sizeGb ?? 0) >= target;
    let lastAnswer: AmbiguousRequestError | undefined;
    const givenUp = (cause: unknown) =>
        new VolumeError(
            `neevcloud extend network volume ${scope.orgId}/${scope.projectId}/${id} ` +
                `to ${target} GB: gave up after ${deadline.seconds} s; ` +
                `the cloud last answered: ${lastAnswer ? answerOf(lastAnswer) : errorMessage(cause)}. ` +
                `Try again later, or ${deadline.hint()}`,
            { cause },
        );
    // Nothing is sent once the deadline has passed.
    const stopIfLate = () => {
        if (lastAnswer && deadline.expired()) throw givenUp(lastAnswer);
        deadline.check(`neevcloud extend network volume ${scope.orgId}/${scope.projectId}/${id} to ${target} GB`);
    };
    for (;;) {
        stopIfLate();
        try {
            if (readFirst) {
                let live = await client.getVolume(scope, id, deadline);
                if (!live) throw new VolumeError(`neevcloud extend network volume ${id}: the volume is gone; run \`pulumi refresh\``);
                if (live.extensionStatus === "resizing") {
                    live = await waitOn(client, scope, id, resizeOverStep, deadline, "for the running resize to finish");
                }
                if ((live.sizeGb ?? 0) >= target) return { volume: live, queued: false };
                stopIfLate();
            }
            return { volume: await client.extendVolume(scope, id, target, deadline), queued: true };
        } catch (error) {
            if (!readFirst && error instanceof ApiError && error.status === 400) {
                // The stored outputs were stale: read, then decide.
                readFirst = true;
                continue;
            }
            readFirst = true;
            if (lastAnswer && error instanceof ApiError && !(error instanceof AmbiguousRequestError) && error.status === 400) {
                // Refused after an extend of ours whose answer was lost ("an extension is in progress"), while
                // the read before did not show it yet: ours is queued. Wait for the size, never send again.
                const live = await client.getVolume(scope, id, deadline);
                if (!live) throw new VolumeError(`neevcloud extend network volume ${id}: the volume is gone; run \`pulumi refresh\``);
                // A refusal for the volume's own state (not bound) is no sign of ours: said as the cloud said it.
                if (live.status !== "bound") throw error;
                return { volume: live, queued: true };
            }
            // After a lost extend, a read that runs out of time is the give-up, said with the cloud's last answer.
            if (lastAnswer && deadline.expired() && !(error instanceof AmbiguousRequestError)) throw givenUp(error);
            if (!(error instanceof AmbiguousRequestError)) throw error;
            lastAnswer = error;
        }
        // Loop: the read above tells whether the lost request was queued.
        if (!(await deadline.sleep(backoffPause(extendBackoff, lost++)))) throw givenUp(lastAnswer);
    }
}

/** What the cloud said, without our framing: `injected fault (503 UNAVAILABLE, request r-1)`. */
function answerOf(error: ApiError): string {
    const facts = answerFacts(error.details);
    return `${error.details.cloudMessage ?? "no response"}${facts ? ` (${facts})` : ""}`;
}

async function deleteVolume(id: string, _props: NetworkVolumeOutputs, deadline: Deadline): Promise<void> {
    const scope = parseNetworkVolumeId(id);
    const { client } = neevcloudSession();
    await retryWhileInUse(() => client.deleteVolume(scope, scope.volumeId, deadline), {
        deadline,
        subject: `neevcloud delete network volume ${id}`,
        classify: async (error) => {
            if (!(error instanceof ApiError) || error.status !== 400) return { status: "failed" };
            const live = await client.getVolume(scope, scope.volumeId, deadline);
            if (!live) return { status: "gone" };
            const holder = describeHolders(live);
            // 400 is also "bad request": only an in-use volume is worth waiting on.
            if (!holder && !/in use/i.test(error.details.cloudMessage ?? "")) return { status: "failed" };
            return { status: "inUse", holder };
        },
        held: (holders) => `in use by ${holders ?? "an attachment"}`,
        remedy: "Detach or delete what mounts it",
    });
}

/**
 * Stored outputs: bound is ready; a create that never became ready and failed (or was deleted) is
 * replaced; pending is finished. A volume that was ready once is never replaced automatically (it
 * may hold data: read warns and the user decides), and `lost` is not waited on: neither blocks an
 * unrelated update (the update itself says what the cloud answers).
 */
export function storedReadiness(outs: NetworkVolumeOutputs): Readiness {
    if (outs.status === "bound") return "ready";
    if (outs.readyOnce || outs.status === "lost") return "ready";
    return outs.status === "failed" || outs.status === "terminated" ? "failed" : "pending";
}

/** Finishes a create left in partial state: the same wait create does. */
async function finishCreate(
    id: string,
    olds: NetworkVolumeOutputs,
    ctx: OperationContext<NetworkVolumeOutputs>,
): Promise<NetworkVolumeOutputs> {
    const scope = parseNetworkVolumeId(id);
    return toNetworkVolumeOutputs(olds, await waitBound(scope, scope.volumeId, ctx.deadline));
}

/** Waits until the volume is bound: waiters in one project share one list per tick. */
function waitBound(scope: NeevcloudScope, volumeId: string, deadline: Deadline): Promise<NetworkVolume> {
    return neevcloudSession().poller.waitFor(scopeKey(scope), volumeId, boundListedStep, {
        deadline,
        subject: `neevcloud network volume ${scope.orgId}/${scope.projectId}/${volumeId}`,
        goal: "to be bound",
    });
}

function describeHolders(v: NetworkVolume): string | undefined {
    const mounts = v.volumeAttachments
        .filter((a) => a.status !== "unmounted")
        .map((a) => `${a.resourceType ?? "resource"} ${a.resourceName ?? a.resourceId ?? "?"}${a.mountPath ? ` at ${a.mountPath}` : ""}`);
    const runtimes = v.airuntimeInstances.map((a) => `AIRuntime ${a.instanceName} (${a.instanceId})`);
    const all = [...mounts, ...runtimes];
    return all.length ? all.join(", ") : undefined;
}

export const networkVolumeProvider = resourceProvider({
    inputs: networkVolumeSpec,
    endpoint: neevcloudEndpoint,
    // `import: "<orgId>/<projectId>/<volumeId>"`: claimed where NeevCloud's creates claim (per project).
    adoption: {
        subject: "neevcloud network volume",
        parseId: parseNetworkVolumeId,
        claimOf: (id) => {
            const { volumeId, ...scope } = parseNetworkVolumeId(id);
            return { key: `neevcloud/${scopeKey(scope)}`, id: volumeId };
        },
        lookupHint: "`neevcloud.getNetworkVolumes({ orgId, projectId })`",
    },
    // The volume is a Kubernetes PVC (docs/apis/neevcloud.md): a name is unique in its project, so a
    // replacement that keeps its name and project cannot exist beside the old one.
    deleteBeforeReplace: (olds, news) => olds.name === news.name && olds.orgId === news.orgId && olds.projectId === news.projectId,
    // A create that ends `failed` is replaced on the next up; one still pending is waited on.
    readiness: { of: storedReadiness, fields: ["status"], finish: finishCreate },
    operations: {
        async create(inputs, ctx) {
            const { client, lists } = neevcloudSession();
            const scope = { orgId: inputs.orgId, projectId: inputs.projectId };
            const made = await client.createVolume(scope, inputs, ctx.deadline, lists.listing(scopeKey(scope)));
            const id = `${scope.orgId}/${scope.projectId}/${made.id}`;
            ctx.accepted(id, toNetworkVolumeOutputs(inputs, made));
            // No poll when the create's answer already shows the goal.
            const bound = made.status === "bound" ? made : await waitBound(scope, made.id, ctx.deadline);
            return { id, outs: toNetworkVolumeOutputs(inputs, bound) };
        },

        async read(id, props, deadline) {
            const scope = parseNetworkVolumeId(id);
            const { client, lists } = neevcloudSession();
            // Reads in one project share one list; one missing from it is confirmed before it is called gone.
            const v = await readThrough(lists, scopeKey(scope), scope.volumeId, deadline, () =>
                client.getVolume(scope, scope.volumeId, deadline),
            );
            if (!v || v.status === "terminated") return undefined;
            const outs = toNetworkVolumeOutputs(props, v);
            if (v.status === "failed" && outs.readyOnce) warn(failedAfterReadyWarning(id));
            if (v.status === "lost") warn(`neevcloud network volume ${id}: ${lostMeaning}`);
            return outs;
        },

        async update(id, olds, newInputs, ctx) {
            const scope = parseNetworkVolumeId(id);
            const { client } = neevcloudSession();
            // What the stored outputs know of the volume's past (it was ready once) outlives the inputs.
            const news = { ...newInputs, readyOnce: olds.readyOnce || olds.status === "bound" || undefined };
            const target = news.sizeGb;
            if (!(target > (olds.sizeGb ?? 0))) {
                const live = await client.getVolume(scope, scope.volumeId, ctx.deadline);
                if (!live) throw new VolumeError(`neevcloud update network volume ${id}: the volume is gone; run \`pulumi refresh\``);
                return toNetworkVolumeOutputs(news, live);
            }
            const { volume, queued } = await extendTo(client, scope, scope.volumeId, target, ctx.deadline, olds).catch((error: unknown) =>
                // Not waited on, so an extend of a lost volume fails as the cloud answers; say what lost means.
                Promise.reject(
                    olds.status === "lost" ? new VolumeError(`${errorMessage(error)}. ${lostMeaning}`, { cause: error }) : error,
                ),
            );
            ctx.accepted(id, toNetworkVolumeOutputs(news, volume));
            const step = extendedStep(target, queued);
            // No poll when the last answer already shows the goal (a size reached outside Pulumi).
            const now = step(volume);
            const done =
                now.status === "done"
                    ? now.value
                    : await waitOn(client, scope, scope.volumeId, step, ctx.deadline, `to reach ${target} GB`);
            return toNetworkVolumeOutputs(news, done);
        },

        delete: deleteVolume,
    },
});
