import { randomBytes } from "node:crypto";
import { type Clock, type Deadline, realClock } from "../core/deadline";
import { AmbiguousRequestError, ApiError } from "../core/errors";
import { registerSecret } from "../core/secrets";
import { HttpClient, type HttpRequest, type Query } from "../core/http";
import { endpointUrl, type RequestKind } from "../core/transport";
import { parseResponse } from "../core/parse";
import type { RetryPolicy } from "../core/retry";
import { safeText } from "../core/secrets";
import {
    type AgentBayVolume,
    classifyAgentBay,
    parseAgentBayError,
    toAgentBayVolume,
    wireEnvelope,
    wireGetVolumeResponse,
    wireListVolumesResponse,
    wireLookupResponse,
} from "./wire";

/** The product's API version: every request names it, in the query and in `x-acs-version`. */
export const agentbayApiVersion = "2025-05-06";

/** Where the user sets the endpoint and the key, for messages. */
const endpointSource = "`agentbay:endpoint` or AGENTBAY_ENDPOINT";
const keySource = "`agentbay:apiKey` or AGENTBAY_API_KEY";

/**
 * Cloud codes worth another try for a read or an idempotent write (a create is never resent on
 * them: it is ambiguous). POP codes shared by Alibaba products; which ones `wuyingai` sends is
 * unconfirmed. Each with why it is transient.
 */
export const agentbayTransientCodes: ReadonlyArray<{ code: string; reason: string }> = [
    { code: "Throttling", reason: "POP flow control: the request was refused before it ran" },
    { code: "Throttling.User", reason: "flow control on this account" },
    { code: "Throttling.Api", reason: "flow control on this action" },
    { code: "Throttling.System", reason: "flow control on the whole service" },
    { code: "ServiceUnavailable", reason: "the gateway or the service is briefly unavailable (HTTP 503 or an envelope saying so)" },
    { code: "InternalError", reason: "POP's 'unknown error, please try again'" },
    { code: "SystemBusy", reason: "the service asks to retry later (as session creation does with 'please retry later')" },
];

/**
 * A volume-level "not found" (the emulator's `InvalidVolume.NotFound`; the real code is
 * unconfirmed): a code naming a volume AND not-found. A bare HTTP 404 or `InvalidAction.NotFound`
 * is NOT one: it says the action is not served here (the beta was withdrawn from the SDKs), and
 * taking it for "already deleted" would drop a live volume from state.
 */
const volumeNotFound = (code: string | undefined): boolean => !!code && /volume/i.test(code) && /not\s*found|not\s*exist/i.test(code);

/**
 * The plausible ways `GetVolume(AllowCreate=false)` may say "no volume of that name" (the real
 * answer is unconfirmed, agentbay.md): a volume-level not-found code; POP's generic `NotFound` or
 * `ResourceNotFound` (alone, or qualified by a volume: `ResourceNotFound.Volume`); or an
 * `InvalidParameter…` whose message says the volume is not found (POP's way of rejecting a name it
 * has no record of). Anything about the action, the image or the key is not one.
 */
export function lookupNotFound(code: string | undefined, message: string | undefined): boolean {
    if (!code) return false;
    if (volumeNotFound(code)) return true;
    if (/^(NotFound|ResourceNotFound)(\.Volume\w*)?$/i.test(code)) return true;
    return (
        /^InvalidParameter(\.|$)/i.test(code) &&
        /volume/i.test(`${code} ${message ?? ""}`) &&
        /not\s*(be\s*)?found|not\s*exist|does\s*not\s*exist/i.test(message ?? "")
    );
}

/** How to report an answer this package does not understand. */
const reportHint =
    "AgentBay's Volume beta answered in a way this package does not know; nothing was created or taken. " +
    "Please report it to the pulumi-volumes maintainers with this message (it holds no credential)";

/** The SDK's default page size, the only `MaxResults` known to be accepted (the server's maximum is unconfirmed). */
export const defaultPageSize = 10;
/** A list longer than this many pages is taken for a server that never ends it. */
const maxPages = 10_000;

