import { strict as assert } from "node:assert";
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { promisify } from "node:util";
import { findRepoRoot } from "../harness";

const exec = promisify(execFile);

/**
 * The install routes the README documents, as a user takes them, from a fresh clone of this
 * repository's HEAD (what is committed; uncommitted changes are not in it): `npm ci` → `npm pack` →
 * `npm install <tarball>` into an empty project, and `npm install git+file://<clone>` (the git-URL
 * route, which npm prepares by running the package's `prepare`). Each project then requires the
 * package and runs a small program under `pulumi.runtime.setMocks`. npm uses the user's cache
 * (`~/.npm`, `--prefer-offline`): it needs the registry only for what the cache lacks.
 */

const npmFlags = ["--prefer-offline", "--no-audit", "--no-fund"];

/** Runs a command; its stdout and stderr, and how long it took. */
async function run(cmd: string, args: string[], cwd: string): Promise<{ out: string; err: string; seconds: number }> {
    const started = Date.now();
    // The suite may run under `npm test`: its lifecycle variables must not leak into a user's npm.
    const env = Object.fromEntries(
        Object.entries(process.env).filter(([k]) => !/^npm_(lifecycle|package|config_(ignore_scripts|dry_run))/i.test(k)),
    );
    try {
        const { stdout, stderr } = await exec(cmd, args, { cwd, env, maxBuffer: 64 * 1024 * 1024 });
        return { out: stdout, err: stderr, seconds: (Date.now() - started) / 1000 };
    } catch (e) {
        const err = e as Error & { stdout?: string; stderr?: string };
        throw new Error(`${cmd} ${args.join(" ")} failed in ${cwd}: ${err.message}\n${err.stdout ?? ""}\n${err.stderr ?? ""}`, {
            cause: e,
        });
    }
}

/** An empty project, as `npm init` makes it. */
function emptyProject(dir: string): string {
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, "package.json"), JSON.stringify({ name: "my-stack", version: "1.0.0", private: true }, null, 2));
    return dir;
}

/** Registers a volume and calls a lookup under mocks; prints what came back. */
const program = `
const pulumi = require("@pulumi/pulumi");
const { fly, neevcloud, agentbay, vm0 } = require("pulumi-volumes");
const { startEmulator } = require("pulumi-volumes/emulator");
const types = [];
let stored;
pulumi.runtime
    .setMocks(
        {
            newResource: (a) => {
                types.push(a.type);
                stored = a.inputs.__provider;
                return { id: "web/vol_1", state: { ...a.inputs, volumeId: "vol_1", state: "created" } };
            },
            call: (a) => ({ app: a.inputs.app, volumes: [], token: a.token }),
        },
        "my-stack",
        "dev",
        false,
    )
    .then(async () => {
        const volume = new fly.Volume("data", { app: "web", region: "iad", sizeGb: 1 });
        const listed = await fly.getVolumes({ app: "web" });
        const emu = await startEmulator();
        const clouds = Object.keys(emu.urls);
        await emu.close();
        const provider = typeof require("pulumi-volumes/provider").providerFor;
        const modules = [neevcloud.NetworkVolume, agentbay.Volume, vm0.Volume].map((c) => typeof c);
        // The stored provider, loaded as Pulumi's provider host loads it: compiled with this project's module paths.
        const loaded = new module.constructor();
        loaded.paths = module.paths;
        loaded._compile(stored, require("path").join(process.cwd(), "__provider.js"));
        const checked = await loaded.exports.handler().check({}, { app: "web", region: "iad", sizeGb: 1, name: "data" });
        const requires = [...stored.matchAll(/require\\(("[^"]+")\\)/g)].map((m) => m[1]);
        const serialized = { bytes: stored.length, requires, checked: Object.keys(checked.inputs).sort() };
        volume.volumeId.apply((volumeId) =>
            console.log(JSON.stringify({ volumeId, types, listed, clouds, provider, modules, serialized })),
        );
    });
`;

