/**
 * The directory a `vm0.Volume` publishes: its files as VM0's manifest lists them, checked against
 * what the storage API would refuse, and a content fingerprint so the diff compares bytes, not
 * timestamps.
 *
 * Symlinks: one that resolves to a regular file inside the directory is followed (its content is
 * published under the link's path, as a regular file); one that points out of the directory, at a
 * directory (loops, duplicated trees) or at nothing is refused. Sockets, FIFOs and devices are
 * refused. Every top-level path starting with `.vm0` (the vm0 CLI's own `.vm0/`, `.vm0rc`, `.vm0-cache/`)
 * is left out, as the CLI does; deeper ones are files like any other.
 */
import { createHash } from "node:crypto";
import { createReadStream, type Dirent, type Stats } from "node:fs";
import { lstat, readdir, realpath, stat } from "node:fs/promises";
import { isAbsolute, join, relative, resolve, sep } from "node:path";
import { pipeline } from "node:stream/promises";
import type { CheckFailure } from "../../core/check";
import { VolumeError } from "../../core/errors";

/** VM0's limits (docs/apis/vm0.md §2): 100 MB per file and per upload, 50,000 files, 8 MiB of paths. */
export const fileBytesLimit = 104_857_600;
export const totalBytesLimit = 104_857_600;
export const filesLimit = 50_000;
export const pathBytesLimit = 8 * 1024 * 1024;

/** One file of a manifest: VM0's `{path, hash, size}`. */
export interface Vm0FileEntry {
    /** Relative POSIX path inside the directory. */
    path: string;
    /** SHA-256 of the content, 64 lowercase hex. */
    hash: string;
    /** Bytes. */
    size: number;
}

/** A scanned directory: files sorted by path, and their fingerprint. */
export interface SourceScan {
    /** The directory, absolute and with symlinks resolved. */
    root: string;
    files: Vm0FileEntry[];
    /** Sum of the sizes. */
    totalBytes: number;
    /** SHA-256 over every `(path, hash, size)`: equal exactly when the files and their bytes are. */
    sourceHash: string;
    /** `size:mtimeMs` per path when hashed, to notice a file that changes while it is archived. */
    stamps: Map<string, string>;
}

/** A reason the directory cannot be published, as a CheckFailure of `source`. */
export class SourceError extends VolumeError {
    readonly failure: CheckFailure;
    constructor(reason: string) {
        super(`source ${reason}`);
        this.failure = { property: "source", reason };
    }
}

/** The limits a scan enforces: VM0's by default (smaller ones let tests reach them cheaply). */
export interface SourceLimits {
    maxFileBytes: number;
    maxTotalBytes: number;
    maxFiles: number;
    maxPathBytes: number;
}

export const vm0Limits: SourceLimits = {
    maxFileBytes: fileBytesLimit,
    maxTotalBytes: totalBytesLimit,
    maxFiles: filesLimit,
    maxPathBytes: pathBytesLimit,
};

interface Found {
    path: string;
    abs: string;
    stats: Stats;
}

/** Lists and checks the regular files of `dir` (no hashing): a SourceError for anything VM0 would refuse. */
export async function listSource(dir: string, limits: SourceLimits = vm0Limits): Promise<{ root: string; found: Found[] }> {
    if (typeof dir !== "string" || dir.trim() === "") throw new SourceError("must be the path of a directory");
    let root: string;
    try {
        root = await realpath(resolve(dir));
        if (!(await stat(root)).isDirectory()) throw new SourceError(`'${dir}' is not a directory`);
    } catch (error) {
        if (error instanceof SourceError) throw error;
        throw new SourceError(`'${dir}' ${fsReason(error)}`);
    }
    const found: Found[] = [];
    let total = 0;
    let pathBytes = 0;
    const walk = async (absDir: string): Promise<void> => {
        let entries: Dirent[];
        try {
            entries = await readdir(absDir, { withFileTypes: true });
        } catch (error) {
            throw new SourceError(`folder '${posix(relative(root, absDir)) || "."}' ${fsReason(error)}`);
        }
        for (const ent of entries) {
            const abs = join(absDir, ent.name);
            const rel = posix(relative(root, abs));
            // The vm0 CLI leaves out every top-level path starting with `.vm0` (`.vm0/`, `.vm0rc`, `.vm0-cache/`):
            // the same directory pushed by the CLI and by Pulumi must give the same version.
            if (absDir === root && ent.name.startsWith(".vm0")) continue;
            if (!isInside(rel)) throw new SourceError(`path '${rel}' is not a relative path inside the directory`);
            let stats: Stats;
            try {
                stats = await lstat(abs);
                if (stats.isSymbolicLink()) stats = await followLink(root, abs, rel);
            } catch (error) {
                if (error instanceof SourceError) throw error;
                throw new SourceError(`'${rel}' ${fsReason(error)}`);
            }
            if (stats.isDirectory() && !ent.isSymbolicLink()) {
                await walk(abs);
                continue;
            }
            if (!stats.isFile()) throw new SourceError(`'${rel}' is not a regular file (a socket, FIFO or device): remove it`);
            if (stats.size > limits.maxFileBytes) {
                throw new SourceError(`file '${rel}' is ${bytes(stats.size)}: VM0 takes files of at most ${mb(limits.maxFileBytes)}`);
            }
            total += stats.size;
            if (total > limits.maxTotalBytes) {
                throw new SourceError(
                    `holds more than ${mb(limits.maxTotalBytes)} (${bytes(total)} so ` +
                        `far): VM0 takes at most ${mb(limits.maxTotalBytes)} per version`,
                );
            }
            pathBytes += Buffer.byteLength(rel, "utf8");
            if (pathBytes > limits.maxPathBytes) {
                throw new SourceError(`has more than ${limits.maxPathBytes} bytes of file paths: VM0's manifest refuses it`);
            }
            found.push({ path: rel, abs, stats });
            if (found.length > limits.maxFiles) {
                throw new SourceError(`holds more than ${limits.maxFiles} files: VM0 takes at most ${limits.maxFiles}`);
            }
        }
    };
    await walk(root);
    found.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
    return { root, found };
}

