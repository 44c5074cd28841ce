import type { Deadline } from "../core/deadline";
import { ApiError, isCloudNotFound, VolumeError } from "../core/errors";
import { notice, warn } from "../core/log";
import { isHeldOrRead, noteRead } from "../core/ownership";
import { compact } from "../core/objects";
import { retryWhileInUse } from "../core/inUse";
import { type OperationContext, type Readiness, resourceProvider } from "../core/provider";
import { fieldsWith } from "../core/rules";
import { readThrough } from "../core/sharedList";
import type { WaitStep } from "../core/wait";
import { findMigrationFork, followNotice, migrationWarning } from "./migration/fork";
import { flyVolumeRules, flyVolumeSpec } from "./rules";
import type { FlyVolumeOutputs } from "./schema";
import { flyEndpoint, flySession, parseFlyVolumeId } from "./session";
import { type FlyVolume, goneStates } from "./wire";

const readyStates = new Set(["created"]);
/** A fork is mountable while it hydrates (docs/apis/fly.md, States). */
const readyForkStates = new Set(["created", "hydrating"]);

function readyStep(ready: ReadonlySet<string>) {
    return (v: FlyVolume | undefined): WaitStep<FlyVolume> => {
        if (!v) return { status: "pending", state: "not listed yet" };
        if (goneStates.has(v.state)) return { status: "failed", state: v.state, reason: "it was destroyed before it was ready" };
        return ready.has(v.state) ? { status: "done", value: v } : { status: "pending", state: v.state };
    };
}

function sizeStep(target: number) {
    return (v: FlyVolume | undefined): WaitStep<FlyVolume> => {
        if (!v || goneStates.has(v.state)) {
            return { status: "failed", state: v?.state ?? "missing", reason: "the volume is gone" };
        }
        if ((v.sizeGb ?? 0) >= target && v.state !== "extending") return { status: "done", value: v };
        return { status: "pending", state: `${v.state}, ${v.sizeGb ?? "?"} GB` };
    };
}

/**
 * Outputs: create-only fields keep what was declared (Fly does not read `compute` back, and
 * reports `fstype` empty until the volume initialises); size and the in-place fields are live, so
 * the next diff sees drift; the rest is what Fly reports. A fork or restore that left `encrypted`
 * or `fstype` to its source shows Fly's value; `requireUniqueZone` and `uniqueZoneAppWide` are not
 * reported, so they show only what was declared.
 */
export function toFlyVolumeOutputs(
    app: string,
    declared: Partial<FlyVolumeOutputs>,
    v: FlyVolume,
    needsRestart?: boolean,
): FlyVolumeOutputs {
    const outs: FlyVolumeOutputs = {
        app,
        name: declared.name ?? v.name ?? "",
        region: declared.region ?? v.region ?? "",
        sizeGb: v.sizeGb ?? declared.sizeGb ?? 0,
        encrypted: declared.encrypted ?? v.encrypted,
        fstype: declared.fstype ?? (v.fstype === "raw" || v.fstype === "ext4" ? v.fstype : undefined),
        requireUniqueZone: declared.requireUniqueZone,
        uniqueZoneAppWide: declared.uniqueZoneAppWide,
        snapshotId: declared.snapshotId,
        sourceVolumeId: declared.sourceVolumeId,
        snapshotRetention: v.snapshotRetention ?? declared.snapshotRetention,
        autoBackupEnabled: v.autoBackupEnabled ?? declared.autoBackupEnabled,
        compute: declared.compute,
        computeImage: declared.computeImage,
        timeouts: declared.timeouts,
        volumeId: v.id,
        state: v.state,
        zone: v.zone,
        attachedMachineId: v.attachedMachineId,
        createdAt: v.createdAt,
        hostStatus: v.hostStatus,
        volumeType: v.volumeType,
        blockSize: v.blockSize,
        blocks: v.blocks,
        blocksFree: v.blocksFree,
        blocksAvail: v.blocksAvail,
        bytesTotal: v.bytesTotal,
        bytesUsed: v.bytesUsed,
        needsRestart: needsRestart ?? declared.needsRestart,
    };
    return compact(outs);
}

const inPlaceFields = fieldsWith(flyVolumeRules, "inPlace") as Array<"snapshotRetention" | "autoBackupEnabled">;

function isBoundToMachine(error: unknown): error is ApiError {
    return error instanceof ApiError && (error.status === 412 || /bound to machine|attached/i.test(error.details.cloudMessage ?? ""));
}

