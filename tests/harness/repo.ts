import * as fs from "node:fs";
import { createRequire } from "node:module";
import * as path from "node:path";

/** The npm name of the package under test; its package.json marks the repository root. */
export const packageName = "pulumi-volumes";

const roots = new Map<string, string>();

/**
 * Walks up from `start` (default: `process.cwd()`) to the directory whose package.json is named
 * `name` (default: `pulumi-volumes`). Compiled tests may live outside the repository (e.g. in
 * /tmp/harness-dist), so `__dirname` is not used.
 */
export function findRepoRoot(start: string = process.cwd(), name: string = packageName): string {
    const key = `${start}\0${name}`;
    const cached = roots.get(key);
    if (cached) return cached;
    let dir = path.resolve(start);
    for (;;) {
        const manifest = path.join(dir, "package.json");
        if (fs.existsSync(manifest)) {
            try {
                const parsed = JSON.parse(fs.readFileSync(manifest, "utf8")) as { name?: unknown };
                if (parsed.name === name) {
                    roots.set(key, dir);
                    return dir;
                }
            } catch {
                // unreadable manifest: keep walking
            }
        }
        const parent = path.dirname(dir);
        if (parent === dir) {
            throw new Error(`no package.json named "${name}" found above ${start}`);
        }
        dir = parent;
    }
}

/**
 * A `require` that resolves from the repository root, so the harness loads `@grpc/grpc-js` and
 * Pulumi's protos from the repo's node_modules wherever the compiled harness lives.
 */
export function repoRequire(repoRoot: string = findRepoRoot()): NodeJS.Require {
    return createRequire(path.join(repoRoot, "package.json"));
}
