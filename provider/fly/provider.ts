import { Endpoint, sessionFor } from "../core/config";
import type { Deadline } from "../core/deadline";
import { ApiError, VolumeError } from "../core/errors";
import { compact } from "../core/objects";
import { volumeProvider } from "../core/provider";
import { fieldsWith } from "../core/rules";
import { readThrough, SharedList } from "../core/sharedList";
import { SharedPoller, WaitStep } from "../core/wait";
import { FlyClient } from "./client";
import { flyVolumeRules } from "./rules";
import { FlyVolumeInputs, flyVolumeSpec } from "./schema";
import { FlyVolume, goneStates } from "./wire";

/** What Pulumi stores and the `fly.Volume` class exposes. */
export interface FlyVolumeOutputs extends FlyVolumeInputs {
    volumeId: string;
    state: string;
    zone?: string;
    attachedMachineId?: string;
    createdAt?: string;
    hostStatus?: string;
    volumeType?: string;
    blockSize?: number;
    blocks?: number;
    blocksFree?: number;
    blocksAvail?: number;
    bytesTotal?: number;
    bytesUsed?: number;
    needsRestart?: boolean;
}

export const flyEndpoint: Endpoint = {
    cloud: "fly",
    token: { configKey: "fly:token", envVars: ["FLY_API_TOKEN"] },
    apiUrl: { configKey: "fly:apiUrl", envVars: ["FLY_API_URL"] },
    defaultApiUrl: "https://api.machines.dev",
};

interface FlyContext {
    client: FlyClient;
    /** One list per app at a time, shared by reads, polls and the snapshot of a create. */
    lists: SharedList<FlyVolume>;
    /** Waiters in one app share one list per tick. */
    poller: SharedPoller<FlyVolume>;
}

export function flyContext(): FlyContext {
    return sessionFor(flyEndpoint, (baseUrl, token) => {
        const client = new FlyClient(baseUrl, token);
        const lists = new SharedList<FlyVolume>(
            (app, deadline) => client.listVolumes(app, deadline),
            (v) => v.id,
        );
        const poller = new SharedPoller<FlyVolume>((app, deadline) => lists.get(app, deadline));
        return { client, lists, poller };
    });
}

/** `<app>/<vol_id>`, the Pulumi id: every Fly call needs the app. */
export function parseFlyId(id: string): { app: string; volumeId: string } {
    const m = /^([^/\s]+)\/(vol_[A-Za-z0-9]+)$/.exec(id ?? "");
    if (!m) throw new VolumeError(`fly: '${id}' is not a volume id; expected '<app>/<vol_id>', e.g. 'my-app/vol_9vw681egy1jj5xm4'`);
    return { app: m[1], volumeId: m[2] };
}

const readyStates = new Set(["created"]);
/** A fork is mountable while it hydrates (fly.md, States). */
const readyForkStates = new Set(["created", "hydrating"]);

function judgeReady(ready: ReadonlySet<string>) {
    return (v: FlyVolume | undefined): WaitStep<FlyVolume> => {
        if (!v) return { status: "pending", state: "not listed yet" };
        if (goneStates.has(v.state)) return { status: "failed", state: v.state, reason: "it was destroyed before it was ready" };
        return ready.has(v.state) ? { status: "done", value: v } : { status: "pending", state: v.state };
    };
}

