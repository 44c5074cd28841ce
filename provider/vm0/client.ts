import type { Deadline } from "../core/deadline";
import { VolumeError } from "../core/errors";
import { type CloudErrorInfo, HttpClient } from "../core/http";
import { parseResponse } from "../core/parse";
import { hasScheme } from "../core/transport";
import {
    idProblem,
    minVersionPrefix,
    requireVm0Id,
    toVm0Version,
    toVm0Volume,
    toVm0VolumeDetail,
    type Vm0Version,
    type Vm0Volume,
    type Vm0VolumeDetail,
    wireError,
    wirePage,
    wireVersion,
    wireVolume,
    wireVolumeDetail,
} from "./wire";

/** The largest page VM0 serves. */
const pageLimit = 100;

/** 401 codes of the public API: each is a credential problem the user fixes the same way. */
const credentialCodes: Readonly<Record<string, string>> = {
    invalid_api_key: "the key is not valid",
    expired_api_key: "the key has expired",
    revoked_api_key: "the key was revoked",
    missing_api_key: "no key reached VM0",
};

export function parseVm0Error(_status: number, body: unknown): CloudErrorInfo {
    if (typeof body === "string") return { message: body.trim().slice(0, 300) || undefined };
    const parsed = wireError.safeParse(body);
    if (!parsed.success) return {};
    const e = parsed.data.error;
    return typeof e === "string" ? { message: e } : { code: e.code ?? e.type, message: e.message };
}

export function vm0Remedy(status: number | undefined, code: string | undefined): string | undefined {
    if (status === 401 || (code !== undefined && code in credentialCodes)) {
        const why = code && credentialCodes[code] ? `${credentialCodes[code]}: ` : "";
        return (
            `${why}set a VM0 API key (\`vm0_live_…\`, from \`vm0 auth setup-token\`) in \`vm0:token\` ` +
            "(`pulumi config set --secret vm0:token …`) or the environment variable `VM0_TOKEN` or `VM0_API_KEY`"
        );
    }
    if (status === 403) return "the key lacks access to this organization's volumes; check `vm0:token`, `VM0_TOKEN` or `VM0_API_KEY`";
    return undefined;
}

/** A presigned download URL: a bearer credential for about an hour. */
export interface Vm0Download {
    /** Where the archive (`tar.gz`) is; never logged, never in an error. */
    url: string;
    /** The version it downloads, when resolved (whole id). */
    versionId?: string;
}

/**
 * VM0's public API v1, read-only: list, get, versions, download. Knows nothing of Pulumi. Every
 * read is a GET, retried on transient failures by the shared HttpClient.
 */
export class Vm0Client {
    private readonly http: HttpClient;

    constructor(
        private readonly baseUrl: string,
        token: string,
    ) {
        const authorization = `Bearer ${token.trim().replace(/^Bearer\s+/i, "")}`;
        this.http = new HttpClient({
            cloud: "vm0",
            baseUrl,
            endpointSource: "`vm0:apiUrl` or VM0_API_URL",
            headers: () => ({ authorization }),
            requestIdHeaders: ["x-request-id"],
            parseError: parseVm0Error,
            remedy: vm0Remedy,
        });
    }

    /**
     * Every volume, each once. VM0's cursor repeats and skips rows (the last row's id applied as
     * `id > cursor` over `createdAt DESC`): read every page at limit 100, de-duplicate by id, and stop
     * when hasMore is false or a page brings no new id. A volume missing from this list may still
     * exist (a skipped row): read by id whenever the id is known.
     */
    async listVolumes(deadline: Deadline): Promise<Vm0Volume[]> {
        return this.walk("/v1/volumes", "list volumes", undefined, deadline, (item) => {
            const r = wireVolume.safeParse(item);
            return r.success ? toVm0Volume(r.data) : undefined;
        });
    }

