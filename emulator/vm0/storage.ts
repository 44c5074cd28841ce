/**
 * The storage API the vm0 CLI publishes with (docs/apis/vm0.md §2; internal, undocumented):
 * prepare (upserts the volume, answers a deterministic version id, dedups, hands out presigned PUT
 * URLs), the uploads themselves (objects.ts), then commit (checks the uploads, moves HEAD).
 */
import { z } from "zod";
import type { EmuRequest, EmuResponse } from "../core/types";
import { Vm0StorageError, storageError } from "./errors";
import type { Presigner } from "./objects";
import { contentHash, objectKey, type Vm0Store } from "./store";

/** 100 MB, per file and per upload. */
export const maxUploadBytes = 104_857_600;

const file = z.object({
    path: z.string().min(1),
    hash: z.string().regex(/^[0-9a-fA-F]{64}$/, "must be a 64-character hex SHA-256"),
    size: z.number().int().min(0).max(maxUploadBytes),
});

const storageType = z.enum(["volume", "artifact", "memory"]);

const prepareBody = z.object({
    storageName: z.string().min(1).max(256),
    storageType,
    files: z.array(file),
    force: z.boolean().optional(),
    runId: z.string().optional(),
    baseVersion: z.string().optional(),
    changes: z
        .object({ added: z.array(z.string()), modified: z.array(z.string()), deleted: z.array(z.string()) })
        .partial()
        .optional(),
});

const commitBody = z.object({
    storageName: z.string().min(1).max(256),
    storageType,
    versionId: z.string().min(1),
    files: z.array(file),
    runId: z.string().optional(),
    message: z.string().optional(),
});

export interface StorageContext {
    store: Vm0Store;
    presigner: Presigner;
    origin: string;
}

/** Answers `POST /api/storages/prepare` and `/commit`, `GET /api/storages/list` and `/download`; `undefined` for any other path. */
export function handleStorage(req: EmuRequest, c: StorageContext): EmuResponse | undefined {
    const routes: Record<string, { method: "GET" | "POST"; run: (req: EmuRequest, c: StorageContext) => EmuResponse }> = {
        "/api/storages/prepare": { method: "POST", run: (r, cx) => prepare(readJson(r), cx) },
        "/api/storages/commit": { method: "POST", run: (r, cx) => commit(readJson(r), cx) },
        "/api/storages/list": { method: "GET", run: list },
        "/api/storages/download": { method: "GET", run: downloadByName },
    };
    const route = Object.hasOwn(routes, req.path) ? routes[req.path] : undefined;
    if (!route) return undefined;
    if (req.method !== route.method) return storageError(405, "METHOD_NOT_ALLOWED", `${req.method} is not allowed on ${req.path}`);
    try {
        return route.run(req, c);
    } catch (err) {
        if (err instanceof Vm0StorageError) return storageError(err.status, err.code, err.message);
        throw err;
    }
}

function prepare(raw: unknown, c: StorageContext): EmuResponse {
    const body = validate(prepareBody, raw);
    const total = body.files.reduce((n, f) => n + f.size, 0);
    if (total > maxUploadBytes) {
        throw new Vm0StorageError(413, "PAYLOAD_TOO_LARGE", "Upload rejected: total file size exceeds 100MB limit");
    }
    const v = c.store.upsert(body.storageName, body.storageType);
    const versionId = contentHash(v.id, body.files);
    const existing = c.store.versionsOf(v).some((x) => x.id === versionId);
    if (existing && !body.force) return { status: 200, body: { versionId, existing: true } };
    const archive = objectKey(v, versionId, "archive.tar.gz");
    const manifest = objectKey(v, versionId, "manifest.json");
    return {
        status: 200,
        body: {
            versionId,
            existing,
            uploads: {
                archive: { key: archive, presignedUrl: c.presigner.url(c.origin, "PUT", archive) },
                manifest: { key: manifest, presignedUrl: c.presigner.url(c.origin, "PUT", manifest) },
            },
        },
    };
}

