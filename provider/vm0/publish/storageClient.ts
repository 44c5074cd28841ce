/**
 * VM0's STORAGE API, the one the vm0 CLI publishes with (`POST /api/storages/prepare` and
 * `/commit`, docs/apis/vm0.md §2). It is VM0's internal API, NOT the documented public API: it
 * may change without notice, which is why every call to it lives in this one file. Same Bearer
 * token as the public API; host `vm0:storageUrl` / `VM0_STORAGE_URL`, else `vm0:apiUrl` /
 * `VM0_API_URL` when set, else `https://www.vm0.ai`.
 */
import { z } from "zod";
import { requireCredential, resolveSetting } from "../../core/config";
import type { Deadline } from "../../core/deadline";
import { VolumeError } from "../../core/errors";
import { HttpClient } from "../../core/http";
import { parseResponse } from "../../core/parse";
import { parseVm0Error, vm0Remedy } from "../client";
import { vm0Endpoint } from "../session";
import { withDefaultScheme } from "../../core/transport";
import type { Vm0FileEntry } from "./source";

export const defaultVm0StorageUrl = "https://www.vm0.ai";

const storageUrlSource = { configKey: "vm0:storageUrl", envVars: ["VM0_STORAGE_URL"] } as const;

const upload = z.looseObject({ key: z.string().optional(), presignedUrl: z.string().min(1) });

const wirePrepare = z.looseObject({
    versionId: z.string().min(1),
    existing: z.boolean().optional().catch(undefined),
    uploads: z.looseObject({ archive: upload, manifest: upload }).nullish(),
});

const wireCommit = z.looseObject({
    versionId: z.string().min(1),
    size: z.number().optional().catch(undefined),
    fileCount: z.number().optional().catch(undefined),
    deduplicated: z.boolean().optional().catch(undefined),
});

/** `GET /api/storages/list`: a bare array, each row read leniently (only `name` matters here). */
const wireList = z.array(z.unknown());
const wireListRow = z.looseObject({ name: z.string() });

/** `GET /api/storages/download` by name: HEAD's version id (its URL is never kept). */
const wireHead = z.looseObject({ versionId: z.string().min(1) });

/** The storage API's own not-found body (`{"error":{"code":"NOT_FOUND",…}}`); a proxy's 404 page is not one. */
const wireNotFound = z.looseObject({ error: z.looseObject({ code: z.literal("NOT_FOUND") }) });

/** What prepare answers. */
export interface PrepareResult {
    /** The version id VM0 computed for this file set (never computed locally). */
    versionId: string;
    /** The version is already stored: nothing to upload, commit re-points HEAD. */
    existing: boolean;
    /** Presigned PUT URLs (bearer credentials for an hour: never logged). */
    uploads?: { archive: { presignedUrl: string }; manifest: { presignedUrl: string } };
}

export interface CommitResult {
    versionId: string;
    size?: number;
    fileCount?: number;
    deduplicated?: boolean;
}

/** The storage API client: prepare and commit of volumes. */
export class Vm0StorageClient {
    private readonly http: HttpClient;

    constructor(baseUrl: string, token: string) {
        const authorization = `Bearer ${token.trim().replace(/^Bearer\s+/i, "")}`;
        this.http = new HttpClient({
            cloud: "vm0",
            baseUrl: withDefaultScheme(baseUrl),
            endpointSource: "`vm0:storageUrl` or VM0_STORAGE_URL (else `vm0:apiUrl` or VM0_API_URL)",
            headers: () => ({ authorization }),
            requestIdHeaders: ["x-request-id", "x-vercel-id"],
            parseError: parseVm0Error,
            remedy: vm0Remedy,
        });
    }

    /**
     * Upserts the volume by name (VM0's only create) and answers the version id of `files`. Resent
     * freely (`write`): the same name and files give the same answer, with fresh upload URLs.
     */
    async prepare(args: { storageName: string; files: readonly Vm0FileEntry[] }, deadline: Deadline): Promise<PrepareResult> {
        const res = await this.http.request({
            method: "POST",
            kind: "write",
            path: "/api/storages/prepare",
            json: { storageName: args.storageName, storageType: "volume", files: args.files },
            operation: "prepare version",
            target: args.storageName,
            deadline,
        });
        const body = parseResponse("vm0", wirePrepare, res.body, "prepare version", args.storageName);
        return {
            versionId: body.versionId,
            existing: body.existing ?? false,
            uploads: body.uploads
                ? {
                      archive: { presignedUrl: body.uploads.archive.presignedUrl },
                      manifest: { presignedUrl: body.uploads.manifest.presignedUrl },
                  }
                : undefined,
        };
    }