    /** The volume with its HEAD version, or undefined on 404. */
    async getVolume(id: string, deadline: Deadline): Promise<Vm0VolumeDetail | undefined> {
        requireVm0Id(id, "volume id");
        const res = await this.http.request({
            method: "GET",
            kind: "read",
            path: `/v1/volumes/${encodeURIComponent(id)}`,
            operation: "read volume",
            target: id,
            deadline,
            allowStatuses: [404],
        });
        if (res.status === 404) return undefined;
        return toVm0VolumeDetail(parseResponse("vm0", wireVolumeDetail, res.body, "read volume", id));
    }

    /** Every version of the volume, newest first, each once; a VolumeError when the volume does not exist. */
    async listVersions(id: string, deadline: Deadline): Promise<Vm0Version[]> {
        requireVm0Id(id, "volume id");
        return this.walk(`/v1/volumes/${encodeURIComponent(id)}/versions`, "list versions", id, deadline, (item) => {
            const r = wireVersion.safeParse(item);
            return r.success ? toVm0Version(r.data) : undefined;
        });
    }

    /**
     * The whole id of a version named whole or by a prefix of ≥ 8 characters. Resolved against the
     * versions list; a name the list does not show is handed to VM0 as is (its list can skip rows,
     * and its download resolves prefixes itself), so "unknown" is VM0's word, not the list's.
     */
    async resolveVersion(volumeId: string, wanted: string, deadline: Deadline): Promise<string> {
        const problem = idProblem(wanted);
        if (problem) throw new VolumeError(`vm0: version ${JSON.stringify(wanted)} of volume ${volumeId} ${problem}`);
        if (wanted.length < minVersionPrefix) {
            throw new VolumeError(
                `vm0: version '${wanted}' of volume ${volumeId} is too short: give ` +
                    `the whole id or a prefix of at least ${minVersionPrefix} characters`,
            );
        }
        // A whole id needs no resolving (and VM0's list of versions could skip it).
        if (/^[0-9a-f]{64}$/i.test(wanted)) return wanted.toLowerCase();
        const match = matchVersion(await this.listVersions(volumeId, deadline), wanted);
        if (match.kind === "one") return match.version.id;
        if (match.kind === "several") {
            const ids = match.matches.slice(0, 5).map((v) => v.id.slice(0, 16));
            throw new VolumeError(
                `vm0: version prefix '${wanted}' of volume ${volumeId} is ambiguous: it matches ${match.matches.length} versions ` +
                    `(${ids.join(", ")}${match.matches.length > 5 ? ", …" : ""}); give more characters`,
            );
        }
        return wanted;
    }

    /**
     * The presigned URL of the volume's archive (HEAD, or `versionId` whole or as a unique prefix).
     * VM0 answers 302: the Location is returned, never followed (undici's pool does not follow
     * redirects), and never put in a message. The docs name the query `versionId`, the service's
     * handlers read `version_id`: both are sent. The answer is checked to be the version asked for
     * (its storage key, `…/<versionId>/archive.tar.gz`, is in the URL's path), so a service that
     * read neither and answered HEAD is an error, never a silent download of other content.
     */
    async downloadUrl(id: string, versionId: string | undefined, deadline: Deadline): Promise<Vm0Download> {
        requireVm0Id(id, "volume id");
        const resolved = versionId === undefined ? undefined : await this.resolveVersion(id, versionId, deadline);
        const res = await this.http.request({
            method: "GET",
            kind: "read",
            path: `/v1/volumes/${encodeURIComponent(id)}/download`,
            query: { versionId: resolved, version_id: resolved },
            operation: "download volume",
            target: resolved ? `${id} version ${resolved}` : id,
            deadline,
            allowStatuses: [301, 302, 303, 307, 308],
        });
        const location = res.headers["location"];
        const url = Array.isArray(location) ? location[0] : location;
        if (res.status < 300 || !url) {
            throw new VolumeError(
                `vm0 download volume ${id}: expected a redirect to the archive, got HTTP ${res.status}` +
                    `${url ? "" : " without a Location"}${res.requestId ? ` (request ${res.requestId})` : ""}; ` +
                    `the VM0 API may have changed, please report it`,
            );
        }
        // Kept byte for byte (a presigned URL's signature covers it); a relative one (legal HTTP) is resolved.
        const absolute = hasScheme(url) ? url : new URL(url, this.baseUrl).toString();
        if (resolved !== undefined) {
            const served = versionInUrl(absolute);
            if (served === undefined || !served.startsWith(resolved.toLowerCase())) {
                throw new VolumeError(
                    `vm0 download volume ${id}: asked for version ${resolved.slice(0, 12)}, but VM0 answered ` +
                        `${served ? `the archive of version ${served.slice(0, 12)}` : "an archive whose version it does not name"}` +
                        `${res.requestId ? ` (request ${res.requestId})` : ""}; nothing is returned rather than other content. ` +
                        "The VM0 API may have changed how the version is named; please report it",
                );
            }
            return { url: absolute, versionId: served };
        }
        return { url: absolute, versionId: versionInUrl(absolute) };
    }

