/**
 * `npm run demo`: the example stack (examples/index.ts) on the local emulator, through
 * preview → up → grow → rename → destroy, printing each plan and the clouds' inventory.
 *
 * With the Pulumi CLI on PATH it drives `pulumi` itself (file backend in a temporary folder);
 * without it, it plays the same steps through @pulumi/pulumi's own dynamic-provider host, the
 * process the engine runs, with the package installed from `npm pack` as a user would have it.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startEmulator, type Emulator } from "../emulator";
import { Engine, installPackedPackage, runProgram, startHost, type DeploymentResult } from "../tests/harness";
import { printVm0Inventory, startVm0Demo, vm0ProviderConfig, type Vm0Demo } from "./vm0Demo";

const project = "pulumi-volumes-example";

interface DemoStep {
    title: string;
    config: Record<string, string>;
    action: "preview" | "up" | "destroy";
}

const grown = { flySizeGb: "5", neevSizeGb: "250" };
const renamed = { ...grown, flyVolumeName: "data2", neevVolumeName: "datasets2", agentbayVolumeName: "agent-data2" };
const steps: DemoStep[] = [
    { title: "preview: a new stack", config: {}, action: "preview" },
    { title: "up: create the volumes", config: {}, action: "up" },
    { title: "preview: grow (Fly 3 → 5 GB, NeevCloud 100 → 250 GB)", config: grown, action: "preview" },
    { title: "up: grow in place", config: grown, action: "up" },
    { title: "preview: rename (data → data2, datasets → datasets2, agent-data → agent-data2)", config: renamed, action: "preview" },
    { title: "up: rename, which replaces each volume", config: renamed, action: "up" },
    { title: "destroy", config: renamed, action: "destroy" },
];

function banner(n: number, title: string): void {
    console.log(`\n── ${n}/${steps.length} ${title} ${"─".repeat(Math.max(4, 70 - title.length))}`);
}

function printInventory(emu: Emulator): void {
    const inv = emu.inventory() as unknown as Record<string, Array<Record<string, unknown>>>;
    console.log("inventory:");
    let rows = 0;
    for (const v of inv.fly ?? []) {
        console.log(`  fly        ${v.app}/${v.id}  ${String(v.name).padEnd(10)} ${String(v.size_gb).padStart(4)} GB  ${v.state}`);
        rows++;
    }
    for (const v of inv.neevcloud ?? []) {
        console.log(
            `  neevcloud  ${v.orgID}/${v.projectID}/${v.id}  ${String(v.name).padEnd(10)} ${String(v.sizeGB).padStart(4)} GB  ${v.status}`,
        );
        rows++;
    }
    rows += printVm0Inventory(emu);
    for (const v of inv.agentbay ?? []) {
        console.log(`  agentbay   ${v.BelongingImageId}/${v.VolumeId}  ${String(v.VolumeName).padEnd(10)}   no size  ${v.Status}`);
        rows++;
    }
    if (rows === 0) console.log("  (empty)");
}

const symbols: Record<string, string> = {
    create: "+",
    update: "~",
    replace: "+-",
    delete: "-",
    same: " ",
    read: ">",
    discard: "<",
    "refresh-drop": "x",
};

function printPlan(result: DeploymentResult): void {
    console.log("plan:");
    for (const s of result.steps) {
        const type = s.type.replace("pulumi-nodejs:dynamic/", "");
        const why = s.replaces?.length ? `  (replaces: ${s.replaces.join(", ")}${s.deleteBeforeReplace ? "; delete first" : ""})` : "";
        const failed = s.error ? `  FAILED: ${s.error}` : s.retained ? "  (retained: left in the cloud, dropped from state)" : "";
        const failures = (s.failures ?? []).map((f) => `\n      ${f.property}: ${f.reason}`).join("");
        console.log(`  ${(symbols[s.op] ?? "?").padEnd(2)} ${s.op.padEnd(8)} ${type.padEnd(24)} ${s.name}${why}${failed}${failures}`);
    }
}

function demoConfig(emu: Emulator): Record<string, string> {
    const urls = emu.urls;
    return {
        "fly:token": emu.token,
        "fly:apiUrl": urls.fly,
        "neevcloud:token": emu.token,
        "neevcloud:apiUrl": urls.neevcloud,
        "neevcloud:orgId": "org-demo",
        "neevcloud:projectId": "proj-demo",
        ...vm0ProviderConfig(emu),
        "agentbay:apiKey": emu.env.AGENTBAY_API_KEY ?? "",
        "agentbay:endpoint": urls.agentbay,
    };
}

/** The same steps through the real dynamic-provider host, with our own small engine. */
async function playThroughHost(emu: Emulator, vm0: Vm0Demo): Promise<void> {
    const scratch = await installPackedPackage();
    copyFileSync(join(__dirname, "index.js"), join(scratch.dir, "index.js"));
    const engine = new Engine({
        host: () => startHost({ cwd: scratch.dir, project }),
        config: demoConfig(emu),
    });
    for (const [i, step] of steps.entries()) {
        banner(i + 1, step.title);
        vm0.beforeStep(i);
        const config = Object.fromEntries(Object.entries({ ...vm0.programConfig, ...step.config }).map(([k, v]) => [`${project}:${k}`, v]));
        let result: DeploymentResult;
        if (step.action === "destroy") {
            result = await engine.destroy();
        } else {
            const registrations = await runProgram({
                cwd: scratch.dir,
                entry: "index.js",
                project,
                stack: "demo",
                config,
                preview: step.action === "preview",
            });
            result = step.action === "preview" ? await engine.preview(registrations) : await engine.up(registrations);
        }
        printPlan(result);
        printInventory(emu);
        if (!result.ok) throw new Error(`step '${step.title}' failed`);
    }
}

