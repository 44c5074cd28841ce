import { Endpoint, sessionFor } from "../core/config";
import type { Deadline } from "../core/deadline";
import { ApiError, VolumeError } from "../core/errors";
import { AmbiguousRequestError } from "../core/http";
import { compact } from "../core/objects";
import { volumeProvider } from "../core/provider";
import { readThrough, SharedList } from "../core/sharedList";
import { SharedPoller, waitFor, WaitStep } from "../core/wait";
import { NeevCloudClient, NeevScope } from "./client";
import { NetworkVolumeInputs, networkVolumeSpec } from "./schema";
import { NetworkVolume } from "./wire";

/** What Pulumi stores and the `neevcloud.NetworkVolume` class exposes. */
export interface NetworkVolumeOutputs extends NetworkVolumeInputs {
    volumeId: string;
    status: string;
    extensionStatus?: string;
    actualSizeGb?: number;
    planId?: string;
    airuntimeInstances?: NetworkVolume["airuntimeInstances"];
    volumeAttachments?: NetworkVolume["volumeAttachments"];
    createdAt?: string;
    updatedAt?: string;
}

export const neevEndpoint: Endpoint = {
    cloud: "neevcloud",
    token: { configKey: "neevcloud:token", envVars: ["NEEVCLOUD_API_TOKEN"] },
    apiUrl: { configKey: "neevcloud:apiUrl", envVars: ["NEEVCLOUD_API_URL"] },
    defaultApiUrl: "https://api.ai.neevcloud.com/storage",
};

interface NeevContext {
    client: NeevCloudClient;
    /** One list per project at a time, shared by reads, polls and the snapshot of a create. */
    lists: SharedList<NetworkVolume>;
    /** Waiters in one project share one list per tick, as Fly's share one per app. */
    poller: SharedPoller<NetworkVolume>;
}

/** Lists and polls are shared per project: the key is `<orgId>/<projectId>`. */
function scopeKey(scope: NeevScope): string {
    return `${scope.orgId}/${scope.projectId}`;
}

export function neevContext(): NeevContext {
    return sessionFor(neevEndpoint, (baseUrl, token) => {
        const client = new NeevCloudClient(baseUrl, token);
        const lists = new SharedList<NetworkVolume>(
            (key, deadline) => {
                const [orgId, projectId] = key.split("/");
                return client.listVolumes({ orgId, projectId }, deadline);
            },
            (v) => v.id,
            undefined,
            // A list walks pages of 100: for a lone read in a big project, its own GET is cheaper.
            (items) => Math.max(1, Math.ceil(items / 100)),
        );
        const poller = new SharedPoller<NetworkVolume>((key, deadline) => lists.get(key, deadline));
        return { client, lists, poller };
    });
}

export function neevClient(): NeevCloudClient {
    return neevContext().client;
}

/** `<orgId>/<projectId>/<volumeId>`, the Pulumi id. */
export function parseNeevId(id: string): NeevScope & { volumeId: string } {
    const m = /^([^/\s]+)\/([^/\s]+)\/([^/\s]+)$/.exec(id ?? "");
    if (!m) throw new VolumeError(`neevcloud: '${id}' is not a network volume id; expected '<orgId>/<projectId>/<volumeId>'`);
    return { orgId: m[1], projectId: m[2], volumeId: m[3] };
}

/**
 * Outputs: create-only fields keep what was declared; size and everything else is what NeevCloud
 * reports, so the next diff compares the declared size with the live one.
 */
export function toNeevOutputs(declared: Partial<NetworkVolumeOutputs>, v: NetworkVolume): NetworkVolumeOutputs {
    return compact({
        orgId: declared.orgId ?? v.orgId,
        projectId: declared.projectId ?? v.projectId,
        regionId: declared.regionId ?? v.regionId,
        name: declared.name ?? v.name,
        volumeMode: declared.volumeMode ?? (v.volumeMode === "block" ? "block" : "filesystem"),
        mountPath: declared.mountPath,
        attachedTo: declared.attachedTo,
        sizeGb: v.sizeGb,
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
    });
}