    /**
     * Whether VM0 has a volume of exactly this name, whatever its content, even none: the storage
     * API's list, which is neither paginated nor cursored (the public list's cursor skips rows), and
     * shows volumes that have no version yet.
     */
    async volumeExists(name: string, deadline: Deadline): Promise<boolean> {
        const res = await this.http.request({
            method: "GET",
            kind: "read",
            path: "/api/storages/list",
            query: { type: "volume" },
            operation: "list volumes",
            target: `for ${name}`,
            deadline,
        });
        const rows = parseResponse("vm0", wireList, res.body, "list volumes", `for ${name}`);
        return rows.some((row) => wireListRow.safeParse(row).data?.name === name);
    }

    /**
     * HEAD of the volume named exactly `name`, by the storage API's download (one exact lookup, no
     * list): its version id, or undefined when the volume has no version or does not exist (VM0's own
     * 404). A 404 in any other shape (a proxy, a wrong URL) is an error, never "no HEAD".
     */
    async headOf(name: string, deadline: Deadline): Promise<string | undefined> {
        const res = await this.http.request({
            method: "GET",
            kind: "read",
            path: "/api/storages/download",
            query: { name, type: "volume" },
            operation: "read HEAD of volume",
            target: name,
            deadline,
            allowStatuses: [404],
        });
        if (res.status === 404) {
            if (wireNotFound.safeParse(res.body).success) return undefined;
            throw new VolumeError(
                `vm0 read HEAD of volume ${name}: the storage API answered 404 without VM0's error body` +
                    `${res.requestId ? ` (request ${res.requestId})` : ""}; check \`vm0:storageUrl\` / VM0_STORAGE_URL`,
            );
        }
        return parseResponse("vm0", wireHead, res.body, "read HEAD of volume", name).versionId;
    }

    /**
     * Makes `versionId` HEAD (storing it first when new). Resent freely (`write`): committing the
     * same version again only re-points HEAD at it, so a lost response cannot make a second version.
     */
    async commit(
        args: { storageName: string; versionId: string; files: readonly Vm0FileEntry[]; message?: string },
        deadline: Deadline,
    ): Promise<CommitResult> {
        const res = await this.http.request({
            method: "POST",
            kind: "write",
            path: "/api/storages/commit",
            json: {
                storageName: args.storageName,
                storageType: "volume",
                versionId: args.versionId,
                files: args.files,
                ...(args.message !== undefined ? { message: args.message } : {}),
            },
            operation: "commit version",
            target: `${args.storageName} version ${args.versionId.slice(0, 12)}`,
            deadline,
        });
        const body = parseResponse("vm0", wireCommit, res.body, "commit version", args.storageName);
        if (body.versionId !== args.versionId) {
            throw new VolumeError(
                `vm0 commit version ${args.storageName}: VM0 committed version ` +
                    `${body.versionId.slice(0, 12)} instead of ${args.versionId.slice(0, 12)}; ` +
                    "the storage API may have changed, please report it",
            );
        }
        return { versionId: body.versionId, size: body.size, fileCount: body.fileCount, deduplicated: body.deduplicated };
    }
}

/**
 * The storage API base URL (the README's credentials table): `vm0:storageUrl`/`VM0_STORAGE_URL`, else `vm0:apiUrl`/`VM0_API_URL`,
 * else www.vm0.ai.
 */
export function vm0StorageUrl(): string {
    return resolveSetting(storageUrlSource) ?? resolveSetting(vm0Endpoint.apiUrl) ?? defaultVm0StorageUrl;
}

const clients = new Map<string, Vm0StorageClient>();

/** The storage client of the current credentials, one per token and URL in the process. */
export function vm0StorageClient(): Vm0StorageClient {
    const token = requireCredential("vm0", vm0Endpoint.token);
    const url = vm0StorageUrl();
    const key = `${url}\n${token}`;
    let client = clients.get(key);
    if (!client) clients.set(key, (client = new Vm0StorageClient(url, token)));
    return client;
}
