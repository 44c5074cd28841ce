/**
 * Request-body validation for the Fly volume endpoints. Failures are
 * `FlyApiError(400, …)`; texts are the emulator's own (Fly's exact wording is
 * unconfirmed, docs/apis/fly.md).
 */
import { FlyApiError } from "./errors";

/** Largest volume Fly creates ("The maximum volume size is 500GB"). */
export const maxSizeGb = 500;
/** Volume names: lowercase alphanumerics and `_`, 1–30 characters. */
export const namePattern = /^[a-z0-9_]{1,30}$/;
/** Region codes are three lowercase letters; meta-regions are refused. */
const regionPattern = /^[a-z]{3}$/;
const metaRegions = new Set(["any"]);

/** A validated `CreateVolumeRequest`; absent/null fields stay undefined. */
export interface CreateVolumeInput {
    readonly name: string;
    /** Absent: Fly picks one (the store's `defaultRegion`). */
    readonly region?: string;
    readonly sizeGb?: number;
    readonly encrypted?: boolean;
    readonly fstype?: "ext4" | "raw";
    readonly requireUniqueZone?: boolean;
    readonly uniqueZoneAppWide?: boolean;
    readonly snapshotRetention?: number;
    readonly autoBackupEnabled?: boolean;
    readonly snapshotId?: string;
    readonly sourceVolumeId?: string;
}

/** A validated `UpdateVolumeRequest` (null/absent = unchanged). */
export interface UpdateVolumeInput {
    readonly snapshotRetention?: number;
    readonly autoBackupEnabled?: boolean;
}

function bad(message: string): never {
    throw new FlyApiError(400, message);
}

function optional<T>(body: Record<string, unknown>, key: string, check: (v: unknown) => v is T, expected: string): T | undefined {
    const value = body[key];
    if (value === undefined || value === null) return undefined;
    if (!check(value)) bad(`${key} must be ${expected}`);
    return value;
}

const isBool = (v: unknown): v is boolean => typeof v === "boolean";
const isString = (v: unknown): v is string => typeof v === "string";
const isNumber = (v: unknown): v is number => typeof v === "number";
const isObject = (v: unknown): v is object => typeof v === "object" && v !== null && !Array.isArray(v);

/** Validate `size_gb` (integer, 1–500). */
export function checkSizeGb(value: unknown, key = "size_gb"): number {
    if (typeof value !== "number" || !Number.isInteger(value) || value < 1 || value > maxSizeGb) {
        bad(`${key} must be an integer between 1 and ${maxSizeGb}`);
    }
    return value;
}

function checkRetention(value: number | undefined): number | undefined {
    if (value !== undefined && (!Number.isInteger(value) || value < 1 || value > 60)) {
        bad("snapshot_retention must be an integer number of days between 1 and 60");
    }
    return value;
}

/** Validate a create body. */
export function parseCreateVolume(body: Record<string, unknown>): CreateVolumeInput {
    const name = body["name"];
    if (typeof name !== "string" || !namePattern.test(name)) {
        bad(
            `invalid volume name ${JSON.stringify(name ?? "")}: names must be 1-30 characters, ` +
                "only lowercase alphanumeric characters and underscores are allowed",
        );
    }
    // Optional on the wire (the spec marks every field optional); absent, null or "" lets Fly pick.
    const rawRegion = optional(body, "region", isString, "a string");
    const region = rawRegion === "" ? undefined : rawRegion;
    if (region !== undefined && (!regionPattern.test(region) || metaRegions.has(region))) bad(`invalid region ${JSON.stringify(region)}`);
    const rawSize = body["size_gb"];
    const sizeGb = rawSize === undefined || rawSize === null ? undefined : checkSizeGb(rawSize);
    const fstype = optional(body, "fstype", isString, `"ext4" or "raw"`);
    if (fstype !== undefined && fstype !== "ext4" && fstype !== "raw") bad(`fstype must be "ext4" or "raw"`);
    const snapshotId = optional(body, "snapshot_id", isString, "a string");
    const sourceVolumeId = optional(body, "source_volume_id", isString, "a string");
    if (snapshotId !== undefined && sourceVolumeId !== undefined) {
        bad("snapshot_id and source_volume_id cannot both be set");
    }
    optional(body, "compute", isObject, "an object");
    optional(body, "compute_image", isString, "a string");
    const input: CreateVolumeInput = {
        name,
        region,
        sizeGb,
        encrypted: optional(body, "encrypted", isBool, "a boolean"),
        fstype,
        requireUniqueZone: optional(body, "require_unique_zone", isBool, "a boolean"),
        uniqueZoneAppWide: optional(body, "unique_zone_app_wide", isBool, "a boolean"),
        snapshotRetention: checkRetention(optional(body, "snapshot_retention", isNumber, "a number")),
        autoBackupEnabled: optional(body, "auto_backup_enabled", isBool, "a boolean"),
        snapshotId: snapshotId === "" ? undefined : snapshotId,
        sourceVolumeId: sourceVolumeId === "" ? undefined : sourceVolumeId,
    };
    return input;
}

/** Validate an update body (partial: null/absent = unchanged). */
export function parseUpdateVolume(body: Record<string, unknown>): UpdateVolumeInput {
    return {
        snapshotRetention: checkRetention(optional(body, "snapshot_retention", isNumber, "a number")),
        autoBackupEnabled: optional(body, "auto_backup_enabled", isBool, "a boolean"),
    };
}

/** Validate an extend body: `size_gb` is the new total. */
export function parseExtendVolume(body: Record<string, unknown>): number {
    if (body["size_gb"] === undefined || body["size_gb"] === null) bad("size_gb is required");
    return checkSizeGb(body["size_gb"]);
}
