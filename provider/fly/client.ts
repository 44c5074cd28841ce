import { createOwned } from "../core/ownership";
import type { Listing } from "../core/sharedList";
import type { Deadline } from "../core/deadline";
import { type CloudErrorInfo, HttpClient } from "../core/http";
import { encodeSegment } from "../core/ids";
import { compact } from "../core/objects";
import { allMapped } from "../core/schemas";
import { VolumeError } from "../core/errors";
import { parseCreated, parseItems, parseKeepingId, parseResponse } from "../core/parse";
import type { RateLimit } from "../core/rateLimit";
import { type FlyVolume, goneStates, toFlyVolume, wireError, wireExtendResponse, wireVolume, wireVolumeList } from "./wire";
import type { z } from "zod";
import type { FlyVolumeInputs } from "./schema";

/**
 * Fly documents 1 request/s per action with a burst of 3, per app. We keep a burst of 2 so that
 * one token of slack absorbs timing jitter between our clock and Fly's: at the documented burst a
 * request that arrives a millisecond early is a 429.
 */
export const flyRateLimit: RateLimit = { perSecond: 1, burst: 2 };

/** fly-go's rule: macaroons (`fm1r_`, `fm1a_`, `fm2_`) go as `FlyV1`, anything else as `Bearer`. */
export function flyAuthorization(token: string): string {
    const bare = token.trim().replace(/^(Bearer|FlyV1)\s+/i, "");
    const macaroons = bare
        .split(",")
        .map((p) => p.trim())
        .filter((p) => /^(fm1r_|fm1a_|fm2_)/.test(p));
    return macaroons.length > 0 ? `FlyV1 ${macaroons.join(",")}` : `Bearer ${bare}`;
}

export function parseFlyError(_status: number, body: unknown): CloudErrorInfo {
    // A text body never gets here: the core makes it the message, scrubbed, then cut.
    const parsed = wireError.safeParse(body);
    if (!parsed.success) return {};
    const e = parsed.data;
    return { message: e.message ?? e.error, code: e.status === undefined ? undefined : String(e.status) };
}

function flyRemedy(status: number | undefined, _code: string | undefined, message: string | undefined): string | undefined {
    if (status === 401 || status === 403) {
        return "check the token in `fly:token` or FLY_API_TOKEN (e.g. from `fly tokens create deploy`)";
    }
    if (status === 404 && /app not found/i.test(message ?? "")) {
        return (
            "check `app`: it must name an existing Fly app (`fly apps list`), or create it with `fly apps create <name>`; " +
            "a deploy token sees only the app it was made for"
        );
    }
    return undefined;
}

/** A create: the volume's inputs less the app (in the path), the timeouts and the account (never sent). */
export type CreateVolumeRequest = Omit<FlyVolumeInputs, "app" | "timeouts" | "account">;

/**
 * The Fly Machines API, volumes only. Knows nothing of Pulumi: plain arguments in, `FlyVolume`
 * records out. Reads are retried on transient failures; a create is sent once and reconciled.
 */
export class FlyClient {
    private readonly http: HttpClient;

    constructor(baseUrl: string, token: string) {
        const authorization = flyAuthorization(token);
        this.http = new HttpClient({
            cloud: "fly",
            baseUrl,
            endpointSource: "`fly:apiUrl` or FLY_API_URL",
            headers: () => ({ authorization }),
            requestIdHeaders: ["fly-request-id", "x-request-id"],
            parseError: parseFlyError,
            remedy: flyRemedy,
            rateLimit: flyRateLimit,
        });
    }

    /** Every volume of the app, soft-deleted ones included (Fly lists them). */
    async listVolumes(app: string, deadline: Deadline): Promise<FlyVolume[]> {
        const res = await this.http.request({
            method: "GET",
            kind: "read",
            path: `/v1/apps/${enc(app)}/volumes`,
            operation: "list volumes",
            target: `in app ${app}`,
            deadline,
            rateKey: `${app}:list`,
        });
        return parseItems(wireVolume, parse(wireVolumeList, res.body, "list volumes")).map(toFlyVolume);
    }

    /** The volume, or undefined on 404. */
    async getVolume(app: string, id: string, deadline: Deadline): Promise<FlyVolume | undefined> {
        const res = await this.http.request({
            method: "GET",
            kind: "read",
            path: `/v1/apps/${enc(app)}/volumes/${enc(id)}`,
            operation: "read volume",
            target: `${app}/${id}`,
            deadline,
            rateKey: `${app}:get`,
            allowStatuses: [404],
        });
        return res.status === 404 ? undefined : toFlyVolume(parse(wireVolume, res.body, "read volume"));
    }