export interface ListVolumesArgs {
    /** Required by the API even to read by id. */
    imageId: string;
    /** Exact name: the server filter is sent too, but it may be fuzzy, so names are compared here. */
    name?: string;
    /** Only these ids (sent as `VolumeIds.N`, and checked here). */
    volumeIds?: readonly string[];
    /** Page size (`MaxResults`); every page is read whatever it is. */
    maxResults?: number;
    /**
     * Keep every entry the server's `VolumeName` filter returned, not only exact names: for an
     * ownership check, a volume the server matched loosely still existed before us.
     */
    keepServerMatches?: boolean;
}

/** Test seams; production uses the defaults. */
export interface AgentBayClientOptions {
    clock?: Clock;
    policy?: RetryPolicy;
    random?: () => number;
    attemptTimeoutMs?: number;
}

/**
 * AgentBay's volume actions over POP RPC, straight on the core: `POST /?Action=…`, a fresh
 * Timestamp and SignatureNonce on every attempt, the key only in the form body
 * (`Authorization=Bearer <key>`), failures from HTTP 4xx/5xx and from `Success: false`. Knows
 * nothing of Pulumi: plain arguments in, `AgentBayVolume` records out.
 */
export class AgentBayClient {
    private readonly http: HttpClient;
    /** The endpoint as a URL, for messages (it holds no credential). */
    readonly endpoint: string;

    constructor(baseUrl: string, apiKey: string, options: AgentBayClientOptions = {}) {
        const key = apiKey.trim().replace(/^Bearer\s+/i, "");
        registerSecret(key);
        const clock = options.clock ?? realClock;
        const url = endpointUrl(baseUrl);
        this.endpoint = url ? url.origin + url.pathname.replace(/\/+$/, "") : baseUrl;
        const endpoint = this.endpoint;
        this.http = new HttpClient({
            cloud: "agentbay",
            baseUrl,
            endpointSource,
            // The official transport sends these two headers on every RPC.
            headers: () => ({ "x-acs-version": agentbayApiVersion }),
            prepare: (_attempt, req) => ({
                headers: { "x-acs-action": String(req.query?.Action ?? "") },
                query: { Timestamp: popTimestamp(clock.now()), SignatureNonce: randomBytes(32).toString("hex") },
                form: { Authorization: `Bearer ${key}` },
            }),
            // The request id is the body's `RequestId`: parseError reads it from any JSON body.
            requestIdHeaders: [],
            parseError: parseAgentBayError,
            classify: classifyAgentBay,
            retryCodes: agentbayTransientCodes.map((c) => c.code),
            // POP flow control refuses a request before it runs: a create so refused is sent again.
            notProcessedCodes: agentbayTransientCodes.filter((c) => c.code.startsWith("Throttling")).map((c) => c.code),
            remedy: (status, code) => agentbayRemedy(status, code, endpoint),
            clock,
            policy: options.policy,
            random: options.random,
            attemptTimeoutMs: options.attemptTimeoutMs,
        });
    }

    /**
     * Every volume of the image that matches, through every page of `NextToken`. A token the
     * server already gave is an error, not the end: a partial list could hide a volume from an
     * ownership check. Entries without a `VolumeId` are dropped.
     */
    async listVolumes(args: ListVolumesArgs, deadline: Deadline): Promise<AgentBayVolume[]> {
        const found = new Map<string, AgentBayVolume>();
        const seen = new Set<string>();
        const target = `in image ${args.imageId}${args.name !== undefined ? ` named ${args.name}` : ""}`;
        let token: string | undefined;
        for (let page = 0; ; page++) {
            const res = await this.call("ListVolumes", "read", {
                operation: "list volumes",
                target,
                deadline,
                query: { NextToken: token || undefined },
                params: {
                    ImageId: args.imageId,
                    MaxResults: args.maxResults ?? defaultPageSize,
                    VolumeIds: args.volumeIds?.length ? args.volumeIds : undefined,
                    VolumeName: args.name || undefined,
                },
            });
            const body = parseResponse("agentbay", wireListVolumesResponse, res.body, "list volumes", target);
            // A page is empty only when the cloud says so: an answer with neither `Data` nor
            // `Success: true` (a proxy's `{}`) would otherwise read as "no volumes", and a refresh
            // would drop a live volume from state.
            if (body.Data == null && body.Success !== true) {
                throw new ApiError({
                    cloud: "agentbay",
                    operation: "list volumes",
                    target,
                    status: res.status,
                    cloudMessage: "the answer has neither Data nor Success: true",
                    requestId: res.requestId,
                    remedy: "the AgentBay API may have changed, or a proxy answered; please report it",
                });
            }
            for (const entry of body.Data ?? []) {
                const v = toAgentBayVolume(entry);
                if (v) found.set(v.id, v);
            }
            token = body.NextToken;
            if (!token) break;
            if (seen.has(token) || page + 1 >= maxPages) {
                throw new ApiError({
                    cloud: "agentbay",
                    operation: "list volumes",
                    target,
                    cloudMessage: `the list did not end: NextToken '${safeText(token, 60)}' came back after ${page + 1} pages`,
                    requestId: res.requestId,
                    remedy: "the AgentBay API returned a page token it had already returned; try again, and report it if it persists",
                });
            }
            seen.add(token);
        }
        const ids = args.volumeIds?.length ? new Set(args.volumeIds) : undefined;
        const byName = (v: AgentBayVolume) => args.name === undefined || args.keepServerMatches || v.name === args.name;
        return [...found.values()].filter((v) => byName(v) && (!ids || ids.has(v.id)));
    }

