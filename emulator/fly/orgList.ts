/**
 * `GET /v1/orgs/{org}/volumes`: every app's volumes, in creation order, with
 * filters and cursor pagination. Every app is in the one org `personal`.
 */
import { FlyApiError } from "./errors";
import { isGone, type VolumeEntity } from "./store";
import { FLY_VOLUME_STATES, type FlyOrgVolumesPage, type FlyVolumeState } from "./types";
import { rfc3339, toOrgVolume } from "./wire";

/** The only org slug the emulator knows. */
export const ORG_SLUG = "personal";
/** Page size when `limit` is absent. */
export const DEFAULT_ORG_PAGE_LIMIT = 100;
/** Largest page (`limit` is advisory and capped here). */
export const MAX_ORG_PAGE_LIMIT = 1000;

/** Whether a query flag is on (`true` or `1`). */
export function flag(query: URLSearchParams, name: string): boolean {
    const value = query.get(name);
    return value === "true" || value === "1";
}

/** Build one page of the org list. */
export function orgVolumesPage(all: readonly VolumeEntity[], query: URLSearchParams): FlyOrgVolumesPage {
    const includeDeleted = flag(query, "include_deleted");
    const summary = flag(query, "summary");
    const region = query.get("region") || undefined;
    const states = parseStates(query.get("state"));
    const updatedAfter = parseTime(query.get("updated_after"));
    const limit = parseLimit(query.get("limit"));
    const afterSeq = parseCursor(query.get("cursor"));

    const matching = all.filter(
        (v) =>
            v.seq > afterSeq &&
            (includeDeleted || !isGone(v)) &&
            (region === undefined || v.region === region) &&
            (states === undefined || states.has(v.state)) &&
            (updatedAfter === undefined || v.updatedAt > updatedAfter),
    );
    const page = matching.slice(0, limit);
    const last = page[page.length - 1];
    return {
        volumes: page.map((v) => toOrgVolume(v, summary)),
        next_cursor: last && matching.length > page.length ? encodeCursor(last.seq) : "",
        last_volume_id: last ? last.id : "",
        last_updated_at: last ? rfc3339(last.updatedAt) : "",
    };
}

function parseStates(value: string | null): Set<FlyVolumeState> | undefined {
    if (!value) return undefined;
    const states = value
        .split(",")
        .map((s) => s.trim())
        .filter((s) => s !== "");
    for (const s of states) {
        if (!(FLY_VOLUME_STATES as readonly string[]).includes(s)) throw new FlyApiError(400, `invalid state filter ${JSON.stringify(s)}`);
    }
    return new Set(states as FlyVolumeState[]);
}

function parseTime(value: string | null): number | undefined {
    if (!value) return undefined;
    const ms = Date.parse(value);
    if (!/^\d{4}-\d{2}-\d{2}T/.test(value) || Number.isNaN(ms)) {
        throw new FlyApiError(400, "updated_after must be an RFC 3339 timestamp");
    }
    return ms;
}

function parseLimit(value: string | null): number {
    if (value === null || value === "") return DEFAULT_ORG_PAGE_LIMIT;
    const n = Number(value);
    if (!Number.isInteger(n) || n < 1) throw new FlyApiError(400, "limit must be a positive integer");
    return Math.min(n, MAX_ORG_PAGE_LIMIT);
}

function encodeCursor(seq: number): string {
    return Buffer.from(`seq:${seq}`, "utf8").toString("base64url");
}

function parseCursor(value: string | null): number {
    if (!value) return 0;
    const match = /^seq:(\d+)$/.exec(Buffer.from(value, "base64url").toString("utf8"));
    if (!match) throw new FlyApiError(400, "invalid cursor");
    return Number(match[1]);
}
