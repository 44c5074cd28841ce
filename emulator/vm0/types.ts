/**
 * VM0 volumes (docs/apis/vm0.md): the public read-only API v1 shapes, the storage API the vm0 CLI
 * uses to publish, the emulator's knobs and its test hooks. camelCase, as VM0 answers since PR #1730.
 */

/** `Volume` as `GET /v1/volumes` lists it. */
export interface Vm0Volume {
    /** A UUID (the docs' `vol_…` form is accepted when seeded). */
    id: string;
    name: string;
    /** HEAD: the current version's 64-hex id, null before the first commit. */
    currentVersionId: string | null;
    /** Bytes of the current version. */
    size: number;
    fileCount: number;
    /** ISO 8601. */
    createdAt: string;
    updatedAt: string;
}

/** `Version`. */
export interface Vm0Version {
    /** 64-char lowercase hex, deterministic per (volume, file set). */
    id: string;
    volumeId: string;
    size: number;
    fileCount: number;
    message: string | null;
    /** `"user"` or `"agent"` (written by a run), as the source writes it. */
    createdBy: string;
    createdAt: string;
}

/** `GET /v1/volumes/:id`: the volume with its HEAD version. */
export interface Vm0VolumeDetail extends Vm0Volume {
    currentVersion: Vm0Version | null;
}

/** `{data, pagination}` of the public lists. */
export interface Vm0Page<T> {
    data: T[];
    pagination: { hasMore: boolean; nextCursor: string | null };
}

/** Public error body (Stripe style). */
export interface Vm0PublicErrorBody {
    error: { type: string; code: string; message: string; param?: string };
}

/** Storage API error body. */
export interface Vm0StorageErrorBody {
    error: { message: string; code: string };
}

/** `storageType` of the storage API. The public API shows only `volume`. */
export type Vm0StorageType = "volume" | "artifact" | "memory";

/** One file of a prepare/commit body. */
export interface Vm0FileEntry {
    path: string;
    /** SHA-256 of the content, 64 hex. */
    hash: string;
    size: number;
}

/** What the emulator holds for a volume (the inventory record). */
export interface Vm0VolumeRecord extends Vm0Volume {
    /** The storage type (`volume` for everything the public API shows). */
    type: Vm0StorageType;
    /** Every committed version, oldest first. */
    versions: Vm0Version[];
}

/** The emulator's knobs. */
export interface Vm0Knobs {
    /**
     * Reproduce production's cursor bug (`v1/volumes/route.ts`): `nextCursor` is the last row's id,
     * applied as `id > cursor`, while rows are ordered by `createdAt DESC`, so pages repeat and skip
     * rows. Default true, as production behaves; false gives a correct keyset cursor. Applies to the
     * volume list, where the source shows it; the versions list always pages correctly.
     */
    cursorQuirk: boolean;
    /** How the accepted token answers: `valid`, or 401 `expired_api_key` / `revoked_api_key`. Default `valid`. */
    tokenState: "valid" | "expired" | "revoked";
    /** Lifetime of presigned URLs, seconds. Default 3600 (VM0's). */
    presignTtlSeconds: number;
    /**
     * Which query parameter `GET /v1/volumes/:id/download` reads the version from: the docs say
     * `versionId`, the service's handlers read `version_id` (unconfirmed which is deployed). `both`
     * (default) reads either; `none` reads neither, so every answer is HEAD's archive.
     */
    downloadVersionParam: "both" | "versionId" | "version_id" | "none";
}

export function defaultVm0Knobs(): Vm0Knobs {
    return { cursorQuirk: true, tokenState: "valid", presignTtlSeconds: 3600, downloadVersionParam: "both" };
}

/** One version to seed. The archive's bytes are what the download URL serves. */
export interface Vm0SeedVersion {
    /** Archive bytes (a tar.gz, usually; any bytes are served as is). Default: an empty gzip. */
    archive?: Buffer | string;
    /** 64-hex id; default: derived from the volume id and the archive, as VM0 salts content hashes. */
    id?: string;
    /** Default: the archive's byte length. */
    size?: number;
    /** Default 1 (0 makes the version "empty": its download is a 404). */
    fileCount?: number;
    message?: string | null;
    /** Default `user`. */
    createdBy?: string;
    /** ISO 8601; default: now, one ms after the previous version. */
    createdAt?: string;
}

/** One volume to seed (hooks and `startEmulator({ vm0Seed })`). */
export interface Vm0SeedVolume {
    name: string;
    /** Default: a fresh UUID. Any non-empty path-safe string (e.g. `vol_abc`) is accepted. */
    id?: string;
    /** Default `volume`. */
    type?: Vm0StorageType;
    /** ISO 8601; default: now (strictly increasing across seeds, so the order is stable). */
    createdAt?: string;
    /** Oldest first; HEAD is the last unless `head` says otherwise. None: a volume without versions. */
    versions?: Vm0SeedVersion[];
    /** Index into `versions` of HEAD. Default: the last. */
    head?: number;
}

/** Test hooks, `emu.vm0`. */
export interface Vm0Control {
    /** The token the VM0 emulator accepts (`vm0_live_<the emulator token>`, never a real-looking `vm0_live_<hex>`). */
    readonly token: string;
    /** Adds a volume with its versions; returns it as the inventory shows it. Throws on a duplicate name or id. */
    seedVolume(seed: Vm0SeedVolume): Vm0VolumeRecord;
    /** Adds a committed version to an existing volume and makes it HEAD. */
    seedVersion(volumeId: string, version: Vm0SeedVersion): Vm0Version;
    /** The bytes stored under an object key (archives and manifests), if any. */
    object(key: string): Buffer | undefined;
    /** Forget every volume, version, pending upload and object. */
    reset(): void;
}
