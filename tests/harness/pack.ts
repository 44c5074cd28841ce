import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { promisify } from "node:util";

import { findRepoRoot } from "./repo";

const run = promisify(execFile);

/** A temporary project with the package installed from its `npm pack` tarball, as a user installs it. */
export interface ScratchProject {
    /** The project directory (has its own package.json and node_modules); run hosts and programs here. */
    dir: string;
    /** The packed tarball. */
    tarball: string;
    /** Size of the tarball in bytes. */
    tarballBytes: number;
    /** Where the package was extracted: `<dir>/node_modules/<name>`. */
    packageDir: string;
    /** The package's npm name. */
    packageName: string;
    /** Paths inside the tarball (without the leading `package/`), as `npm pack` listed them. */
    files: string[];
    /** The packages symlinked into `<dir>/node_modules` from the dependency source. */
    linked: string[];
    /** Removes the project and the tarball; a later {@link installPackedPackage} packs again. Idempotent. */
    cleanup(): Promise<void>;
}

/** Options of {@link installPackedPackage}. */
export interface PackOptions {
    /** Directory to pack (default: the `pulumi-volumes` repository root found from `process.cwd()`). */
    repoRoot?: string;
    /**
     * Directory holding the package-lock.json and node_modules that dependencies are linked from
     * (default: `repoRoot`). The self-test packs a fixture but links the real repo's dependencies.
     */
    dependencySource?: string;
    /** Link only the packed package's own `dependencies`, not every production package of the lockfile. */
    onlyDirectDependencies?: boolean;
    /** Skip the per-process memo and make a new project. */
    fresh?: boolean;
}

const memo = new Map<string, Promise<ScratchProject>>();
const toRemove = new Set<string>();
let exitHookInstalled = false;

function removeAtExit(dir: string): void {
    toRemove.add(dir);
    if (exitHookInstalled) return;
    exitHookInstalled = true;
    process.once("exit", () => {
        if (process.env.PULUMI_VOLUMES_KEEP_SCRATCH) return;
        for (const d of toRemove) fs.rmSync(d, { recursive: true, force: true });
    });
}

interface LockEntry {
    dev?: boolean;
    devOptional?: boolean;
    optional?: boolean;
    link?: boolean;
}

/**
 * Top-level packages (`node_modules/<name>`) that a production install keeps, per a package-lock.json:
 * entries flagged neither `dev` nor `devOptional` (an optional peer of a dependency, such as
 * typescript for @pulumi/pulumi, is not installed for a user either), and not workspace links.
 */
export function productionPackages(lockfile: string): string[] {
    const lock = JSON.parse(fs.readFileSync(lockfile, "utf8")) as { packages?: Record<string, LockEntry> };
    if (!lock.packages) throw new Error(`${lockfile} has no "packages" map (lockfileVersion >= 2 needed)`);
    const names: string[] = [];
    for (const [key, entry] of Object.entries(lock.packages)) {
        if (!key.startsWith("node_modules/")) continue;
        const name = key.slice("node_modules/".length);
        if (name.includes("/node_modules/") || name === ".bin") continue;
        if (entry.dev || entry.devOptional || entry.link) continue;
        names.push(name);
    }
    return names.sort();
}

/** Writes `source` to `<dir>/<relPath>` (creating folders) and returns the absolute path. */
export function writeProgramFile(dir: string, relPath: string, source: string): string {
    const file = path.resolve(dir, relPath);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, source);
    return file;
}

interface PackJson {
    filename: string;
    size?: number;
    files?: { path: string }[];
}