    /** Reads every page of a list, de-duplicating by id; never loops on a cursor that does not advance. */
    private async walk<T extends { id: string }>(
        path: string,
        operation: string,
        target: string | undefined,
        deadline: Deadline,
        read: (item: unknown) => T | undefined,
    ): Promise<T[]> {
        const seen = new Map<string, T>();
        const cursors = new Set<string>();
        let cursor: string | undefined;
        for (;;) {
            deadline.check(`vm0 ${operation}${target ? ` ${target}` : ""} (${seen.size} read so far)`);
            const res = await this.http.request({
                method: "GET",
                kind: "read",
                path,
                query: { limit: pageLimit, cursor },
                operation,
                target,
                deadline,
                allowStatuses: target ? [404] : undefined,
            });
            if (res.status === 404)
                throw new VolumeError(`vm0 ${operation}: no volume '${target}'${res.requestId ? ` (request ${res.requestId})` : ""}`);
            const page = parseResponse("vm0", wirePage, res.body, operation, target);
            let fresh = 0;
            for (const item of page.data) {
                const value = read(item);
                if (value && !seen.has(value.id)) {
                    seen.set(value.id, value);
                    fresh++;
                }
            }
            const hasMore = page.pagination?.hasMore ?? page.pagination?.has_more ?? false;
            const next = page.pagination?.nextCursor ?? page.pagination?.next_cursor;
            if (!hasMore || !next || fresh === 0 || cursors.has(next)) break;
            cursors.add(next);
            cursor = next;
        }
        return [...seen.values()];
    }
}

/** The version whose archive a presigned URL serves: the 64-hex segment before `archive.tar.gz` in its path (VM0's storage key). */
export function versionInUrl(url: string): string | undefined {
    let path: string;
    try {
        path = decodeURIComponent(new URL(url).pathname);
    } catch {
        return undefined;
    }
    const m = /\/([0-9a-f]{64})\/archive\.tar\.gz$/i.exec(path);
    return m?.[1]?.toLowerCase();
}

/** What a version id or prefix names among the versions known: one, several, or none. */
export type VersionMatch = { kind: "one"; version: Vm0Version } | { kind: "several"; matches: Vm0Version[] } | { kind: "none" };

/** Resolves a whole id or a prefix of ≥ 8 characters (case-insensitive, as version ids are lowercase hex). */
export function matchVersion(versions: readonly Vm0Version[], wanted: string): VersionMatch {
    const w = wanted.toLowerCase();
    const exact = versions.find((v) => v.id.toLowerCase() === w);
    if (exact) return { kind: "one", version: exact };
    const matches = versions.filter((v) => v.id.toLowerCase().startsWith(w));
    if (matches.length === 1) return { kind: "one", version: matches[0] as Vm0Version };
    return matches.length > 1 ? { kind: "several", matches } : { kind: "none" };
}