function commit(raw: unknown, c: StorageContext): EmuResponse {
    const body = validate(commitBody, raw);
    const v = c.store.byName(body.storageName, body.storageType);
    if (!v) throw new Vm0StorageError(404, "NOT_FOUND", `Storage "${body.storageName}" not found`);
    if (body.versionId !== contentHash(v.id, body.files)) {
        throw new Vm0StorageError(400, "BAD_REQUEST", "Version ID mismatch - files may have changed");
    }
    const known = c.store.versionsOf(v).some((x) => x.id === body.versionId);
    if (!known) {
        if (!c.store.object(objectKey(v, body.versionId, "manifest.json"))) {
            throw new Vm0StorageError(400, "BAD_REQUEST", "Manifest not uploaded: upload it to the presigned URL, then commit");
        }
        if (body.files.length > 0 && !c.store.object(objectKey(v, body.versionId, "archive.tar.gz"))) {
            throw new Vm0StorageError(409, "S3_FILES_MISSING", "Archive not found in storage: upload it to the presigned URL, then commit");
        }
    }
    const version = c.store.commit(v, body.versionId, body.files, body.message ?? null, body.runId ? "agent" : "user");
    return {
        status: 200,
        body: {
            success: true,
            versionId: version.id,
            storageName: v.name,
            size: version.size,
            fileCount: version.fileCount,
            ...(known ? { deduplicated: true } : {}),
        },
    };
}

/**
 * `GET /api/storages/list?type=`: every storage of the type, newest update first, NOT paginated and
 * without ids; `size`/`fileCount` are the records' own (stale after a rollback). Volumes without a
 * version are listed too.
 */
function list(req: EmuRequest, c: StorageContext): EmuResponse {
    const type = validate(storageType, req.query.get("type") ?? undefined);
    const rows = c.store.all(type).sort((a, b) => b.updatedAt - a.updatedAt);
    return {
        status: 200,
        body: rows.map((v) => ({ name: v.name, size: v.size, fileCount: v.fileCount, updatedAt: new Date(v.updatedAt).toISOString() })),
    };
}

/**
 * `GET /api/storages/download?name=&type=&version=`: the storage found by its exact name; HEAD (or
 * `version`, a whole id or a unique prefix) as `{url, versionId, fileCount, size}`, or `{empty: true, …}`
 * for a version of no files; 404 `Storage "x" not found`, or 404 `Storage "x" has no versions`.
 */
function downloadByName(req: EmuRequest, c: StorageContext): EmuResponse {
    const name = validate(z.string().min(1), req.query.get("name") ?? undefined);
    const type = validate(storageType, req.query.get("type") ?? undefined);
    const wanted = req.query.get("version") ?? undefined;
    const v = c.store.byName(name, type);
    if (!v) throw new Vm0StorageError(404, "NOT_FOUND", `Storage "${name}" not found`);
    let version;
    if (wanted) {
        if (!/^[a-f0-9]{8,64}$/i.test(wanted)) throw new Vm0StorageError(400, "BAD_REQUEST", "version: Invalid version id");
        const matches = c.store.versionsOf(v).filter((x) => x.id.startsWith(wanted.toLowerCase()));
        if (matches.length === 0) throw new Vm0StorageError(404, "NOT_FOUND", `Version "${wanted}" not found`);
        if (matches.length > 1) throw new Vm0StorageError(400, "BAD_REQUEST", `Ambiguous version prefix "${wanted}"`);
        version = matches[0];
    } else {
        version = c.store.head(v);
        if (!version) throw new Vm0StorageError(404, "NOT_FOUND", `Storage "${name}" has no versions`);
    }
    if (!version) throw new Vm0StorageError(404, "NOT_FOUND", `Storage "${name}" HEAD version not found`);
    if (version.fileCount === 0) return { status: 200, body: { empty: true, versionId: version.id, fileCount: 0, size: 0 } };
    const key = objectKey(v, version.id, "archive.tar.gz");
    return {
        status: 200,
        body: { url: c.presigner.url(c.origin, "GET", key), versionId: version.id, fileCount: version.fileCount, size: version.size },
    };
}

function readJson(req: EmuRequest): unknown {
    const text = req.body.toString("utf8").trim();
    if (text === "") throw new Vm0StorageError(400, "BAD_REQUEST", "Request body is empty; expected JSON");
    try {
        return JSON.parse(text);
    } catch {
        throw new Vm0StorageError(400, "BAD_REQUEST", "Request body is not valid JSON");
    }
}

function validate<T extends z.ZodType>(schema: T, raw: unknown): z.infer<T> {
    const r = schema.safeParse(raw);
    if (r.success) return r.data;
    const issue = r.error.issues[0];
    const where = issue?.path.length ? issue.path.join(".") : "body";
    throw new Vm0StorageError(400, "BAD_REQUEST", `${where}: ${issue?.message ?? "invalid"}`);
}