/** The target of a symlink, when it is a regular file inside the directory. */
async function followLink(root: string, abs: string, rel: string): Promise<Stats> {
    let target: string;
    try {
        target = await realpath(abs);
    } catch {
        throw new SourceError(`'${rel}' is a symlink to nothing: remove it or make it point at a file inside the directory`);
    }
    const inside = relative(root, target);
    if (inside === "" || !isInside(posix(inside)) || isAbsolute(inside)) {
        throw new SourceError(`'${rel}' is a symlink out of the directory: copy the file in instead`);
    }
    const stats = await stat(target);
    if (stats.isDirectory()) throw new SourceError(`'${rel}' is a symlink to a directory: only symlinks to files are followed`);
    return stats;
}

/** Lists, checks and hashes the directory (files streamed, a few at a time). */
export async function scanSource(dir: string, limits: SourceLimits = vm0Limits): Promise<SourceScan> {
    const { root, found } = await listSource(dir, limits);
    const files: Vm0FileEntry[] = new Array(found.length);
    const stamps = new Map<string, string>();
    let next = 0;
    const worker = async (): Promise<void> => {
        while (next < found.length) {
            const i = next++;
            const f = found[i] as Found;
            let hash: string;
            try {
                hash = await hashFile(f.abs);
            } catch (error) {
                throw new SourceError(`'${f.path}' ${fsReason(error)}`);
            }
            files[i] = { path: f.path, hash, size: f.stats.size };
            stamps.set(f.path, stampOf(f.stats));
        }
    };
    await Promise.all(Array.from({ length: Math.min(8, found.length) }, worker));
    const totalBytes = files.reduce((n, f) => n + f.size, 0);
    return { root, files, totalBytes, sourceHash: fingerprint(files), stamps };
}

/** SHA-256 of a file, streamed. */
export async function hashFile(abs: string): Promise<string> {
    const hash = createHash("sha256");
    await pipeline(createReadStream(abs), hash);
    return hash.digest("hex");
}

/** The content fingerprint of a manifest: paths, hashes and sizes, never times. */
export function fingerprint(files: readonly Vm0FileEntry[]): string {
    const h = createHash("sha256").update("pulumi-volumes vm0 source v1\n");
    for (const f of [...files].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))) {
        h.update(`${f.path}\0${f.hash}\0${f.size}\n`);
    }
    return h.digest("hex");
}

/** What a check says about a directory: its fingerprint, or the failure of `source`. */
export async function checkSource(dir: unknown): Promise<{ sourceHash: string; fileCount: number } | { failure: CheckFailure }> {
    if (typeof dir !== "string") return { failure: { property: "source", reason: "must be the path of a directory" } };
    try {
        const scan = await scanSource(dir);
        return { sourceHash: scan.sourceHash, fileCount: scan.files.length };
    } catch (error) {
        if (error instanceof SourceError) return { failure: error.failure };
        throw error;
    }
}

/** Throws a SourceError when a file changed (size or mtime) since it was hashed. */
export async function assertUnchanged(scan: SourceScan): Promise<void> {
    for (const f of scan.files) {
        let now: string;
        try {
            now = stampOf(await stat(join(scan.root, ...f.path.split("/"))));
        } catch (error) {
            throw new SourceError(`'${f.path}' ${fsReason(error)} while it was being published; run the update again`);
        }
        if (now !== scan.stamps.get(f.path)) {
            throw new SourceError(`file '${f.path}' changed while it was being published; run the update again once it is written`);
        }
    }
}

function isInside(rel: string): boolean {
    return rel !== "" && !rel.startsWith("/") && !rel.split("/").some((s) => s === ".." || s === "." || s === "");
}

function posix(p: string): string {
    return sep === "/" ? p : p.split(sep).join("/");
}

function stampOf(s: Stats): string {
    return `${s.size}:${s.mtimeMs}`;
}

/** VM0's "100 MB" is 104,857,600 bytes: said as VM0 says it, with the exact bytes. */
function mb(n: number): string {
    return `${Number((n / 1_048_576).toFixed(1))} MB (${bytes(n)})`;
}

function bytes(n: number): string {
    return `${n.toLocaleString("en-US")} bytes`;
}

function fsReason(error: unknown): string {
    const code = (error as { code?: unknown })?.code;
    if (code === "ENOENT") return "does not exist";
    if (code === "EACCES" || code === "EPERM") return "cannot be read (permission denied)";
    if (code === "ENOTDIR") return "is not a directory";
    if (code === "ELOOP") return "is a symlink loop";
    return `cannot be read (${typeof code === "string" ? code : error instanceof Error ? error.message : String(error)})`;
}