async function packAndInstall(repoRoot: string, opts: PackOptions): Promise<ScratchProject> {
    const depSource = path.resolve(opts.dependencySource ?? repoRoot);
    const manifest = JSON.parse(fs.readFileSync(path.join(repoRoot, "package.json"), "utf8")) as {
        name: string;
        main?: string;
        dependencies?: Record<string, string>;
    };
    const packDir = fs.mkdtempSync(path.join(os.tmpdir(), `${manifest.name.replace(/[@/]/g, "_")}-pack-`));
    removeAtExit(packDir);
    // --ignore-scripts: the harness builds nothing; dist/ must already be built.
    const { stdout } = await run("npm", ["pack", "--json", "--ignore-scripts", "--pack-destination", packDir], {
        cwd: repoRoot,
        maxBuffer: 64 * 1024 * 1024,
    });
    let packed: PackJson | undefined;
    try {
        packed = (JSON.parse(stdout.slice(stdout.indexOf("["))) as PackJson[])[0];
    } catch {
        packed = undefined;
    }
    if (!packed) throw new Error(`npm pack in ${repoRoot} printed no JSON result:\n${stdout}`);
    const tarball = path.join(packDir, packed.filename);
    const tarballBytes = fs.statSync(tarball).size;

    const dir = fs.mkdtempSync(path.join(os.tmpdir(), `${manifest.name.replace(/[@/]/g, "_")}-scratch-`));
    removeAtExit(dir);
    fs.writeFileSync(
        path.join(dir, "package.json"),
        JSON.stringify(
            {
                name: "scratch-project",
                version: "0.0.0",
                private: true,
                dependencies: { [manifest.name]: `file:${tarball}` },
            },
            null,
            2,
        ),
    );
    const packageDir = path.join(dir, "node_modules", manifest.name);
    fs.mkdirSync(packageDir, { recursive: true });
    await run("tar", ["-xzf", tarball, "-C", packageDir, "--strip-components=1"]);
    if (manifest.main && !fs.existsSync(path.join(packageDir, manifest.main))) {
        throw new Error(`${manifest.main} is not in the packed ${manifest.name}: build first (npm run build)`);
    }

    const wanted = opts.onlyDirectDependencies
        ? Object.keys(manifest.dependencies ?? {})
        : productionPackages(path.join(depSource, "package-lock.json"));
    const linked: string[] = [];
    for (const name of wanted) {
        if (name === manifest.name) continue;
        const from = path.join(depSource, "node_modules", name);
        if (!fs.existsSync(from)) continue; // optional package not installed on this platform
        const to = path.join(dir, "node_modules", name);
        fs.mkdirSync(path.dirname(to), { recursive: true });
        fs.symlinkSync(from, to, "dir");
        linked.push(name);
    }

    let cleaned = false;
    const project: ScratchProject = {
        dir,
        tarball,
        tarballBytes,
        packageDir,
        packageName: manifest.name,
        files: (packed.files ?? []).map((f) => f.path),
        linked,
        async cleanup() {
            if (cleaned) return;
            cleaned = true;
            for (const [k, v] of memo) if ((await v.catch(() => undefined)) === project) memo.delete(k);
            await fs.promises.rm(dir, { recursive: true, force: true });
            await fs.promises.rm(packDir, { recursive: true, force: true });
            toRemove.delete(dir);
            toRemove.delete(packDir);
        },
    };
    return project;
}

/**
 * Packs the repository with `npm pack` (nothing is built: `dist/` must exist), extracts the tarball
 * into `<scratch>/node_modules/<name>` and symlinks the lockfile's production packages next to it,
 * so a dependency missing from `dependencies` fails as it would for a user, without network.
 * Memoized per process (one pack per test run) unless `fresh`; projects are removed at process exit
 * unless `PULUMI_VOLUMES_KEEP_SCRATCH` is set.
 */
export function installPackedPackage(opts: PackOptions = {}): Promise<ScratchProject> {
    const repoRoot = path.resolve(opts.repoRoot ?? findRepoRoot());
    if (opts.fresh) return packAndInstall(repoRoot, opts);
    const key = JSON.stringify([repoRoot, opts.dependencySource ?? "", !!opts.onlyDirectDependencies]);
    let pending = memo.get(key);
    if (!pending) {
        pending = packAndInstall(repoRoot, opts);
        memo.set(key, pending);
        pending.catch(() => memo.delete(key));
    }
    return pending;
}
