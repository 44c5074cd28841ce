/**
 * The VM0 emulator's state: volumes (one per name and storage type, as VM0's unique index has it),
 * their committed versions, and the object store behind the presigned URLs. No delete, no rename:
 * VM0 has neither.
 */
import { createHash, randomUUID } from "node:crypto";
import { gzipSync } from "node:zlib";
import { Vm0ApiError } from "./errors";
import type { Vm0FileEntry, Vm0SeedVersion, Vm0SeedVolume, Vm0StorageType, Vm0Version, Vm0Volume, Vm0VolumeRecord } from "./types";

/** The org every emulated volume belongs to (the first segment of object keys). */
export const emulatorOrgSlug = "emulator";

/** `MIN_VERSION_PREFIX_LENGTH` of the official source. */
export const minVersionPrefix = 8;

interface VolumeState {
    id: string;
    name: string;
    type: Vm0StorageType;
    createdAt: number;
    updatedAt: number;
    head: string | null;
    /**
     * The volume record's own `size`/`fileCount`: set when a NEW version is committed, and left as
     * they were when a commit only re-points HEAD at a stored version (a rollback), as VM0's commit
     * does; so after a rollback they are stale, and only the version's own figures are right.
     */
    size: number;
    fileCount: number;
    /** Committed versions by id. */
    versions: Map<string, Vm0Version>;
}

const pathSafe = /^[^\s/]+$/;

export class Vm0Store {
    private volumes = new Map<string, VolumeState>();
    private objects = new Map<string, Buffer>();
    private lastTs = 0;

    constructor(private readonly now: () => number) {}

    reset(): void {
        this.volumes.clear();
        this.objects.clear();
    }

    /** A timestamp strictly after every earlier one, so `createdAt DESC` is a total order. */
    private tick(at?: string): number {
        const wanted = at !== undefined ? Date.parse(at) : this.now();
        if (Number.isNaN(wanted)) throw new TypeError(`vm0 seed: createdAt ${JSON.stringify(at)} is not a date`);
        const ts = at !== undefined ? wanted : Math.max(wanted, this.lastTs + 1);
        this.lastTs = Math.max(this.lastTs, ts);
        return ts;
    }

    /** Public volumes (`type` volume). */
    publicVolumes(): VolumeState[] {
        return [...this.volumes.values()].filter((v) => v.type === "volume");
    }

    /** Every storage of a type. */
    all(type: Vm0StorageType): VolumeState[] {
        return [...this.volumes.values()].filter((v) => v.type === type);
    }

    find(id: string): VolumeState | undefined {
        const v = this.volumes.get(id);
        return v?.type === "volume" ? v : undefined;
    }

    byName(name: string, type: Vm0StorageType): VolumeState | undefined {
        return [...this.volumes.values()].find((v) => v.name === name && v.type === type);
    }

    /** Prepare's upsert: VM0's only way to make a volume. */
    upsert(name: string, type: Vm0StorageType): VolumeState {
        const found = this.byName(name, type);
        if (found) return found;
        const v = emptyVolume(randomUUID(), name, type, this.tick());
        this.volumes.set(v.id, v);
        return v;
    }

    /** Versions newest first. */
    versionsOf(v: VolumeState): Vm0Version[] {
        return [...v.versions.values()].sort((a, b) => compareDesc(a.createdAt, b.createdAt) || (a.id < b.id ? 1 : -1));
    }

    /** Resolves a full id or a unique prefix of ≥ 8 hex characters, as VM0's download does. */
    resolveVersion(v: VolumeState, wanted: string): Vm0Version {
        const prefix = wanted.toLowerCase();
        if (!/^[0-9a-f]+$/.test(prefix)) {
            throw new Vm0ApiError(400, "invalid_parameter", `Invalid version id '${wanted}': expected hexadecimal characters`, "versionId");
        }
        if (prefix.length < minVersionPrefix) {
            throw new Vm0ApiError(
                400,
                "invalid_parameter",
                `Version prefix '${wanted}' is too short: at least ${minVersionPrefix} characters`,
                "versionId",
            );
        }
        const matches = [...v.versions.values()].filter((x) => x.id.startsWith(prefix));
        if (matches.length === 0) throw new Vm0ApiError(404, "resource_not_found", `No such version: '${wanted}'`);
        if (matches.length > 1) {
            throw new Vm0ApiError(
                400,
                "invalid_parameter",
                `Ambiguous version prefix '${wanted}': matches ${matches.length} versions`,
                "versionId",
            );
        }
        return matches[0] as Vm0Version;
    }

    head(v: VolumeState): Vm0Version | null {
        return v.head === null ? null : (v.versions.get(v.head) ?? null);
    }

    /** Commits a version (or re-points HEAD at an existing one) in one step, as VM0's transaction does. */
    commit(v: VolumeState, versionId: string, files: readonly Vm0FileEntry[], message: string | null, createdBy: string): Vm0Version {
        let version = v.versions.get(versionId);
        if (!version) {
            version = {
                id: versionId,
                volumeId: v.id,
                size: files.reduce((n, f) => n + f.size, 0),
                fileCount: files.length,
                message,
                createdBy,
                createdAt: new Date(this.tick()).toISOString(),
            };
            v.versions.set(versionId, version);
            v.size = version.size;
            v.fileCount = version.fileCount;
        }
        v.head = versionId;
        v.updatedAt = this.tick();
        return version;
    }

