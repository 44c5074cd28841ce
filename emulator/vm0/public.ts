/**
 * VM0's public API v1, read-only (docs/apis/vm0.md §1): list, get, versions, download. Any other
 * method is a 404, as in production since #1099 removed create, upload, commit and delete.
 */
import { Router } from "../core/router";
import type { EmuRequest, EmuResponse } from "../core/types";
import { publicError, Vm0ApiError } from "./errors";
import type { Presigner } from "./objects";
import { objectKey, type VolumeState, type Vm0Store } from "./store";
import type { Vm0Knobs, Vm0Page, Vm0VolumeDetail } from "./types";

interface PublicContext {
    store: Vm0Store;
    presigner: Presigner;
    knobs: Vm0Knobs;
    req: EmuRequest;
    params: Readonly<Record<string, string>>;
    origin: string;
}

type Handler = (c: PublicContext) => EmuResponse;

export function publicRouter(): Router<Handler> {
    return new Router<Handler>()
        .add("GET", "/v1/volumes", listVolumes)
        .add("GET", "/v1/volumes/:id", getVolume)
        .add("GET", "/v1/volumes/:id/versions", listVersions)
        .add("GET", "/v1/volumes/:id/download", download);
}

function listVolumes(c: PublicContext): EmuResponse {
    const rows = c.store.publicVolumes().sort((a, b) => b.createdAt - a.createdAt || (a.id < b.id ? 1 : -1));
    return { status: 200, body: paginate(rows, c, (v) => c.store.view(v), c.knobs.cursorQuirk) };
}

function getVolume(c: PublicContext): EmuResponse {
    const v = volume(c);
    const body: Vm0VolumeDetail = { ...c.store.view(v), currentVersion: c.store.head(v) };
    return { status: 200, body };
}

function listVersions(c: PublicContext): EmuResponse {
    const v = volume(c);
    // The quirk is documented for the volume list only (`v1/volumes/route.ts`).
    return { status: 200, body: paginate(c.store.versionsOf(v), c, (x) => x, false) };
}

function download(c: PublicContext): EmuResponse {
    const v = volume(c);
    // The docs say `versionId`, the service's handlers read `version_id`: the knob says which is read
    // (`none`: neither, every download is HEAD's, whatever was asked).
    const param = c.knobs.downloadVersionParam;
    const camel = param === "both" || param === "versionId" ? c.req.query.get("versionId") : null;
    const snake = param === "both" || param === "version_id" ? c.req.query.get("version_id") : null;
    const wanted = camel ?? snake ?? undefined;
    const version = wanted ? c.store.resolveVersion(v, wanted) : c.store.head(v);
    if (!version) throw new Vm0ApiError(404, "resource_not_found", `Volume '${v.name}' has no versions`);
    if (version.fileCount === 0) throw new Vm0ApiError(404, "resource_not_found", `Version '${version.id}' has no files`);
    const key = objectKey(v, version.id, "archive.tar.gz");
    if (!c.store.object(key)) throw new Vm0ApiError(404, "resource_not_found", `Archive of version '${version.id}' not found`);
    return { status: 302, headers: { location: c.presigner.url(c.origin, "GET", key) } };
}

function volume(c: PublicContext): VolumeState {
    const id = c.params["id"] ?? "";
    const v = c.store.find(id);
    if (!v) throw new Vm0ApiError(404, "resource_not_found", `No such volume: '${id}'`);
    return v;
}

/**
 * `limit` 1–100 (default 20) and `cursor`. With the quirk (production's volume list): rows with `id > cursor`
 * in `createdAt DESC` order, `nextCursor` the last row's id, so pages repeat and skip. Without it: a
 * correct keyset cursor (rows after the cursor row in that order).
 */
function paginate<R extends { id: string }, T>(rows: readonly R[], c: PublicContext, view: (r: R) => T, quirk: boolean): Vm0Page<T> {
    const rawLimit = c.req.query.get("limit");
    const limit = rawLimit === null ? 20 : Number(rawLimit);
    if (rawLimit !== null && (!/^\d+$/.test(rawLimit) || limit < 1 || limit > 100)) {
        throw new Vm0ApiError(400, "invalid_parameter", `Invalid limit '${rawLimit}': must be an integer between 1 and 100`, "limit");
    }
    const cursor = c.req.query.get("cursor") || undefined;
    let rest: readonly R[] = rows;
    if (cursor !== undefined) {
        if (quirk) rest = rows.filter((r) => r.id > cursor);
        else {
            const at = rows.findIndex((r) => r.id === cursor);
            if (at < 0) throw new Vm0ApiError(400, "invalid_parameter", `Invalid cursor '${cursor}'`, "cursor");
            rest = rows.slice(at + 1);
        }
    }
    const page = rest.slice(0, limit);
    const hasMore = rest.length > limit;
    return { data: page.map(view), pagination: { hasMore, nextCursor: hasMore ? (page[page.length - 1] as R).id : null } };
}

/** Routes one public request; `undefined` when no public route matches. */
export function handlePublic(
    router: Router<Handler>,
    req: EmuRequest,
    base: Omit<PublicContext, "req" | "params">,
): EmuResponse | undefined {
    const match = router.match(req.method, req.path);
    if (!match) return undefined;
    try {
        return match.value({ ...base, req, params: match.params });
    } catch (err) {
        if (err instanceof Vm0ApiError) return publicError(err.status, err.code, err.message, err.param);
        throw err;
    }
}