async function deleteVolume(id: string, _props: FlyVolumeOutputs, deadline: Deadline): Promise<void> {
    const { app, volumeId } = parseFlyVolumeId(id);
    const { client } = flySession();
    // Fly keeps a volume bound for up to a minute after its Machine is destroyed: retry.
    await retryWhileInUse(() => client.deleteVolume(app, volumeId, deadline), {
        deadline,
        subject: `fly delete volume ${id}`,
        classify: (error) =>
            isBoundToMachine(error)
                ? { status: "inUse", holder: /machine:?\s*([A-Za-z0-9_]+)/.exec(error.details.cloudMessage ?? "")?.[1] }
                : { status: "failed" },
        held: (machine) => `attached to machine ${machine ?? "(unknown)"}`,
        remedy: "Destroy that machine first (stopping it is not enough)",
    });
}

/** Stored outputs: created (a fork: hydrating) is ready; destroyed before ready is replaced. */
function storedReadiness(outs: FlyVolumeOutputs): Readiness {
    if (goneStates.has(outs.state)) return "failed";
    return (outs.sourceVolumeId ? readyForkStates : readyStates).has(outs.state) ? "ready" : "pending";
}

/** Finishes a create left in partial state: the same wait create does. */
async function finishCreate(id: string, olds: FlyVolumeOutputs, ctx: OperationContext<FlyVolumeOutputs>): Promise<FlyVolumeOutputs> {
    const { app, volumeId } = parseFlyVolumeId(id);
    const { poller } = flySession();
    const ready = await poller.waitFor(app, volumeId, readyStep(olds.sourceVolumeId ? readyForkStates : readyStates), {
        deadline: ctx.deadline,
        subject: `fly volume ${id}`,
        goal: "to be created",
    });
    return toFlyVolumeOutputs(app, olds, ready);
}

/**
 * Fly places a volume in a zone with no same-named volume (`requireUniqueZone`, default true): a
 * replacement that keeps its name, made before the old one goes, finds none free where the region
 * has few zones. Fly answers its documented code `insufficient_capacity` (fly.md, Errors; the text is
 * unconfirmed, so the code is what we key on).
 */
function explainNoZone(error: unknown, requireUniqueZone: boolean | undefined): unknown {
    if (!(error instanceof ApiError) || error.code !== "insufficient_capacity" || requireUniqueZone === false) return error;
    return new ApiError(
        {
            ...error.details,
            remedy:
                "Fly found no room for it; with `requireUniqueZone` (the default), a replacement that keeps its name needs a zone free " +
                "of that name: set the `deleteBeforeReplace: true` resource option " +
                "(the old volume goes first) or `requireUniqueZone: false`; " +
                "or choose another name or region",
        },
        { cause: error },
    );
}

