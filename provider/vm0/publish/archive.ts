/**
 * The archive and manifest of a VM0 version, as the vm0 CLI writes them: a tar.gz of the files'
 * relative paths (no directory entries) and `{version: 1, files: [{path, hash, size}], createdAt}`.
 *
 * The archive is written by `tar` (streaming) to a temporary file, then uploaded from that file:
 * a presigned S3 PUT needs its `content-length` up front, and each retry re-opens the file rather
 * than packing again. At most one file's buffers are in memory; the archive never is.
 */
import { createReadStream } from "node:fs";
import { mkdtemp, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Readable } from "node:stream";
import { Writable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type * as TarModule from "tar";
import { scanSource, type SourceScan, type Vm0FileEntry } from "./source";

/** A packed archive on disk. */
export interface PackedArchive {
    path: string;
    bytes: number;
    /** A fresh stream of the archive, one per upload attempt. */
    open(): Readable;
    /** Removes the temporary file (and its folder). */
    dispose(): Promise<void>;
}

/** `tar`, loaded when an archive is made: a check (which only hashes) never needs it. */
function tarLib(): typeof TarModule {
    return require("tar") as typeof TarModule;
}

/** tar options shared by packing and the bench: gzip, paths relative to the root, no owner names. */
function packOptions(root: string) {
    // `follow`: a symlink inside the directory (source.ts allows only those to files) is archived as its file.
    // `maxReadSize`: tar reads up to 16 MB per file at once by default (4 files at a time): 1 MiB reads
    // halve the peak memory of a 100 MB publish (npm run bench -- vm0-publish) at no cost in time.
    return { gzip: true, cwd: root, portable: true, follow: true, noDirRecurse: true, strict: true, maxReadSize: 1 << 20 } as const;
}

/** Packs the scanned files into a temporary tar.gz. */
export async function packArchive(scan: Pick<SourceScan, "root" | "files">): Promise<PackedArchive> {
    const dir = await mkdtemp(join(tmpdir(), "vm0-publish-"));
    const path = join(dir, "archive.tar.gz");
    const dispose = () => rm(dir, { recursive: true, force: true });
    try {
        await tarLib().c(
            { ...packOptions(scan.root), file: path },
            scan.files.map((f) => f.path),
        );
        const bytes = (await stat(path)).size;
        return { path, bytes, open: () => createReadStream(path), dispose };
    } catch (error) {
        await dispose();
        throw error;
    }
}

/** The manifest VM0 stores beside the archive (pretty-printed, as the CLI writes it). */
export function manifestBytes(files: readonly Vm0FileEntry[], createdAt: Date = new Date()): Buffer {
    const manifest = {
        version: 1,
        files: files.map((f) => ({ path: f.path, hash: f.hash, size: f.size })),
        createdAt: createdAt.toISOString(),
    };
    return Buffer.from(JSON.stringify(manifest, null, 2));
}

/**
 * For the bench: what publishing costs locally at the least, to scan, hash every file and gzip-tar
 * the directory into a byte counter. Returns the file count, the bytes of content and of archive.
 */
export async function tarAndHashOnly(dir: string): Promise<{ fileCount: number; bytes: number; archiveBytes: number; sourceHash: string }> {
    const scan = await scanSource(dir);
    let archiveBytes = 0;
    const sink = new Writable({
        write(chunk: Buffer, _enc, done) {
            archiveBytes += chunk.length;
            done();
        },
    });
    await pipeline(
        tarLib().c(
            packOptions(scan.root),
            scan.files.map((f) => f.path),
        ) as unknown as Readable,
        sink,
    );
    return { fileCount: scan.files.length, bytes: scan.totalBytes, archiveBytes, sourceHash: scan.sourceHash };
}