function judgeBound(v: NetworkVolume | undefined): WaitStep<NetworkVolume> {
    if (!v) return { status: "failed", state: "missing", reason: "the volume disappeared (404)" };
    if (v.status === "bound") return { status: "done", value: v };
    if (v.status === "failed") return { status: "failed", state: "failed", reason: "NeevCloud could not provision it" };
    if (v.status === "terminated") return { status: "failed", state: "terminated", reason: "it was deleted" };
    return { status: "pending", state: v.status };
}

/** A fresh volume may not be listed yet: missing from a list is not gone. */
function judgeBoundListed(v: NetworkVolume | undefined): WaitStep<NetworkVolume> {
    return v ? judgeBound(v) : { status: "pending", state: "not listed yet" };
}

/**
 * An extend we queued is done when the extension succeeded and the new size shows (in
 * `actual_sizeGB` too, when given); a size that was already there needs only no resize running.
 */
function judgeExtended(target: number, queued: boolean) {
    return (v: NetworkVolume | undefined): WaitStep<NetworkVolume> => {
        if (!v || v.status === "terminated") return { status: "failed", state: v?.status ?? "missing", reason: "the volume is gone" };
        if (v.extensionStatus === "failed") {
            return {
                status: "failed",
                state: "extension failed",
                reason: `NeevCloud reports the extension to ${target} GB failed; the volume is ${v.sizeGb} GB. Check the project's quota, then run \`pulumi up\` again`,
            };
        }
        const sized = v.sizeGb >= target && (v.actualSizeGb === undefined || v.actualSizeGb >= target);
        // The spec makes `extension_status` optional: when the cloud omits it, the size alone says done.
        const settled = queued ? v.extensionStatus === "succeeded" || v.extensionStatus === undefined : v.extensionStatus !== "resizing";
        if (settled && sized) return { status: "done", value: v };
        return { status: "pending", state: `${v.extensionStatus ?? "no extension"}, ${v.sizeGb} GB` };
    };
}

/** Polls one volume until `judge` says done or failed. */
function waitOn(
    client: NeevCloudClient,
    scope: NeevScope,
    id: string,
    judge: (v: NetworkVolume | undefined) => WaitStep<NetworkVolume>,
    deadline: Deadline,
    goal: string,
) {
    return waitFor(
        async () => judge(await client.getVolume(scope, id, deadline)),
        {
            deadline,
            subject: `neevcloud network volume ${scope.orgId}/${scope.projectId}/${id}`,
            goal,
        },
        { minMs: 500, maxMs: 5_000 },
    );
}

function judgeResizeOver(v: NetworkVolume | undefined): WaitStep<NetworkVolume> {
    if (!v) return { status: "failed", state: "missing", reason: "the volume disappeared (404)" };
    return v.extensionStatus === "resizing" ? { status: "pending", state: "resizing" } : { status: "done", value: v };
}

/**
 * Extends to `target`, never twice: a resize already running is waited out first, and after an
 * ambiguous failure (POST, no idempotency key) the volume is read to see whether it was queued.
 */
async function extendTo(
    client: NeevCloudClient,
    scope: NeevScope,
    id: string,
    target: number,
    deadline: Deadline,
): Promise<{ volume: NetworkVolume; queued: boolean }> {
    for (;;) {
        let live = await client.getVolume(scope, id, deadline);
        if (!live) throw new VolumeError(`neevcloud extend network volume ${id}: the volume is gone; run \`pulumi refresh\``);
        if (live.extensionStatus === "resizing") {
            live = await waitOn(client, scope, id, judgeResizeOver, deadline, "for the running resize to finish");
        }
        if (live.sizeGb >= target) return { volume: live, queued: false };
        try {
            return { volume: await client.extendVolume(scope, id, target, deadline), queued: true };
        } catch (error) {
            if (!(error instanceof AmbiguousRequestError)) throw error;
            // Loop: the read above tells whether the lost request was queued.
        }
    }
}

