import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { promisify } from "node:util";
import { findRepoRoot, installPackedPackage, repoRequire } from "../harness";

const exec = promisify(execFile);

/**
 * The tsconfig.json `pulumi new typescript` writes: strict, CommonJS, Node (node10) module
 * resolution, and no `skipLibCheck`, so every declaration file a program reaches is type-checked.
 */
export const stockPulumiTsconfig = {
    compilerOptions: {
        strict: true,
        outDir: "bin",
        target: "es2020",
        module: "commonjs",
        moduleResolution: "node",
        sourceMap: true,
        experimentalDecorators: true,
        pretty: true,
        noFallthroughCasesInSwitch: true,
        noImplicitReturns: true,
        forceConsistentCasingInFileNames: true,
    },
    files: ["index.ts"],
};

/**
 * A project beside the packed package's scratch install (so `pulumi-volumes` and its dependencies
 * resolve from there), with the stock tsconfig, `@types/node` as the template's devDependency, and
 * `files` (name → source; the tsconfig lists them instead of `index.ts`). Returns tsc's output;
 * throws with it when tsc fails.
 */
export async function typeCheckInStockProject(name: string, files: Record<string, string>): Promise<string> {
    const scratch = await installPackedPackage();
    const dir = path.join(scratch.dir, name);
    fs.rmSync(dir, { recursive: true, force: true });
    fs.mkdirSync(path.join(dir, "node_modules", "@types"), { recursive: true });
    fs.symlinkSync(
        path.dirname(repoRequire().resolve("@types/node/package.json")),
        path.join(dir, "node_modules", "@types", "node"),
        "dir",
    );
    fs.writeFileSync(path.join(dir, "tsconfig.json"), JSON.stringify({ ...stockPulumiTsconfig, files: Object.keys(files) }, null, 4));
    for (const [file, source] of Object.entries(files)) fs.writeFileSync(path.join(dir, file), source);
    const tsc = path.join(findRepoRoot(), "node_modules", "typescript", "bin", "tsc");
    try {
        const { stdout } = await exec(process.execPath, [tsc, "-p", dir, "--pretty", "false"], { cwd: dir, maxBuffer: 16 * 1024 * 1024 });
        return stdout;
    } catch (e) {
        const err = e as Error & { stdout?: string };
        throw new Error(`tsc failed in a stock Pulumi project (${dir}):\n${err.stdout ?? err.message}`, { cause: e });
    }
}