    /** The volume by id (`ListVolumes` with `VolumeIds.1`), or undefined when the list does not show it. */
    async getVolumeById(imageId: string, volumeId: string, deadline: Deadline): Promise<AgentBayVolume | undefined> {
        const list = await this.listVolumes({ imageId, volumeIds: [volumeId] }, deadline);
        return list.find((v) => v.id === volumeId);
    }

    /**
     * `GetVolume` with `AllowCreate=true`: makes the named volume in the image, or returns the one
     * that already has that name, WHOEVER made it. It cannot tell "made" from "found", so a
     * provider must hold its per-name guard around it and list the name (exact) first; otherwise
     * it silently adopts a stranger's volume, and a later destroy deletes their data.
     *
     * Kind `create`: resending should return the same named volume, but only if names are unique
     * per image (unconfirmed), and a resend after a lost answer could equally return a volume a
     * stranger made in between. So it is sent once (resent only on proof it was not processed: a
     * 429 or a connection never opened), and any other failure after sending is an
     * AmbiguousRequestError, for the provider to reconcile against what its check saw. Give it a
     * deadline that keeps time back for that (the core's `createOwned` sends on one).
     */
    async getOrCreateVolume(imageId: string, name: string, deadline: Deadline): Promise<AgentBayVolume> {
        const target = `${name} in image ${imageId}`;
        const res = await this.call("GetVolume", "create", {
            operation: "create volume",
            target,
            deadline,
            params: { AllowCreate: true, ImageId: imageId, VolumeName: name },
        });
        const parsed = wireGetVolumeResponse.safeParse(res.body ?? {});
        const volume = parsed.success ? toAgentBayVolume(parsed.data.Data) : undefined;
        if (volume) return volume;
        // The server said yes without saying to what: a volume may exist now, so it is ambiguous.
        throw new AmbiguousRequestError({
            cloud: "agentbay",
            operation: "create volume",
            target,
            status: res.status,
            cloudMessage: parsed.success ? "GetVolume succeeded but its Data has no VolumeId" : "GetVolume answered an unreadable Data",
            requestId: res.requestId,
            remedy: "the volume may have been made; list the image's volumes by name before trying again",
        });
    }

    /**
     * `GetVolume` with `AllowCreate=false`: the named volume of the image, or undefined when the
     * cloud says it is not found (the SDK's `get(name)`). Unlike the list, it is not eventually
     * consistent in the emulator, so a provider uses it to confirm what a lagging list does not
     * show. Safe to resend: it creates nothing. Any answer other than a volume or a volume-level
     * "not found" is an error, never "absent".
     */
    async findVolumeByName(imageId: string, name: string, deadline: Deadline): Promise<AgentBayVolume | undefined> {
        const target = `${name} in image ${imageId}`;
        let res;
        try {
            res = await this.call("GetVolume", "read", {
                operation: "look up volume",
                target,
                deadline,
                params: { AllowCreate: false, ImageId: imageId, VolumeName: name },
            });
        } catch (error) {
            if (error instanceof ApiError && lookupNotFound(error.code, error.details.cloudMessage)) return undefined;
            throw error;
        }
        const body = parseResponse("agentbay", wireLookupResponse, res.body, "look up volume", target);
        const volume = toAgentBayVolume(body.Data);
        if (!volume) {
            // `Success: true` with no volume is the SDK's "not found" (it reads an empty `Data.VolumeId`
            // as such). An answer that names a volume without its id, or that is not a success, is not
            // understood: never "absent", which would let a create take the name.
            if (body.Success === true && isEmptyData(body.Data)) return undefined;
            throw new ApiError({
                cloud: "agentbay",
                operation: "look up volume",
                target,
                status: res.status,
                cloudMessage: `GetVolume answered ${safeText(JSON.stringify(res.body ?? null), 300)}`,
                requestId: res.requestId,
                remedy: reportHint,
            });
        }
        // The name is compared here too: a fuzzy server match is not this volume.
        return volume.name === undefined || volume.name === name ? volume : undefined;
    }

