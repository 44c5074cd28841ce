import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";

/** Writes `files` (relative path → text) under `dir`, making folders as needed. */
export function writeTree(dir: string, files: Record<string, string>): void {
    for (const [p, c] of Object.entries(files)) {
        mkdirSync(join(dir, p, ".."), { recursive: true });
        writeFileSync(join(dir, p), c);
    }
}

/** Every file under `dir`, by its relative POSIX path, as text. */
export function readTree(dir: string): Record<string, string> {
    const out: Record<string, string> = {};
    const walk = (d: string): void => {
        for (const e of readdirSync(d, { withFileTypes: true })) {
            if (e.isDirectory()) walk(join(d, e.name));
            else out[relative(dir, join(d, e.name)).split("\\").join("/")] = readFileSync(join(d, e.name), "utf8");
        }
    };
    walk(dir);
    return out;
}

/** For one suite: `tempDir(files)` makes a temporary directory holding `files`; all are removed after the suite. */
export function useTempDirs(prefix: string): (files?: Record<string, string>) => string {
    const dirs: string[] = [];
    after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
    return (files = {}) => {
        const d = mkdtempSync(join(tmpdir(), prefix));
        dirs.push(d);
        writeTree(d, files);
        return d;
    };
}
