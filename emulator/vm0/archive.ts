/**
 * Seeding helpers: a small in-memory tar.gz writer (ustar, regular files only) and a seed volume
 * built from a local directory, for `--vm0-seed <dir>` and tests. Hand-written rather than a tar
 * library because the package ships none as a dependency and seeds are small; publishing large
 * directories belongs to the provider, which streams.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { basename, join, relative, sep } from "node:path";
import { gzipSync } from "node:zlib";
import type { Vm0SeedVolume } from "./types";

/** One file of an archive: a relative POSIX path and its bytes. */
export interface TarEntry {
    path: string;
    content: Buffer | string;
}

/** A gzipped ustar archive of the entries, in the given order. Paths up to 100 bytes. */
export function tarGz(entries: readonly TarEntry[]): Buffer {
    const blocks: Buffer[] = [];
    for (const e of entries) {
        const body = Buffer.from(e.content);
        const name = Buffer.from(e.path, "utf8");
        if (name.length > 100) throw new TypeError(`tar: path longer than 100 bytes: ${e.path}`);
        const h = Buffer.alloc(512);
        name.copy(h, 0);
        h.write("0000644\0", 100, "ascii");
        h.write("0000000\0", 108, "ascii");
        h.write("0000000\0", 116, "ascii");
        h.write(body.length.toString(8).padStart(11, "0") + "\0", 124, "ascii");
        h.write("00000000000\0", 136, "ascii");
        h.write("        ", 148, "ascii");
        h.write("0", 156, "ascii");
        h.write("ustar\0", 257, "ascii");
        h.write("00", 263, "ascii");
        let sum = 0;
        for (const b of h) sum += b;
        h.write(sum.toString(8).padStart(6, "0") + "\0 ", 148, "ascii");
        blocks.push(h, body, Buffer.alloc((512 - (body.length % 512)) % 512));
    }
    blocks.push(Buffer.alloc(1024));
    return gzipSync(Buffer.concat(blocks));
}

/** Every regular file under `dir`, relative, sorted. Symlinks and special files are left out. */
function listFiles(dir: string): string[] {
    const out: string[] = [];
    const walk = (d: string): void => {
        for (const ent of readdirSync(d, { withFileTypes: true })) {
            const full = join(d, ent.name);
            if (ent.isDirectory()) walk(full);
            else if (ent.isFile()) out.push(relative(dir, full).split(sep).join("/"));
        }
    };
    walk(dir);
    return out.sort();
}

/** A seed volume named after the directory (lowercased to VM0's name rule) with one version of its files. */
export function seedFromDirectory(dir: string, name?: string): Vm0SeedVolume {
    if (!statSync(dir).isDirectory()) throw new TypeError(`vm0 seed: ${dir} is not a directory`);
    const files = listFiles(dir);
    const entries = files.map((path) => ({ path, content: readFileSync(join(dir, path)) }));
    const volumeName =
        name ??
        (basename(dir)
            .toLowerCase()
            .replace(/[^a-z0-9-]+/g, "-")
            .replace(/-+/g, "-")
            .replace(/^-|-$/g, "")
            .slice(0, 64) ||
            "seed");
    return {
        name: volumeName.length >= 3 ? volumeName : `${volumeName}-vol`,
        versions: [
            {
                archive: tarGz(entries),
                fileCount: entries.length,
                size: entries.reduce((n, e) => n + e.content.length, 0),
                message: `seeded from ${basename(dir)}`,
            },
        ],
    };
}