export const flyVolumeProvider = resourceProvider({
    inputs: flyVolumeSpec,
    endpoint: flyEndpoint,
    // `import: "<app>/<vol_id>"`: claimed where Fly's creates claim (per app).
    adoption: {
        subject: "fly volume",
        parseId: parseFlyVolumeId,
        claimOf: (id) => {
            const { app, volumeId } = parseFlyVolumeId(id);
            return { key: `fly/${app}`, id: volumeId };
        },
        lookupHint: "`fly.getVolumes({ app })`",
    },
    // Read may follow a host migration's fork to a new volume id.
    idOf: (outs) => `${outs.app}/${outs.volumeId}`,
    // Fly names are not unique: the replacement can exist beside the old volume.
    deleteBeforeReplace: false,
    readiness: { of: storedReadiness, fields: ["state"], finish: finishCreate },
    operations: {
        async create(inputs, ctx) {
            const { client, lists, poller } = flySession();
            const { app, timeouts: _t, account: _a, ...request } = inputs;
            const made = await client
                .createVolume(app, request, ctx.deadline, lists.listing(app))
                .catch((e: unknown) => Promise.reject(explainNoZone(e, inputs.requireUniqueZone)));
            const id = `${app}/${made.id}`;
            ctx.accepted(id, toFlyVolumeOutputs(app, inputs, made));
            const step = readyStep(inputs.sourceVolumeId ? readyForkStates : readyStates);
            // No poll when the create's answer already shows the goal.
            const now = step(made);
            const ready =
                now.status === "done"
                    ? now.value
                    : await poller.waitFor(app, made.id, step, {
                          deadline: ctx.deadline,
                          subject: `fly volume ${id}`,
                          goal: "to be created",
                      });
            return { id, outs: toFlyVolumeOutputs(app, inputs, ready) };
        },

        async read(id, props, deadline) {
            const { app, volumeId } = parseFlyVolumeId(id);
            const { client, lists } = flySession();
            // Reads in one app share one list; one missing from it is confirmed before it is called gone.
            const v = await readThrough(lists, app, volumeId, deadline, () => client.getVolume(app, volumeId, deadline));
            // Gone (a 404, or soft-deleted): Fly may have moved it to a fork (host migration).
            if (!v || goneStates.has(v.state)) return followFork(app, v ?? { id: volumeId, state: "not found" }, props, deadline);
            noteRead(`fly/${app}`, volumeId);
            return toFlyVolumeOutputs(app, props, v);
        },

        async update(id, olds, news, ctx) {
            const { app, volumeId } = parseFlyVolumeId(id);
            const { client, poller } = flySession();
            let latest: FlyVolume | undefined;
            let needsRestart = olds.needsRestart;
            const target = news.sizeGb > (olds.sizeGb ?? 0) ? news.sizeGb : undefined;
            if (target !== undefined) {
                try {
                    const res = await client.extendVolume(app, volumeId, target, ctx.deadline);
                    latest = res.volume;
                    needsRestart = res.needsRestart;
                } catch (error) {
                    // A retried extend whose first try landed is refused (already that size, or
                    // still extending): read the volume before calling it a failure.
                    if (!(error instanceof ApiError) || (error.status ?? 500) >= 500) throw error;
                    const live = await client.getVolume(app, volumeId, ctx.deadline);
                    if (!live || ((live.sizeGb ?? 0) < target && live.state !== "extending")) throw error;
                    latest = live;
                }
                ctx.accepted(id, toFlyVolumeOutputs(app, news, latest, needsRestart));
            }
            const changed = Object.fromEntries(
                inPlaceFields.filter((f) => news[f] !== undefined && news[f] !== olds[f]).map((f) => [f, news[f]]),
            );
            if (Object.keys(changed).length > 0) {
                latest = await client.updateVolume(app, volumeId, changed, ctx.deadline);
                ctx.accepted(id, toFlyVolumeOutputs(app, news, latest, needsRestart));
            }
            // No poll when the last answer already shows the new size, settled.
            if (target !== undefined && !(latest && sizeStep(target)(latest).status === "done")) {
                latest = await poller.waitFor(app, volumeId, sizeStep(target), {
                    deadline: ctx.deadline,
                    subject: `fly volume ${id}`,
                    goal: `to reach ${target} GB`,
                });
            }
            latest ??= await client.getVolume(app, volumeId, ctx.deadline);
            if (!latest) throw new VolumeError(`fly update volume ${id}: the volume is gone; run \`pulumi refresh\``);
            return toFlyVolumeOutputs(app, news, latest, needsRestart);
        },

        delete: deleteVolume,
    },
});

/**
 * The tracked volume is gone. If Fly moved its Machine (host migration), the data lives on in a
 * fork under a new id: follow it when it is unambiguous (migration/fork.ts), else drop the volume and
 * say which volumes might be it and how to adopt one.
 */
async function followFork(
    app: string,
    old: FlyVolume,
    last: Partial<FlyVolumeOutputs>,
    deadline: Deadline,
): Promise<FlyVolumeOutputs | undefined> {
    if (!(old.name ?? last.name)) return undefined; // nothing to match a fork by
    let list: FlyVolume[];
    try {
        // The app's shared list: a refresh of many volumes costs no extra list for the forks.
        list = [...(await flySession().lists.get(app, deadline)).values()];
    } catch (error) {
        // Fly's own 404 for the app: it was deleted with its volumes, so this one is gone too.
        if (isCloudNotFound(error)) return undefined;
        throw error;
    }
    const claimKey = `fly/${app}`;
    const search = findMigrationFork(old, list, last, { heldElsewhere: (id) => isHeldOrRead(claimKey, id) });
    if (search.outcome === "followed") {
        notice(followNotice(app, old.id, old.state, search.fork));
        noteRead(claimKey, search.fork.id);
        return toFlyVolumeOutputs(app, { ...last, needsRestart: undefined }, search.fork);
    }
    if (search.outcome === "ambiguous") warn(migrationWarning(app, old, search));
    return undefined;
}
