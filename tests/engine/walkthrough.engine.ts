/**
 * The README's "Your own program, step by step", as written: its `index.ts` and its step-4 commands
 * are read from README.md, so the walkthrough and this test cannot drift apart. The package is
 * installed from `npm pack`; the emulator is the packed package's `pulumi-volumes-emulator`, whose
 * `export` lines are taken as a user pastes them; the program runs on the real CLI as an Automation
 * API inline program (no Node language host here). Each command's time is printed.
 */
import { strict as assert } from "node:assert";
import { spawn, type ChildProcess } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";

import type * as auto from "@pulumi/pulumi/automation";
import * as ts from "typescript";

import { findRepoRoot, installPackedPackage } from "../harness";
import { cliPath } from "./support";
import { openInlineStack, programFile, type InlineStack } from "./inline";

const heading = "## Your own program, step by step";

/** The walkthrough's section of the README. */
function walkthrough(): string {
    const readme = fs.readFileSync(path.join(findRepoRoot(), "README.md"), "utf8");
    const start = readme.indexOf(heading);
    assert.ok(start >= 0, `README.md has no "${heading}"`);
    const end = readme.indexOf("\n## ", start + heading.length);
    return readme.slice(start, end < 0 ? undefined : end);
}

/** The bodies of the ```<lang> blocks of Markdown text, in order. */
function blocks(markdown: string, lang: string): string[] {
    return [...markdown.matchAll(new RegExp(`^\`\`\`${lang}\n([\\s\\S]*?)^\`\`\`$`, "gm"))].map((m) => m[1] ?? "");
}

