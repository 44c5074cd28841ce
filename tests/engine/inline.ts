/**
 * One inline-program stack on the real CLI, outside mocha: what the demo, the bench and the
 * walkthrough test share with support.ts's harness. Offline as the engine suite is: a file backend
 * in a temporary folder, the passphrase secrets provider, no update check, no plugin downloads, and
 * the dynamic-provider plugin of the project's installed @pulumi/pulumi first on PATH.
 */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

import * as auto from "@pulumi/pulumi/automation";

import { findRepoRoot } from "../harness";

/** The Pulumi CLI as `scripts/pulumi-cli.sh --path` finds it (PATH, else the cached build); undefined when there is none. */
export function findCli(): string | undefined {
    try {
        const script = path.join(findRepoRoot(), "scripts", "pulumi-cli.sh");
        return execFileSync("bash", [script, "--path"], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim() || undefined;
    } catch {
        return undefined;
    }
}

/** The CLI's own `pulumi version`. */
export function cliVersion(cli: string): string {
    return execFileSync(cli, ["version"], { encoding: "utf8" }).trim();
}

export interface InlineStack {
    stack: auto.Stack;
    /** The environment the CLI runs with (for `pulumi` commands run by hand in `dir`). */
    env: Record<string, string>;
    stateDir: string;
    /** Removes the stack and the state folder (best effort). */
    dispose(): Promise<void>;
}

export interface InlineStackOptions {
    cli: string;
    /** The project folder: its node_modules holds the packed package and @pulumi/pulumi. */
    dir: string;
    project: string;
    stackName: string;
    program: auto.PulumiFn;
    /** Extra environment (the emulator's `export` lines, …). */
    env?: Record<string, string>;
}

/** A stack of an inline program, on a fresh file backend. */
export async function openInlineStack(o: InlineStackOptions): Promise<InlineStack> {
    const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), "pulumi-volumes-state-"));
    const plugin = path.join(o.dir, "node_modules", "@pulumi", "pulumi");
    const env: Record<string, string> = {
        ...o.env,
        PULUMI_BACKEND_URL: `file://${stateDir}`,
        PULUMI_CONFIG_PASSPHRASE: "offline",
        PULUMI_SKIP_UPDATE_CHECK: "true",
        PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
        PULUMI_HOME: path.join(stateDir, ".pulumi-home"),
        PATH: `${plugin}${path.delimiter}${process.env.PATH ?? ""}`,
    };
    const pulumiCommand = await auto.PulumiCommand.get({ root: path.dirname(path.dirname(o.cli)) });
    const stack = await auto.LocalWorkspace.createOrSelectStack(
        { stackName: o.stackName, projectName: o.project, program: o.program },
        {
            workDir: o.dir,
            pulumiCommand,
            envVars: env,
            projectSettings: { name: o.project, runtime: "nodejs", backend: { url: `file://${stateDir}` } },
        },
    );
    return {
        stack,
        env,
        stateDir,
        async dispose() {
            await stack.workspace.removeStack(o.stackName, { force: true }).catch(() => undefined);
            fs.rmSync(stateDir, { recursive: true, force: true });
        },
    };
}

/**
 * An inline program that loads a program file as the language host would, fresh on every run: its
 * exports are the stack's outputs, or, when it exports a function, what that function returns.
 */
export function programFile(file: string): auto.PulumiFn {
    return async () => {
        delete require.cache[require.resolve(file)];
        // A computed path: the user's program, loaded the way `pulumi up` loads `main`.
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const mod = require(file) as Record<string, unknown> | (() => Promise<Record<string, unknown> | void>);
        return typeof mod === "function" ? ((await mod()) ?? {}) : { ...mod };
    };
}

function shown(v: unknown): string {
    const s = JSON.stringify(v) ?? "undefined";
    return s.length > 40 ? `${s.slice(0, 37)}…` : s;
}

/** `sizeGb: 3 => 5, name: "data" => "data2"`: the inputs a step changes, from the engine's event (provider code left out). */
export function propertyDiffs(m: auto.StepEventMetadata): string[] {
    const before = m.old?.inputs ?? {};
    const after = m.new?.inputs ?? {};
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].filter((k) => k !== "__provider");
    return keys
        .filter((k) => JSON.stringify(before[k]) !== JSON.stringify(after[k]))
        .map((k) => `${k}: ${shown(before[k])} => ${shown(after[k])}`);
}

const symbols: Record<string, string> = { create: "+", update: "~", replace: "+-", delete: "-", read: ">", refresh: "~" };

/**
 * The plan as the engine announced it (its resource pre-events), one line per resource, with the
 * changed properties of an update or replacement. The steps of a replacement fold into one line.
 */
export function planLines(events: readonly auto.EngineEvent[]): string[] {
    const lines: string[] = [];
    for (const e of events) {
        const m = e.resourcePreEvent?.metadata;
        if (!m || m.op === "same" || m.type.startsWith("pulumi:") || m.op === "create-replacement" || m.op === "delete-replaced") continue;
        const type = m.type.replace("pulumi-nodejs:dynamic/", "");
        const name = m.urn.slice(m.urn.lastIndexOf("::") + 2);
        const diffs = m.op === "update" || m.op === "replace" ? propertyDiffs(m) : [];
        const why = m.op === "replace" && m.keys?.length ? `  (replaces: ${m.keys.join(", ")})` : "";
        const head = `  ${(symbols[m.op] ?? m.op).padEnd(2)} ${m.op.padEnd(7)} ${type.padEnd(24)} ${name}${why}`;
        lines.push(diffs.length ? `${head}\n      ${diffs.join("\n      ")}` : head);
    }
    return lines;
}

/** What the engine announced, counted by operation, the stack and its default provider left out: `create 4`. */
export function summaryLine(events: readonly auto.EngineEvent[]): string {
    const counts = new Map<string, number>();
    for (const e of events) {
        const m = e.resourcePreEvent?.metadata;
        if (!m || m.type.startsWith("pulumi:") || m.op === "create-replacement" || m.op === "delete-replaced") continue;
        counts.set(m.op, (counts.get(m.op) ?? 0) + 1);
    }
    return [...counts].map(([op, n]) => `${op} ${n}`).join(", ") || "no changes";
}