    /** `DeleteVolume`: true when deleted, false when the volume was already gone. */
    async deleteVolume(volumeId: string, deadline: Deadline): Promise<boolean> {
        try {
            const res = await this.call("DeleteVolume", "write", {
                operation: "delete volume",
                target: volumeId,
                deadline,
                params: { VolumeId: volumeId },
            });
            // A 2xx that is not a JSON envelope (a proxy's page) is not taken as "deleted".
            parseResponse("agentbay", wireEnvelope, res.body, "delete volume", volumeId);
            return true;
        } catch (error) {
            if (error instanceof ApiError && volumeNotFound(error.code)) return false;
            throw error;
        }
    }

    private call(
        action: string,
        kind: RequestKind,
        r: Pick<HttpRequest, "operation" | "target" | "deadline"> & { params: Record<string, unknown>; query?: Query },
    ) {
        return this.http.request({
            method: "POST",
            kind,
            path: "/",
            // The official transport's order: Action, Format, Version, Timestamp, SignatureNonce, then
            // the action's own. Timestamp and SignatureNonce are reserved here, filled per attempt.
            query: {
                Action: action,
                Format: "json",
                Version: agentbayApiVersion,
                Timestamp: undefined,
                SignatureNonce: undefined,
                ...r.query,
            },
            form: flattenForm(r.params),
            operation: r.operation,
            target: r.target,
            deadline: r.deadline,
        });
    }
}

/** `Data` absent, null, or a record with no field set: no volume named. */
function isEmptyData(data: unknown): boolean {
    if (data === undefined || data === null) return true;
    return typeof data === "object" && !Array.isArray(data) && Object.values(data).every((v) => v === null || v === undefined || v === "");
}

/** `YYYY-MM-DDTHH:mm:ssZ` in UTC, as the official transport writes it (no milliseconds). */
export function popTimestamp(ms: number): string {
    return new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");
}

function agentbayRemedy(status: number | undefined, code: string | undefined, endpoint: string): string | undefined {
    if (code === "NOT_LOGIN") {
        return (
            `the API key was refused by ${endpoint}: check ${keySource}; keys are per region ` +
            `(China keys on wuyingai.cn-shanghai.aliyuncs.com, international keys on wuyingai.ap-southeast-1.aliyuncs.com), ` +
            `so check ${endpointSource} too`
        );
    }
    if (code === "InvalidAction.NotFound") {
        return `${endpoint} does not serve this action: the Volume beta may be withdrawn or not offered there; check ${endpointSource}`;
    }
    if (code && /allowlist|whitelist|forbidden/i.test(code))
        return "the Volume beta is allowlist only: ask Alibaba Cloud to enable it for this account";
    if (status === 403) return `check ${keySource} and that the account may use the Volume beta`;
    return undefined;
}

/**
 * POP RPC parameters as form fields, flattened as Alibaba's transport does: nested maps `A.B=v`,
 * arrays 1-based `A.1=v`, numbers and booleans stringified (`true`/`false`); undefined dropped.
 */
export function flattenForm(params: Record<string, unknown>, prefix = ""): Record<string, string> {
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(params)) {
        const name = prefix ? `${prefix}.${k}` : k;
        if (v === undefined || v === null) continue;
        if (Array.isArray(v)) Object.assign(out, flattenForm(Object.fromEntries(v.map((x, i) => [String(i + 1), x])), name));
        else if (typeof v === "object") Object.assign(out, flattenForm(v as Record<string, unknown>, name));
        else out[name] = String(v);
    }
    return out;
}