/** The commands of a ```sh block, comments and blank lines left out. */
function commands(block: string): string[] {
    return block
        .split("\n")
        .map((l) => l.replace(/\s+#.*$/, "").trim())
        .filter((l) => l && !l.startsWith("#"));
}

/** `export NAME=value` lines, as a POSIX shell reads the emulator's quoting. */
function parseExports(stdout: string): Record<string, string> {
    const env: Record<string, string> = {};
    for (const m of stdout.matchAll(/^export ([A-Z0-9_]+)=(.*)$/gm)) {
        const [, name, raw] = m;
        if (!name || raw === undefined) continue;
        env[name] = raw.startsWith("'") ? raw.slice(1, -1).replace(/'\\''/g, "'") : raw;
    }
    return env;
}

/** Starts the packed package's emulator CLI; resolves with its `export` lines once it says it listens. */
function startEmulatorCli(bin: string, cwd: string): Promise<{ child: ChildProcess; env: Record<string, string> }> {
    return new Promise((resolve, reject) => {
        const child = spawn(process.execPath, [bin], { cwd, stdio: ["ignore", "pipe", "pipe"] });
        let out = "";
        let err = "";
        child.stdout?.on("data", (d: Buffer) => (out += d.toString()));
        child.stderr?.on("data", (d: Buffer) => {
            err += d.toString();
            if (err.includes("listening")) resolve({ child, env: parseExports(out) });
        });
        child.on("error", reject);
        child.on("exit", (code) => reject(new Error(`pulumi-volumes-emulator exited (${code}): ${err}`)));
    });
}

describe("engine: the README walkthrough of your own program, as written", function () {
    this.timeout(600_000);
    let emulator: ChildProcess | undefined;
    let inline: InlineStack | undefined;
    after(async () => {
        await inline?.dispose();
        emulator?.kill("SIGINT");
    });

    it("new project → install the packed package → emulator env → config set → up → preview shows the grow → up → destroy", async () => {
        const times: Array<[string, number]> = [];
        async function timed<T>(command: string, f: () => Promise<T>): Promise<T> {
            const t = performance.now();
            try {
                return await f();
            } finally {
                times.push([command, (performance.now() - t) / 1000]);
            }
        }

        const section = walkthrough();
        const indexTs = blocks(section, "ts").find((s) => s.startsWith("// index.ts"));
        assert.ok(indexTs, "the walkthrough shows its index.ts");
        const shell = blocks(section, "sh").map(commands);
        const step4 = shell.find((b) => b.some((c) => c.startsWith("pulumi up")) && !b.some((c) => c.includes("stack init")));
        assert.ok(step4, "the walkthrough's step 4 (config set, up, preview, destroy)");

        // 1. The project: the package installed from its tarball, a Pulumi.yaml as `pulumi new` writes it.
        const scratch = await timed("npm pack + npm install <tarball>", () => installPackedPackage());
        const dir = path.join(scratch.dir, "my-volumes");
        fs.mkdirSync(path.join(dir, "node_modules", "@pulumi"), { recursive: true });
        fs.symlinkSync(
            path.join(scratch.dir, "node_modules", "@pulumi", "pulumi"),
            path.join(dir, "node_modules", "@pulumi", "pulumi"),
            "dir",
        );
        fs.writeFileSync(path.join(dir, "Pulumi.yaml"), "name: my-volumes\nruntime: nodejs\ndescription: volumes\n");
        // 2. The program: the README's index.ts, compiled as the nodejs runtime compiles it.
        fs.writeFileSync(path.join(dir, "index.ts"), indexTs);
        const js = ts.transpileModule(indexTs, { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2020 } });
        const entry = path.join(dir, "index.js");
        fs.writeFileSync(entry, js.outputText);

        // 3. The emulator, from the packed package's bin, and its `export` lines.
        const manifest = JSON.parse(fs.readFileSync(path.join(scratch.packageDir, "package.json"), "utf8")) as {
            bin: Record<string, string>;
        };
        const bin = manifest.bin["pulumi-volumes-emulator"];
        assert.ok(bin, "the package ships the pulumi-volumes-emulator command");
        const started = await timed("npx pulumi-volumes-emulator (until its export lines)", () =>
            startEmulatorCli(path.join(scratch.packageDir, bin), dir),
        );
        emulator = started.child;
        const exported = started.env;
        assert.match(exported.FLY_API_URL ?? "", /^http:\/\/127\.0\.0\.1:\d+$/);
        assert.ok(exported.FLY_API_TOKEN, "a token the emulator accepts");

        // 4. The commands as written.
        inline = await timed("pulumi stack init dev", () =>
            openInlineStack({ cli: cliPath(), dir, project: "my-volumes", stackName: "dev", program: programFile(entry), env: exported }),
        );
        const { stack } = inline;
        const results: Array<{ command: string; outputs?: auto.OutputMap; stdout: string }> = [];
        for (const command of step4) {
            const [verb, ...rest] = command.replace(/^pulumi /, "").split(/\s+/);
            const set = /^pulumi config set (\S+) (\S+)$/.exec(command);
            if (set) {
                const [, key = "", value = ""] = set;
                await timed(command, () => stack.setConfig(key.includes(":") ? key : `my-volumes:${key}`, { value }));
            } else if (verb === "up") {
                const r = await timed(command, () => stack.up());
                results.push({ command, outputs: r.outputs, stdout: r.stdout });
            } else if (verb === "preview") {
                const r = await timed(command, () => stack.preview({ diff: rest.includes("--diff") }));
                results.push({ command, stdout: r.stdout });
            } else if (verb === "destroy") {
                const r = await timed(command, () => stack.destroy());
                results.push({ command, stdout: r.stdout });
            } else assert.fail(`the walkthrough runs a command this test does not know: ${command}`);
        }

        const [firstUp, preview, secondUp] = results;
        assert.match(String(firstUp?.outputs?.volumeId?.value), /^vol_/, "the first up created a Fly volume");
        assert.equal(firstUp?.outputs?.sizeGb?.value, 3);
        assert.match(preview?.stdout ?? "", /~ sizeGb\s*: 3 => 5/, "the preview shows the grow");
        assert.equal(secondUp?.outputs?.volumeId?.value, firstUp?.outputs?.volumeId?.value, "grown in place");
        assert.equal(secondUp?.outputs?.sizeGb?.value, 5);
        assert.match(results.at(-1)?.command ?? "", /destroy/);

        // Stack config wins over the environment: a dead FLY_API_URL is not used when the stack sets fly:apiUrl.
        await stack.setConfig("fly:apiUrl", { value: exported.FLY_API_URL ?? "" });
        stack.workspace.envVars.FLY_API_URL = "http://127.0.0.1:9";
        const pinned = await timed("pulumi up --yes (fly:apiUrl set, FLY_API_URL dead)", () => stack.up());
        assert.match(String(pinned.outputs.volumeId?.value), /^vol_/);
        await timed("pulumi destroy --yes", () => stack.destroy());

        console.log(
            `      walkthrough commands (seconds):\n${times.map(([c, s]) => `        ${s.toFixed(1).padStart(6)}  ${c}`).join("\n")}`,
        );
    });
});