    putObject(key: string, bytes: Buffer): void {
        this.objects.set(key, bytes);
    }

    object(key: string): Buffer | undefined {
        return this.objects.get(key);
    }

    seedVolume(seed: Vm0SeedVolume): Vm0VolumeRecord {
        if (!seed.name) throw new TypeError("vm0 seed: a volume needs a name");
        const type = seed.type ?? "volume";
        if (this.byName(seed.name, type)) throw new TypeError(`vm0 seed: a ${type} named '${seed.name}' exists`);
        const id = seed.id ?? randomUUID();
        if (!pathSafe.test(id) || id === "." || id === "..") throw new TypeError(`vm0 seed: id ${JSON.stringify(id)} is not path-safe`);
        if (this.volumes.has(id)) throw new TypeError(`vm0 seed: id '${id}' exists`);
        const v = emptyVolume(id, seed.name, type, this.tick(seed.createdAt));
        this.volumes.set(id, v);
        const made = (seed.versions ?? []).map((s) => this.addSeedVersion(v, s));
        if (seed.head !== undefined) {
            const chosen = made[seed.head];
            if (!chosen) throw new TypeError(`vm0 seed: head ${seed.head} is not a version index`);
            v.head = chosen.id;
            v.size = chosen.size;
            v.fileCount = chosen.fileCount;
        }
        return this.record(v);
    }

    seedVersion(volumeId: string, seed: Vm0SeedVersion): Vm0Version {
        const v = this.volumes.get(volumeId);
        if (!v) throw new TypeError(`vm0 seed: no volume '${volumeId}'`);
        return this.addSeedVersion(v, seed);
    }

    private addSeedVersion(v: VolumeState, seed: Vm0SeedVersion): Vm0Version {
        const archive = seed.archive === undefined ? gzipSync(Buffer.alloc(1024)) : Buffer.from(seed.archive);
        const id = seed.id ?? contentHash(v.id, [{ path: "archive", hash: sha256(archive), size: archive.length }]);
        if (!/^[0-9a-f]{64}$/.test(id)) throw new TypeError(`vm0 seed: version id '${id}' is not 64 lowercase hex`);
        if (v.versions.has(id)) throw new TypeError(`vm0 seed: version '${id}' exists in '${v.name}'`);
        const version: Vm0Version = {
            id,
            volumeId: v.id,
            size: seed.size ?? archive.length,
            fileCount: seed.fileCount ?? 1,
            message: seed.message === undefined ? null : seed.message,
            createdBy: seed.createdBy ?? "user",
            createdAt: new Date(this.tick(seed.createdAt)).toISOString(),
        };
        v.versions.set(id, version);
        if (version.fileCount > 0) this.putObject(objectKey(v, id, "archive.tar.gz"), archive);
        v.head = id;
        v.size = version.size;
        v.fileCount = version.fileCount;
        v.updatedAt = Math.max(v.updatedAt, Date.parse(version.createdAt));
        return version;
    }

    /** The public `Volume` view: `size`/`fileCount` are the record's (stale after a rollback, as VM0's are). */
    view(v: VolumeState): Vm0Volume {
        const head = this.head(v);
        return {
            id: v.id,
            name: v.name,
            currentVersionId: head?.id ?? null,
            size: v.size,
            fileCount: v.fileCount,
            createdAt: new Date(v.createdAt).toISOString(),
            updatedAt: new Date(v.updatedAt).toISOString(),
        };
    }

    record(v: VolumeState): Vm0VolumeRecord {
        return { ...this.view(v), type: v.type, versions: this.versionsOf(v).reverse() };
    }

    /** Every volume, every type, oldest first. */
    inventory(): Vm0VolumeRecord[] {
        return [...this.volumes.values()].sort((a, b) => a.createdAt - b.createdAt).map((v) => this.record(v));
    }
}

export type { VolumeState };

/** `<orgSlug>/<type>/<name>/<versionId>/<file>`, VM0's key layout. */
export function objectKey(v: { type: string; name: string }, versionId: string, file: "archive.tar.gz" | "manifest.json"): string {
    return `${emulatorOrgSlug}/${v.type}/${v.name}/${versionId}/${file}`;
}

export function sha256(bytes: Buffer | string): string {
    return createHash("sha256").update(bytes).digest("hex");
}

/**
 * A deterministic version id salted with the volume id, in the spirit of VM0's v2 content hash (the
 * real algorithm is not reproduced: clients must never compute it, only use the server's value).
 */
export function contentHash(volumeId: string, files: readonly Vm0FileEntry[]): string {
    const h = createHash("sha256").update("vm0-storage-content-hash-v2\0").update(volumeId).update("\0");
    for (const f of [...files].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))) {
        h.update(`${f.path}\0${f.hash.toLowerCase()}\0${f.size}\n`);
    }
    return h.digest("hex");
}

function compareDesc(a: string, b: string): number {
    return Date.parse(b) - Date.parse(a);
}

/** A volume with no version yet, made (or seeded) at `at`. */
function emptyVolume(id: string, name: string, type: Vm0StorageType, at: number): VolumeState {
    return { id, name, type, createdAt: at, updatedAt: at, head: null, size: 0, fileCount: 0, versions: new Map() };
}