async function deleteVolume(id: string, _props: NetworkVolumeOutputs, deadline: Deadline): Promise<void> {
    const scope = parseNeevId(id);
    const client = neevClient();
    let interval = 1_000;
    for (;;) {
        try {
            await client.deleteVolume(scope, scope.volumeId, deadline);
            return;
        } catch (error) {
            if (!(error instanceof ApiError) || error.status !== 400) throw error;
            const live = await client.getVolume(scope, scope.volumeId, deadline);
            if (!live) return;
            const holders = describeHolders(live);
            // 400 is also "bad request": only an in-use volume is worth waiting on.
            if (!holders && !/in use/i.test(error.details.cloudMessage ?? "")) throw error;
            if (!(await deadline.sleep(interval))) {
                throw new VolumeError(
                    `neevcloud delete network volume ${id}: still in use by ${holders ?? "an attachment"} after ${deadline.seconds} s ` +
                        `(${error.status} ${error.code ?? ""}${error.details.requestId ? `, request ${error.details.requestId}` : ""}). ` +
                        `Detach or delete what mounts it, then run the delete again; or ${deadline.hint()}.`,
                );
            }
            interval = Math.min(5_000, Math.ceil(interval * 1.5));
        }
    }
}

function describeHolders(v: NetworkVolume): string | undefined {
    const mounts = v.volumeAttachments
        .filter((a) => a.status !== "unmounted")
        .map((a) => `${a.resourceType ?? "resource"} ${a.resourceName ?? a.resourceId ?? "?"}${a.mountPath ? ` at ${a.mountPath}` : ""}`);
    const runtimes = v.airuntimeInstances.map((a) => `AIRuntime ${a.instanceName} (${a.instanceId})`);
    const all = [...mounts, ...runtimes];
    return all.length ? all.join(", ") : undefined;
}

export const networkVolumeProvider = volumeProvider<typeof networkVolumeSpec.schema.shape, NetworkVolumeOutputs>({
    inputs: networkVolumeSpec,
    // The volume is a Kubernetes PVC (neevcloud.md): a name is unique in its project, so a
    // replacement that keeps its name and project cannot exist beside the old one.
    deleteBeforeReplace: (olds, news) => olds.name === news.name && olds.orgId === news.orgId && olds.projectId === news.projectId,
    operations: {
        async create(inputs, ctx) {
            const { client, lists, poller } = neevContext();
            const scope = { orgId: inputs.orgId, projectId: inputs.projectId };
            const made = await client.createVolume(scope, inputs, ctx.deadline, lists.listing(scopeKey(scope)));
            const id = `${scope.orgId}/${scope.projectId}/${made.id}`;
            ctx.accepted(id, toNeevOutputs(inputs, made));
            // No poll when the create's answer already shows the goal.
            const bound =
                made.status === "bound"
                    ? made
                    : await poller.waitFor(scopeKey(scope), made.id, judgeBoundListed, {
                          deadline: ctx.deadline,
                          subject: `neevcloud network volume ${id}`,
                          goal: "to be bound",
                      });
            return { id, outs: toNeevOutputs(inputs, bound) };
        },

        async read(id, props, deadline) {
            const scope = parseNeevId(id);
            const { client, lists } = neevContext();
            // Reads in one project share one list; one missing from it is confirmed before it is called gone.
            const v = await readThrough(lists, scopeKey(scope), scope.volumeId, deadline, () =>
                client.getVolume(scope, scope.volumeId, deadline),
            );
            if (!v || v.status === "terminated") return undefined;
            return toNeevOutputs(props as Partial<NetworkVolumeOutputs>, v);
        },

        async update(id, olds, news, ctx) {
            const scope = parseNeevId(id);
            const client = neevClient();
            const target = news.sizeGb;
            if (!(target > (olds.sizeGb ?? 0))) {
                const live = await client.getVolume(scope, scope.volumeId, ctx.deadline);
                if (!live) throw new VolumeError(`neevcloud update network volume ${id}: the volume is gone; run \`pulumi refresh\``);
                return toNeevOutputs(news, live);
            }
            const { volume, queued } = await extendTo(client, scope, scope.volumeId, target, ctx.deadline);
            ctx.accepted(id, toNeevOutputs(news, volume));
            const done = await waitOn(client, scope, scope.volumeId, judgeExtended(target, queued), ctx.deadline, `to reach ${target} GB`);
            return toNeevOutputs(news, done);
        },

        delete: deleteVolume,
    },
});
