/**
 * The Alibaba AgentBay beta Volume API emulator (docs/apis/agentbay.md): POP RPC,
 * a single route `POST /` dispatched on the `Action` query parameter. Order: route,
 * action, version, the key (form-body `Authorization=Bearer <key>`, never a header),
 * the allowlist, then the action. Failures travel on both channels the API uses:
 * HTTP 4xx/5xx with a POP error body, and HTTP 200 with `Success: false`.
 */
import { randomUUID } from "node:crypto";
import { describeAuthScheme } from "../core/auth";
import type { CloudContext, CloudDefinition, CloudEmulator, EmuRequest } from "../core/types";
import { ParamError, RpcParams } from "./params";
import { AgentBayStore, toWire, type VolumeEntity } from "./store";
import {
    agentbayApiVersion,
    defaultAgentBayKnobs,
    type AgentBayControl,
    type AgentBayKnobs,
    type AgentBayLookupNotFound,
    type AgentBayPopError,
    type AgentBayVolumeRecord,
} from "./types";

export * from "./types";

/** The key the emulator accepts for a token: short and with a `_`, so no credential scanner mistakes it for a real `akm-…` key. */
export function agentbayKey(token: string): string {
    return `akm-emu_${token}`;
}

/** `ListVolumes`' page size when `MaxResults` is absent (the SDK's default). */
export const defaultMaxResults = 10;
/** The code of a `Success: false` for an unknown volume (the real one is unconfirmed). */
export const notFoundCode = "InvalidVolume.NotFound";
/** The code of a `Success: false` for a delete of a mounted volume (unconfirmed). */
export const inUseCode = "InvalidVolume.InUse";
/** The code of a `Success: false` for a key off the beta's allowlist (unconfirmed). */
export const notAllowlistedCode = "Forbidden.NotInAllowlist";

const notLoginMessage = "You are not logged in or your login token has expired";

/** A handler's answer, before the request id is put in. */
type Answer = { readonly status: number; readonly body: Record<string, unknown> };

/** The AgentBay entry of the cloud table. */
export const agentbayCloud: CloudDefinition<AgentBayKnobs, AgentBayControl, AgentBayVolumeRecord> = {
    name: "agentbay",
    defaultKnobs: defaultAgentBayKnobs,
    fromCommonOptions(options) {
        return options.readyMs !== undefined ? { listLagMs: options.readyMs } : {};
    },
    create: createAgentBayEmulator,
};

function createAgentBayEmulator(ctx: CloudContext<AgentBayKnobs>): CloudEmulator<AgentBayControl, AgentBayVolumeRecord> {
    const key = agentbayKey(ctx.token);
    const store = new AgentBayStore(
        () => ctx.knobs().listLagMs,
        () => ctx.now(),
    );
    const actions: Record<string, (p: RpcParams) => Answer> = {
        GetVolume: (p) => getVolume(store, p, ctx.knobs().lookupNotFound),
        ListVolumes: (p) => listVolumes(store, p),
        DeleteVolume: (p) => deleteVolume(store, p),
    };

    const answer = (req: EmuRequest): Answer => {
        if (req.method !== "POST" || req.path !== "/")
            return popError(404, "InvalidAction.NotFound", "Specified api is not found, please check your url and method.");
        const action = req.query.get("Action") ?? "";
        const run = actions[action];
        if (run === undefined) return popError(404, "InvalidAction.NotFound", `Specified api ${JSON.stringify(action)} is not found.`);
        if (req.query.get("Version") !== agentbayApiVersion) {
            return popError(400, "InvalidVersion", `Specified parameter Version is not valid; this API is ${agentbayApiVersion}.`);
        }
        if (bearerKey(req) !== key) return popError(400, "NOT_LOGIN", notLoginMessage);
        if (!ctx.knobs().allowlisted) return refused(403, notAllowlistedCode, "This account is not on the allowlist of the Volume beta.");
        try {
            return run(new RpcParams(req));
        } catch (err) {
            if (err instanceof ParamError) return popError(400, err.code, err.message);
            throw err;
        }
    };

    const hookFind = (id: string): VolumeEntity => {
        const v = store.byId(id);
        if (!v) throw new Error(`agentbay emulator: no volume ${id}`);
        return v;
    };
    const control: AgentBayControl = {
        create: (imageId, name) => {
            if (imageId === "" || name === "") throw new Error("agentbay emulator: create needs an image id and a name");
            if (store.byName(imageId, name)) throw new Error(`agentbay emulator: image ${imageId} already has a volume named ${name}`);
            return store.create(imageId, name, false).id;
        },
        destroy: (id) => store.delete(hookFind(id)),
        attach: (id, sessionId) => {
            hookFind(id).mountedBy = sessionId;
        },
        detach: (id) => {
            hookFind(id).mountedBy = undefined;
        },
        reset: () => store.reset(),
    };

    return {
        name: "agentbay",
        control,
        action: (req) => req.query.get("Action") ?? undefined,
        handle: (req) => {
            const { status, body } = answer(req);
            const requestId = newRequestId();
            return { status, body: { RequestId: requestId, ...body }, requestId };
        },
        authScheme: (req) => describeAuthScheme(formAuthorization(req), ["Bearer"], ctx.token),
        responseHeaders: () => ({}),
        errorBody: (status, message): AgentBayPopError => ({
            RequestId: newRequestId(),
            HostId: hostId,
            Code: codeForStatus(status),
            Message: message,
        }),
        env: (url) => ({ AGENTBAY_ENDPOINT: url, AGENTBAY_API_KEY: key }),
        inventory: () => store.all().map((v) => ({ ...toWire(v), ...(v.mountedBy !== undefined ? { MountedBy: v.mountedBy } : {}) })),
        knobsChanged: () => undefined,
        reset: control.reset,
    };
}