/** The same steps through the Pulumi CLI, when one is installed. */
async function playThroughCli(emu: Emulator, vm0: Vm0Demo): Promise<void> {
    const scratch = await installPackedPackage();
    const dir = scratch.dir;
    copyFileSync(join(__dirname, "index.js"), join(dir, "index.js"));
    writeFileSync(join(dir, "Pulumi.yaml"), `name: ${project}\nruntime: nodejs\nmain: index.js\n`);
    const state = mkdtempSync(join(tmpdir(), "pulumi-volumes-demo-state-"));
    const env = {
        ...process.env,
        PULUMI_BACKEND_URL: `file://${state}`,
        PULUMI_CONFIG_PASSPHRASE: "demo",
        PULUMI_SKIP_UPDATE_CHECK: "true",
    };
    const pulumi = (...args: string[]) => {
        const r = spawnSync("pulumi", [...args, "--non-interactive"], { cwd: dir, env, stdio: "inherit" });
        if (r.status !== 0) throw new Error(`pulumi ${args.join(" ")} failed`);
    };
    try {
        pulumi("stack", "init", "demo");
        for (const [k, v] of Object.entries(demoConfig(emu)))
            pulumi("config", "set", ...(/:(token|apiKey)$/.test(k) ? ["--secret"] : []), k, v);
        for (const [k, v] of Object.entries(vm0.programConfig)) pulumi("config", "set", k, v);
        for (const [i, step] of steps.entries()) {
            banner(i + 1, step.title);
            vm0.beforeStep(i);
            for (const [k, v] of Object.entries(step.config)) pulumi("config", "set", k, v);
            if (step.action === "preview") pulumi("preview", "--diff");
            else if (step.action === "up") pulumi("up", "--yes");
            else pulumi("destroy", "--yes");
            printInventory(emu);
        }
        pulumi("stack", "rm", "--yes");
    } finally {
        rmSync(state, { recursive: true, force: true });
    }
}

function hasPulumiCli(): boolean {
    try {
        execFileSync("pulumi", ["version"], { stdio: "ignore" });
        return true;
    } catch {
        return false;
    }
}

async function main(): Promise<void> {
    const emu = await startEmulator({
        knobs: {
            fly: { timeToReadyMs: 400, timeToExtendMs: 600 },
            neevcloud: { timeToBoundMs: 600, timeToExtendMs: 800 },
            agentbay: { listLagMs: 800 },
        },
    });
    const cli = hasPulumiCli() && !process.argv.includes("--no-cli");
    console.log(
        `pulumi-volumes demo on the local emulator (${Object.entries(emu.urls)
            .map(([k, v]) => `${k} ${v}`)
            .join(", ")})`,
    );
    console.log(
        cli
            ? "driver: the Pulumi CLI found on PATH (local file backend in a temporary folder)"
            : "driver: @pulumi/pulumi's dynamic-provider host over gRPC (no Pulumi " +
                  "CLI on PATH), the process `pulumi up` runs for dynamic resources",
    );
    const vm0 = startVm0Demo();
    try {
        await (cli ? playThroughCli(emu, vm0) : playThroughHost(emu, vm0));
        console.log("\ndemo complete: every step held.");
    } finally {
        vm0.cleanup();
        await emu.close();
    }
}

main().catch((error) => {
    console.error(`\ndemo failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
});