function judgeSize(target: number) {
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
 * the next diff sees drift; the rest is what Fly reports.
 */
export function toFlyOutputs(app: string, declared: Partial<FlyVolumeOutputs>, v: FlyVolume, needsRestart?: boolean): FlyVolumeOutputs {
    const outs: FlyVolumeOutputs = {
        app,
        name: declared.name ?? v.name ?? "",
        region: declared.region ?? v.region ?? "",
        sizeGb: v.sizeGb ?? declared.sizeGb ?? 0,
        encrypted: declared.encrypted ?? v.encrypted ?? true,
        fstype: declared.fstype ?? (v.fstype === "raw" ? "raw" : "ext4"),
        requireUniqueZone: declared.requireUniqueZone ?? true,
        uniqueZoneAppWide: declared.uniqueZoneAppWide ?? false,
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
        volumeType: v.type,
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
    const { app, volumeId } = parseFlyId(id);
    const { client } = flyContext();
    let interval = 1_000;
    for (;;) {
        try {
            await client.deleteVolume(app, volumeId, deadline);
            return;
        } catch (error) {
            if (!isBoundToMachine(error)) throw error;
            // Fly keeps a volume bound for up to a minute after its Machine is destroyed: retry.
            if (!(await deadline.sleep(interval))) {
                const machine = /machine:?\s*([A-Za-z0-9_]+)/.exec(error.details.cloudMessage ?? "")?.[1];
                throw new VolumeError(
                    `fly delete volume ${id}: still attached to machine ${machine ?? "(unknown)"} after ${deadline.seconds} s ` +
                        `(${error.status} ${error.code ?? ""}${error.details.requestId ? `, request ${error.details.requestId}` : ""}). ` +
                        `Destroy that machine first (stopping it is not enough), then run the delete again; or ${deadline.hint()}.`,
                );
            }
            interval = Math.min(5_000, Math.ceil(interval * 1.5));
        }
    }
}

export const flyVolumeProvider = volumeProvider<typeof flyVolumeSpec.schema.shape, FlyVolumeOutputs>({
    inputs: flyVolumeSpec,
    // Fly names are not unique: the replacement can exist beside the old volume.
    deleteBeforeReplace: false,
    operations: {
        async create(inputs, ctx) {
            const { client, lists, poller } = flyContext();
            const { app, timeouts: _t, ...request } = inputs;
            const made = await client.createVolume(app, request, ctx.deadline, lists.listing(app));
            const id = `${app}/${made.id}`;
            ctx.accepted(id, toFlyOutputs(app, inputs, made));
            const judge = judgeReady(inputs.sourceVolumeId ? readyForkStates : readyStates);
            // No poll when the create's answer already shows the goal.
            const now = judge(made);
            const ready =
                now.status === "done"
                    ? now.value
                    : await poller.waitFor(app, made.id, judge, {
                          deadline: ctx.deadline,
                          subject: `fly volume ${id}`,
                          goal: "to be created",
                      });
            return { id, outs: toFlyOutputs(app, inputs, ready) };
        },

        async read(id, props, deadline) {
            const { app, volumeId } = parseFlyId(id);
            const { client, lists } = flyContext();
            // Reads in one app share one list; one missing from it is confirmed before it is called gone.
            const v = await readThrough(lists, app, volumeId, deadline, () => client.getVolume(app, volumeId, deadline));
            if (!v || goneStates.has(v.state)) return undefined;
            return toFlyOutputs(app, props as Partial<FlyVolumeOutputs>, v);
        },

        async update(id, olds, news, ctx) {
            const { app, volumeId } = parseFlyId(id);
            const { client, poller } = flyContext();
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
                ctx.accepted(id, toFlyOutputs(app, news, latest, needsRestart));
            }
            const changed = Object.fromEntries(
                inPlaceFields.filter((f) => news[f] !== undefined && news[f] !== olds[f]).map((f) => [f, news[f]]),
            );
            if (Object.keys(changed).length > 0) {
                latest = await client.updateVolume(app, volumeId, changed, ctx.deadline);
                ctx.accepted(id, toFlyOutputs(app, news, latest, needsRestart));
            }
            if (target !== undefined) {
                latest = await poller.waitFor(app, volumeId, judgeSize(target), {
                    deadline: ctx.deadline,
                    subject: `fly volume ${id}`,
                    goal: `to reach ${target} GB`,
                });
            }
            latest ??= await client.getVolume(app, volumeId, ctx.deadline);
            if (!latest) throw new VolumeError(`fly update volume ${id}: the volume is gone; run \`pulumi refresh\``);
            return toFlyOutputs(app, news, latest, needsRestart);
        },

        delete: deleteVolume,
    },
});