function getVolume(store: AgentBayStore, p: RpcParams, notFound: AgentBayLookupNotFound): Answer {
    const imageId = p.required("ImageId");
    const name = p.required("VolumeName");
    const allowCreate = p.bool("AllowCreate", false);
    // Create-or-get: an existing name is returned whatever AllowCreate says.
    const existing = store.byName(imageId, name);
    if (existing) return success({ Data: toWire(existing) });
    if (!allowCreate) {
        const message = `Volume ${JSON.stringify(name)} is not found in image ${imageId}.`;
        if (notFound === "emptyData") return success({ Data: {} });
        if (notFound === "noData") return success({});
        return refused(
            404,
            notFound,
            notFound === "InvalidParameter.VolumeName" ? `The specified VolumeName is invalid: ${message}` : message,
        );
    }
    return success({ Data: toWire(store.create(imageId, name, true)) });
}

function listVolumes(store: AgentBayStore, p: RpcParams): Answer {
    const imageId = p.required("ImageId");
    const maxResults = p.positiveInt("MaxResults", defaultMaxResults);
    const matching = store.list({
        imageId,
        volumeIds: p.list("VolumeIds"),
        name: p.text("VolumeName"),
        afterSeq: parseToken(p.text("NextToken")),
    });
    const page = matching.slice(0, maxResults);
    const last = page[page.length - 1];
    const nextToken = last !== undefined && matching.length > page.length ? encodeToken(last.seq) : "";
    return success({ Data: page.map(toWire), NextToken: nextToken, MaxResults: maxResults });
}

function deleteVolume(store: AgentBayStore, p: RpcParams): Answer {
    const id = p.required("VolumeId");
    const v = store.byId(id);
    if (!v) return refused(404, notFoundCode, `Volume ${id} is not found.`);
    if (v.mountedBy !== undefined) return refused(400, inUseCode, `Volume ${id} is mounted by session ${v.mountedBy}.`);
    store.delete(v);
    return success({});
}

const hostId = "agentbay-emulator";

function success(extra: Record<string, unknown>): Answer {
    return { status: 200, body: { Success: true, Code: "ok", Message: "", HttpStatusCode: 200, ...extra } };
}

/** HTTP 200 with `Success: false`: the business-error channel. */
function refused(httpStatusCode: number, code: string, message: string): Answer {
    return { status: 200, body: { Success: false, Code: code, Message: message, HttpStatusCode: httpStatusCode } };
}

/** HTTP 4xx/5xx with the POP error body: the gateway's channel. */
function popError(status: number, code: string, message: string): Answer {
    return { status, body: { HostId: hostId, Code: code, Message: message } };
}

function codeForStatus(status: number): string {
    if (status === 429) return "Throttling";
    if (status === 404) return "InvalidAction.NotFound";
    if (status === 503) return "ServiceUnavailable";
    if (status >= 500) return "InternalError";
    return "InvalidParameter";
}

/** The form body's `Authorization` value (the only place AgentBay reads the key from). */
function formAuthorization(req: EmuRequest): string | undefined {
    return new URLSearchParams(req.body.toString("utf8")).get("Authorization") ?? undefined;
}

function bearerKey(req: EmuRequest): string | undefined {
    const match = /^bearer\s+(\S+)\s*$/i.exec(formAuthorization(req) ?? "");
    return match?.[1];
}

function newRequestId(): string {
    return randomUUID().toUpperCase();
}

/** Page cursors are opaque to clients: the creation sequence of the page's last volume. */
function encodeToken(seq: number): string {
    return Buffer.from(`after:${seq}`, "utf8").toString("base64url");
}

function parseToken(token: string | undefined): number {
    if (token === undefined) return 0;
    const match = /^after:(\d+)$/.exec(Buffer.from(token, "base64url").toString("utf8"));
    if (!match) throw new ParamError("InvalidParameter.NextToken", "The specified NextToken is not valid.");
    return Number(match[1]);
}