function checkProgram(out: string): void {
    const result = JSON.parse(out.trim().split("\n").pop() ?? "") as Record<string, unknown>;
    assert.deepEqual(result, {
        volumeId: "vol_1",
        types: ["pulumi-nodejs:dynamic/fly:Volume"],
        listed: { app: "web", volumes: [], token: "pulumi-volumes:fly:getVolumes" },
        clouds: ["fly", "neevcloud", "agentbay", "vm0"],
        provider: "function",
        modules: ["function", "function", "function"],
        serialized: {
            bytes: (result.serialized as { bytes: number }).bytes,
            // Pulumi stores a require of the handler module, not a copy of the provider's code.
            requires: ['"pulumi-volumes/dist/sdk/fly/handler.js"'],
            checked: ["app", "encrypted", "fstype", "name", "region", "requireUniqueZone", "sizeGb", "uniqueZoneAppWide"],
        },
    });
    assert.ok((result.serialized as { bytes: number }).bytes < 400, JSON.stringify(result.serialized));
}

/** The packages npm 11 names in its install-scripts warning (none on an npm without it). */
function installScriptWarnings(stderr: string): string[] {
    return [...stderr.matchAll(/install-scripts\s+(@?[^@\s]+)@\S+ \((\w+):/g)].map((m) => `${m[1]} (${m[2]})`).sort();
}

describe("installing the package as the README says: a fresh clone, packed or installed from git", function () {
    this.timeout(15 * 60_000);
    let work: string;
    let clone: string;
    const times: string[] = [];
    before(async () => {
        // No "pulumi-volumes" in this path: Pulumi finds the package's exports map only then (its lookup
        // takes the first "pulumi-volumes" in the path); the scratch projects of the other suites have it.
        work = fs.mkdtempSync(path.join(os.tmpdir(), "pv-install-"));
        clone = path.join(work, "clone");
        times.push(`git clone ${(await run("git", ["clone", "--quiet", findRepoRoot(), clone], work)).seconds}s`);
    });
    after(() => {
        console.log(`      install routes: ${times.join(", ")}`);
        if (!process.env.PULUMI_VOLUMES_KEEP_SCRATCH) fs.rmSync(work, { recursive: true, force: true });
    });

    it("npm ci → npm pack ships only the built package; npm install of the tarball gives a package a program can use", async () => {
        times.push(`npm ci ${(await run("npm", ["ci", ...npmFlags], clone)).seconds}s`);
        const pack = await run("npm", ["pack", "--json", "--pack-destination", work], clone);
        times.push(`npm pack ${pack.seconds}s`);
        const packed = (JSON.parse(pack.out.slice(pack.out.indexOf("["))) as { filename: string; files: { path: string }[] }[])[0];
        assert.ok(packed);
        const files = packed.files.map((f) => f.path);
        const stray = files.filter((f) => !/^(dist\/(sdk|provider|emulator)\/|package\.json$|README\.md$|LICENSE$)/.test(f));
        assert.deepEqual(stray, [], "nothing but the built package, its README and its LICENSE");
        for (const f of [
            "LICENSE",
            "dist/sdk/index.js",
            "dist/sdk/index.d.ts",
            "dist/provider/index.js",
            "dist/emulator/index.d.ts",
            "dist/emulator/cli.js",
        ]) {
            assert.ok(files.includes(f), `${f} is in the tarball`);
        }

        const app = emptyProject(path.join(work, "from-tarball"));
        const install = await run("npm", ["install", ...npmFlags, path.join(work, packed.filename), "@pulumi/pulumi"], app);
        times.push(`npm install <tarball> ${install.seconds}s`);
        // What the README says npm 11 warns about, and nothing else.
        for (const w of installScriptWarnings(install.err))
            assert.ok(["protobufjs (postinstall)", "pulumi-volumes (prepare)"].includes(w), w);
        assert.ok(fs.existsSync(path.join(app, "node_modules", ".bin", "pulumi-volumes-emulator")), "the emulator's command is installed");
        fs.writeFileSync(path.join(app, "index.js"), program);
        checkProgram((await run(process.execPath, ["index.js"], app)).out);
    });

    it("npm install git+file://<clone> builds the package (its prepare) and gives the same", async () => {
        const app = emptyProject(path.join(work, "from-git"));
        const install = await run("npm", ["install", ...npmFlags, `git+file://${clone}`], app);
        times.push(`npm install git+file ${install.seconds}s`);
        const pkg = path.join(app, "node_modules", "pulumi-volumes");
        assert.ok(fs.existsSync(path.join(pkg, "dist", "sdk", "index.d.ts")), "the git install built dist/");
        assert.ok(!fs.existsSync(path.join(pkg, "dist", "tests")) && !fs.existsSync(path.join(pkg, "tests")), "no tests shipped");
        fs.writeFileSync(path.join(app, "index.js"), program);
        checkProgram((await run(process.execPath, ["index.js"], app)).out);
    });
});
