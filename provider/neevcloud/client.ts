import { createOwned } from "../core/ownership";
import type { Listing } from "../core/sharedList";
import type { Deadline } from "../core/deadline";
import { type CloudErrorInfo, HttpClient } from "../core/http";
import { encodeSegment } from "../core/ids";
import { checkedRequest, parseCreated, parseItems, parseResponse } from "../core/parse";
import { compact } from "../core/objects";
import { allMapped } from "../core/schemas";
import type { NetworkVolumeInputs } from "./schema";
import {
    type NetworkVolume,
    toNetworkVolume,
    wireCreateRequest,
    type WireCreateRequest,
    wireErrorResponse,
    wireExtendRequest,
    wireListResponse,
    wireNetworkVolume,
} from "./wire";

export function parseNeevcloudError(_status: number, body: unknown): CloudErrorInfo {
    // A text body never gets here: the core makes it the message, scrubbed, then cut.
    const parsed = wireErrorResponse.safeParse(body);
    // Another JSON shape: the core reads its `message` or `error`.
    return parsed.success ? { code: parsed.data.code, message: parsed.data.message } : {};
}

function neevcloudRemedy(status: number | undefined): string | undefined {
    if (status === 401 || status === 403) return "check the token in `neevcloud:token` or NEEVCLOUD_API_TOKEN";
    if (status === 404) return "check orgId, projectId and the volume id";
    return undefined;
}

/** Where a volume lives: every path is scoped by org and project. */
export interface NeevcloudScope {
    orgId: string;
    projectId: string;
}

/** A create, in the package's camelCase: the volume's inputs less its scope (in the path) and the timeouts. */
export type CreateNetworkVolumeRequest = Omit<NetworkVolumeInputs, "orgId" | "projectId" | "timeouts" | "account">;

/** The create body before validation (`wireCreateRequest` checks it); absent fields are left out. */
export function toWireCreate(req: CreateNetworkVolumeRequest): Record<string, unknown> {
    const { name, sizeGb, regionId, volumeMode, mountPath, attachedTo, ...unmapped } = req;
    // A new input must be given its wire name here (or left out of the request type): this does not compile otherwise.
    allMapped(unmapped);
    return compact({
        name,
        sizeGB: sizeGb,
        regionID: regionId,
        volumeMode,
        mountPath,
        attachedTo: attachedTo?.map((a) => ({
            instance_id: a.instanceId,
            instance_name: a.instanceName,
            instance_type: a.instanceType,
        })),
    });
}

const pageSize = 100;

/**
 * The NeevCloud Storage Service API, network volumes only. Knows nothing of Pulumi. Requests are
 * validated against the spec's request schemas before they are sent, responses on arrival.
 */
export class NeevcloudClient {
    private readonly http: HttpClient;

    constructor(baseUrl: string, token: string) {
        const authorization = `Bearer ${token.replace(/^Bearer\s+/i, "")}`;
        this.http = new HttpClient({
            cloud: "neevcloud",
            baseUrl,
            endpointSource: "`neevcloud:apiUrl` or NEEVCLOUD_API_URL",
            headers: () => ({ authorization }),
            requestIdHeaders: ["x-request-id", "request-id", "x-correlation-id"],
            parseError: parseNeevcloudError,
            remedy: neevcloudRemedy,
        });
    }

    private base(s: NeevcloudScope): string {
        return `/api/v1beta1/orgs/${enc(s.orgId)}/projects/${enc(s.projectId)}/volumes`;
    }

    /** One page (page numbers from 1, at most 100 a page). */
    async listPage(
        scope: NeevcloudScope,
        page: number,
        deadline: Deadline,
        opts: { available?: boolean; limit?: number } = {},
    ): Promise<{ volumes: NetworkVolume[]; totalPages?: number }> {
        const res = await this.http.request({
            method: "GET",
            kind: "read",
            path: this.base(scope),
            query: { page, limit: opts.limit ?? pageSize, available: opts.available },
            operation: "list network volumes",
            target: `in ${scope.orgId}/${scope.projectId}`,
            deadline,
        });
        const body = parseResponse("neevcloud", wireListResponse, res.body, "list network volumes");
        return { volumes: parseItems(wireNetworkVolume, body.volumes).map(toNetworkVolume), totalPages: body.pagination?.total_pages };
    }

