/**
 * Request validation for the NeevCloud endpoints, after the spec's schemas.
 * Failures are 400 `INVALID_ARGUMENT` with `details.field`; texts are the
 * emulator's own. Lenient where the spec is: unknown body fields and query
 * parameters are ignored (no schema declares `additionalProperties: false`).
 */
import { parseJsonObject } from "../core/http";
import { invalid } from "./errors";
import { uuidPattern } from "./ids";
import type { NeevAttachedTo, NeevVolumeMode } from "./types";

/** `NetworkVolumeRequest.sizeGB` bounds (create only; extend has no maximum). */
export const minSizeGb = 1;
export const maxSizeGb = 1000;
/** List paging: `page ≥ 1`, `1 ≤ limit ≤ 100`, default limit 20. */
export const defaultLimit = 20;
export const maxLimit = 100;

/** A validated `NetworkVolumeRequest`. */
export interface CreateVolumeInput {
    /** Absent or `""`: auto-generated. */
    readonly name?: string;
    readonly sizeGb: number;
    readonly regionId: string;
    readonly volumeMode: NeevVolumeMode;
    readonly mountPath?: string;
    readonly attachedTo: readonly NeevAttachedTo[];
}

/** A validated list query. */
export interface ListQuery {
    readonly page: number;
    readonly limit: number;
    readonly available: boolean;
}

/** The body as a JSON object, else 400. */
export function jsonBody(body: Buffer): Record<string, unknown> {
    const parsed = parseJsonObject(body);
    if (!parsed.ok) throw invalid(parsed.reason);
    return parsed.value;
}

function integer(value: unknown, field: string, min: number, max?: number): number {
    const range = max === undefined ? `at least ${min}` : `between ${min} and ${max}`;
    if (value === undefined || value === null) throw invalid(`${field} is required`, field);
    if (typeof value !== "number" || !Number.isInteger(value) || value < min || (max !== undefined && value > max)) {
        throw invalid(`${field} must be an integer ${range}`, field);
    }
    return value;
}

function optionalString(body: Record<string, unknown>, field: string): string | undefined {
    const value = body[field];
    if (value === undefined) return undefined;
    if (typeof value !== "string") throw invalid(`${field} must be a string`, field);
    return value;
}

/** Validate a create body. */
export function parseCreateVolume(body: Record<string, unknown>): CreateVolumeInput {
    const name = optionalString(body, "name");
    const sizeGb = integer(body["sizeGB"], "sizeGB", minSizeGb, maxSizeGb);
    const regionId = body["regionID"];
    if (regionId === undefined || regionId === null || regionId === "") throw invalid("regionID is required", "regionID");
    if (typeof regionId !== "string") throw invalid("regionID must be a string", "regionID");
    // The schema gives volumeMode a default but also lists it as required: required wins.
    const volumeMode = body["volumeMode"];
    if (volumeMode === undefined || volumeMode === null) throw invalid("volumeMode is required", "volumeMode");
    if (volumeMode !== "filesystem" && volumeMode !== "block") {
        throw invalid(`volumeMode must be "filesystem" or "block"`, "volumeMode");
    }
    const mountPath = optionalString(body, "mountPath");
    return {
        ...(name !== undefined && name !== "" ? { name } : {}),
        sizeGb,
        regionId,
        volumeMode,
        ...(mountPath !== undefined ? { mountPath } : {}),
        attachedTo: parseAttachedTo(body["attachedTo"]),
    };
}

function parseAttachedTo(value: unknown): NeevAttachedTo[] {
    if (value === undefined) return [];
    if (!Array.isArray(value)) throw invalid("attachedTo must be an array", "attachedTo");
    return value.map((item: unknown, i) => {
        const where = `attachedTo[${i}]`;
        if (item === null || typeof item !== "object" || Array.isArray(item)) throw invalid(`${where} must be an object`, where);
        const entry = item as Record<string, unknown>;
        const field = (key: string): string => {
            const v = entry[key];
            if (typeof v !== "string") throw invalid(`${where}.${key} is required and must be a string`, `${where}.${key}`);
            return v;
        };
        const instanceId = field("instance_id");
        if (!uuidPattern.test(instanceId)) throw invalid(`${where}.instance_id must be a uuid`, `${where}.instance_id`);
        return { instance_id: instanceId.toLowerCase(), instance_name: field("instance_name"), instance_type: field("instance_type") };
    });
}

/** Validate an extend body: `sizeGB` is the new total, an integer ≥ 1 (greater than current is checked by the store). */
export function parseExtendVolume(body: Record<string, unknown>): number {
    return integer(body["sizeGB"], "sizeGB", minSizeGb);
}

/** Validate the list query (`page`, `limit`, `available`); other parameters are ignored. */
export function parseListQuery(query: URLSearchParams): ListQuery {
    return {
        page: queryInteger(query, "page", 1, 1),
        limit: queryInteger(query, "limit", defaultLimit, 1, maxLimit),
        available: queryBoolean(query, "available"),
    };
}

function queryInteger(query: URLSearchParams, name: string, fallback: number, min: number, max?: number): number {
    const raw = query.get(name);
    if (raw === null || raw === "") return fallback;
    const n = /^[+-]?\d+$/.test(raw.trim()) ? Number(raw) : NaN;
    if (!Number.isSafeInteger(n) || n < min || (max !== undefined && n > max)) {
        const range = max === undefined ? `at least ${min}` : `between ${min} and ${max}`;
        throw invalid(`${name} must be an integer ${range}`, name);
    }
    return n;
}

/** Booleans as Go's `strconv.ParseBool` reads them (`true`, `1`, `t`, … case-insensitive). */
function queryBoolean(query: URLSearchParams, name: string): boolean {
    const raw = query.get(name);
    if (raw === null || raw === "") return false;
    const v = raw.toLowerCase();
    if (v === "true" || v === "1" || v === "t") return true;
    if (v === "false" || v === "0" || v === "f") return false;
    throw invalid(`${name} must be true or false`, name);
}