    /**
     * Creates once and owns the result (core/ownership.ts): the same-named volumes listed before the
     * POST are never taken after a lost response. `list` lists the app from a list as fresh as `since`;
     * the provider passes its shared list so a create costs no extra list when others run.
     */
    async createVolume(
        app: string,
        req: CreateVolumeRequest,
        deadline: Deadline,
        list: Listing<FlyVolume> = (d) => this.listVolumes(app, d),
    ): Promise<FlyVolume> {
        const target = `${req.name} in app ${app}`;
        return createOwned({
            key: `fly/${app}/${req.name}`,
            claimKey: `fly/${app}`,
            what: `fly create volume ${target}`,
            deadline,
            send: async (sendBy, beforeSend) => {
                const res = await this.http.request({
                    method: "POST",
                    kind: "create",
                    path: `/v1/apps/${enc(app)}/volumes`,
                    json: toWireCreate(req),
                    operation: "create volume",
                    target,
                    deadline: sendBy,
                    beforeSend,
                    rateKey: `${app}:create`,
                });
                // A 2xx without a readable id (a proxy's page) is ambiguous: the lookup finds what it made.
                return toFlyVolume(parseCreated("fly", wireVolume, res.body, "create volume", target, res.status));
            },
            // Fly names are not unique: every live volume of that name and region is a candidate.
            find: async (d, since) =>
                (await list(d, since)).filter(
                    (v) => v.name === req.name && (!v.region || v.region === req.region) && !goneStates.has(v.state),
                ),
            idOf: (v) => v.id,
            adoptHint: (id) => `the resource option \`import: "${app}/${id}"\``,
        });
    }

    /** PUT is a partial update: absent fields are left alone. */
    async updateVolume(
        app: string,
        id: string,
        fields: { snapshotRetention?: number; autoBackupEnabled?: boolean },
        deadline: Deadline,
    ): Promise<FlyVolume> {
        const res = await this.http.request({
            method: "PUT",
            kind: "write",
            path: `/v1/apps/${enc(app)}/volumes/${enc(id)}`,
            json: { snapshot_retention: fields.snapshotRetention, auto_backup_enabled: fields.autoBackupEnabled },
            operation: "update volume",
            target: `${app}/${id}`,
            deadline,
            rateKey: `${app}:update`,
        });
        return toFlyVolume(parseKeepingId("fly", wireVolume, res.body, "update volume", `${app}/${id}`));
    }

    /** Extends to `sizeGb` (the new total). `needsRestart`: the Machine must restart to see it. */
    async extendVolume(app: string, id: string, sizeGb: number, deadline: Deadline): Promise<{ volume: FlyVolume; needsRestart: boolean }> {
        const res = await this.http.request({
            method: "PUT",
            kind: "write",
            path: `/v1/apps/${enc(app)}/volumes/${enc(id)}/extend`,
            json: { size_gb: sizeGb },
            operation: "extend volume",
            target: `${app}/${id}`,
            deadline,
            rateKey: `${app}:extend`,
        });
        const body = parse(wireExtendResponse, res.body, "extend volume");
        const needsRestart = body.needs_restart ?? false;
        if (body.volume !== undefined) {
            return { volume: toFlyVolume(parseKeepingId("fly", wireVolume, body.volume, "extend volume", `${app}/${id}`)), needsRestart };
        }
        // Fly may leave the volume out: read it, so the caller always has one.
        const volume = await this.getVolume(app, id, deadline);
        if (!volume) throw new VolumeError(`fly extend volume ${app}/${id}: the volume is gone after the extend; run \`pulumi refresh\``);
        return { volume, needsRestart };
    }

    /** Destroys the volume; undefined when it was already gone (404). */
    async deleteVolume(app: string, id: string, deadline: Deadline): Promise<FlyVolume | undefined> {
        const res = await this.http.request({
            method: "DELETE",
            kind: "write",
            path: `/v1/apps/${enc(app)}/volumes/${enc(id)}`,
            operation: "delete volume",
            target: `${app}/${id}`,
            deadline,
            rateKey: `${app}:delete`,
            allowStatuses: [404],
        });
        if (res.status === 404) return undefined;
        const parsed = wireVolume.safeParse(res.body);
        return parsed.success ? toFlyVolume(parsed.data) : undefined;
    }
}

/**
 * The create body, in Fly's snake_case, with only the fields the request holds: for a fork or a
 * restore check filled no defaults, so Fly takes what was left out from the source.
 */
export function toWireCreate(req: CreateVolumeRequest): Record<string, unknown> {
    const {
        name,
        region,
        sizeGb,
        encrypted,
        fstype,
        requireUniqueZone,
        uniqueZoneAppWide,
        snapshotId,
        sourceVolumeId,
        snapshotRetention,
        autoBackupEnabled,
        compute,
        computeImage,
        ...unmapped
    } = req;
    // A new input must be given its wire name here (or left out of the request type): this does not compile otherwise.
    allMapped(unmapped);
    return compact({
        name,
        region,
        size_gb: sizeGb,
        encrypted,
        fstype,
        require_unique_zone: requireUniqueZone,
        unique_zone_app_wide: uniqueZoneAppWide,
        snapshot_id: snapshotId,
        source_volume_id: sourceVolumeId,
        snapshot_retention: snapshotRetention,
        auto_backup_enabled: autoBackupEnabled,
        compute: compute
            ? compact(Object.fromEntries(Object.entries(compute).map(([k, v]) => [k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`), v])))
            : undefined,
        compute_image: computeImage,
    });
}

/** One URL path segment; refuses `.`, `..` and empty ones (core/ids.ts). */
function enc(segment: string): string {
    return encodeSegment("fly", segment);
}

function parse<T extends z.ZodType>(schema: T, body: unknown, operation: string): z.infer<T> {
    return parseResponse("fly", schema, body, operation);
}