    /** Every volume of the project, walking the pages (stops on an empty page or the last one). */
    async listVolumes(scope: NeevcloudScope, deadline: Deadline, opts: { available?: boolean } = {}): Promise<NetworkVolume[]> {
        const all = new Map<string, NetworkVolume>();
        for (let page = 1; page <= 10_000; page++) {
            const { volumes, totalPages } = await this.listPage(scope, page, deadline, opts);
            for (const v of volumes) all.set(v.id, v);
            if (volumes.length === 0 || totalPages === undefined || page >= totalPages) break;
        }
        return [...all.values()];
    }

    /** The volume, or undefined on 404. */
    async getVolume(scope: NeevcloudScope, id: string, deadline: Deadline): Promise<NetworkVolume | undefined> {
        const res = await this.http.request({
            method: "GET",
            kind: "read",
            path: `${this.base(scope)}/${enc(id)}`,
            operation: "read network volume",
            target: id,
            deadline,
            allowStatuses: [404],
        });
        if (res.status === 404) return undefined;
        return toNetworkVolume(parseResponse("neevcloud", wireNetworkVolume, res.body, "read network volume", id));
    }

    /**
     * Creates once (201) and owns the result (core/ownership.ts): the same-named volumes listed before
     * the POST are never taken after a lost response. `list` lists the project from a list as fresh as
     * `since`; the provider passes its shared list.
     */
    async createVolume(
        scope: NeevcloudScope,
        req: CreateNetworkVolumeRequest,
        deadline: Deadline,
        list: Listing<NetworkVolume> = (d) => this.listVolumes(scope, d),
    ): Promise<NetworkVolume> {
        const where = `${scope.orgId}/${scope.projectId}`;
        const target = `${req.name} in ${where}`;
        const body: WireCreateRequest = checkedRequest("neevcloud", wireCreateRequest, toWireCreate(req), "create network volume", target);
        return createOwned({
            key: `neevcloud/${where}/${req.name}`,
            claimKey: `neevcloud/${where}`,
            what: `neevcloud create network volume ${target}`,
            deadline,
            send: async (sendBy, beforeSend) => {
                const res = await this.http.request({
                    method: "POST",
                    kind: "create",
                    path: this.base(scope),
                    json: body,
                    operation: "create network volume",
                    target,
                    deadline: sendBy,
                    beforeSend,
                });
                // A 2xx without a readable id (a proxy's page) is ambiguous: the lookup finds what it made.
                return toNetworkVolume(parseCreated("neevcloud", wireNetworkVolume, res.body, "create network volume", target, res.status));
            },
            find: async (d, since) =>
                (await list(d, since)).filter(
                    (v) => v.name === req.name && (!v.regionId || v.regionId === req.regionId) && v.status !== "terminated",
                ),
            idOf: (v) => v.id,
            adoptHint: (id) => `the resource option \`import: "${where}/${id}"\``,
        });
    }

    /**
     * Queues an extend to `sizeGb` (the new total; 202). A POST, so it is not resent blindly:
     * the caller reconciles an ambiguous failure by reading the volume.
     */
    async extendVolume(scope: NeevcloudScope, id: string, sizeGb: number, deadline: Deadline): Promise<NetworkVolume> {
        const res = await this.http.request({
            method: "POST",
            // Each extend POST queues an extension: never resent blindly, like a create.
            kind: "create",
            path: `${this.base(scope)}/${enc(id)}/extend`,
            json: checkedRequest("neevcloud", wireExtendRequest, { sizeGB: sizeGb }, "extend network volume", id),
            operation: "extend network volume",
            target: id,
            deadline,
        });
        // Unreadable: ambiguous, so the caller reconciles by reading the volume, as for a lost answer.
        return toNetworkVolume(parseCreated("neevcloud", wireNetworkVolume, res.body, "extend network volume", id, res.status));
    }

    /** Deletes (204); false when it was already gone (404). */
    async deleteVolume(scope: NeevcloudScope, id: string, deadline: Deadline): Promise<boolean> {
        const res = await this.http.request({
            method: "DELETE",
            kind: "write",
            path: `${this.base(scope)}/${enc(id)}`,
            operation: "delete network volume",
            target: id,
            deadline,
            allowStatuses: [404],
        });
        return res.status !== 404;
    }
}

/** One URL path segment; refuses `.`, `..` and empty ones (core/ids.ts). */
function enc(segment: string): string {
    return encodeSegment("neevcloud", segment);
}
