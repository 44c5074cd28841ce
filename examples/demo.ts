/**
 * `npm run demo`: the example stack (examples/index.ts) on the local emulator, through
 * preview → up → grow → rename → destroy, printing each plan and the clouds' inventory.
 *
 * With a Pulumi CLI (found as scripts/pulumi-cli.sh finds it: PATH, else `npm run engine:setup`'s
 * build) it drives the real engine, running examples/index.ts as an Automation API inline program
 * (no Node language host here) on a file backend in a temporary folder. Without one, it plays the
 * same steps through @pulumi/pulumi's own dynamic-provider host, the process the engine runs for
 * dynamic resources, with the tests' small engine. Either way the package comes from `npm pack`.
 */
import { copyFileSync } from "node:fs";
import { join } from "node:path";

import type * as auto from "@pulumi/pulumi/automation";

import { startEmulator, type Emulator } from "../emulator";
import { Engine, installPackedPackage, runProgram, startHost, type DeploymentResult } from "../tests/harness";
import { cliVersion, findCli, openInlineStack, planLines, programFile, summaryLine } from "../tests/engine/inline";
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

/** The outputs a user wires onward, from the stack's outputs after an up. */
function printOutputs(outputs: auto.OutputMap): void {
    const v = (k: string): string => {
        const o = outputs[k];
        if (!o) return "-";
        return o.secret ? "[secret]" : String(o.value);
    };
    console.log("outputs:");
    console.log(`  flyVolumeId ${v("flyVolumeId")}  flyVolumeSize ${v("flyVolumeSize")} GB  flyNeedsRestart ${v("flyNeedsRestart")}`);
    console.log(`  neevVolumeId ${v("neevVolumeId")}  neevVolumeSize ${v("neevVolumeSize")} GB (${v("neevVolumeStatus")})`);
    console.log(`  agentbayVolumeId ${v("agentbayVolumeId")} (${v("agentbayVolumeStatus")})`);
    console.log(`  vm0VolumeId ${v("vm0VolumeId")}  vm0VersionId ${v("vm0VersionId").slice(0, 12)}… (${v("vm0FileCount")} files)`);
}

/**
 * The same steps through the real Pulumi CLI: examples/index.js as an Automation API inline program
 * (the Node language host is not to be had here), the package from `npm pack`, a file backend in a
 * temporary folder. The plan is the engine's own: its preview events, with the properties they change.
 */
async function playThroughCli(emu: Emulator, vm0: Vm0Demo, cli: string): Promise<void> {
    const scratch = await installPackedPackage();
    const entry = join(scratch.dir, "index.js");
    copyFileSync(join(__dirname, "index.js"), entry);
    const { stack, dispose } = await openInlineStack({ cli, dir: scratch.dir, project, stackName: "demo", program: programFile(entry) });
    try {
        const providerConfig: auto.ConfigMap = {};
        for (const [k, value] of Object.entries(demoConfig(emu))) providerConfig[k] = { value, secret: /:(token|apiKey)$/.test(k) };
        for (const [k, value] of Object.entries(vm0.programConfig)) providerConfig[`${project}:${k}`] = { value };
        await stack.setAllConfig(providerConfig);
        for (const [i, step] of steps.entries()) {
            banner(i + 1, step.title);
            vm0.beforeStep(i);
            const stepConfig: auto.ConfigMap = {};
            for (const [k, value] of Object.entries(step.config)) stepConfig[`${project}:${k}`] = { value };
            if (Object.keys(stepConfig).length) await stack.setAllConfig(stepConfig);
            const events: auto.EngineEvent[] = [];
            const onEvent = (e: auto.EngineEvent): void => void events.push(e);
            let outputs: auto.OutputMap | undefined;
            const started = performance.now();
            if (step.action === "preview") await stack.preview({ onEvent });
            else if (step.action === "up") outputs = (await stack.up({ onEvent })).outputs;
            else await stack.destroy({ onEvent });
            const secs = ((performance.now() - started) / 1000).toFixed(1);
            console.log(`pulumi ${step.action} (${secs} s): ${summaryLine(events)}`);
            for (const line of planLines(events)) console.log(line);
            if (outputs) printOutputs(outputs);
            printInventory(emu);
        }
    } finally {
        await dispose();
    }
}

async function main(): Promise<void> {
    const noCli = process.argv.includes("--no-cli");
    const cli = noCli ? undefined : findCli();
    // The first line says which driver runs the steps.
    console.log(
        cli
            ? `driver: the real Pulumi engine (${cliVersion(cli)} at ${cli}), examples/index.ts as an Automation API inline program`
            : "driver: @pulumi/pulumi's dynamic-provider host over gRPC with the tests' small engine " +
                  (noCli ? "(--no-cli)" : "(no Pulumi CLI found; npm run engine:setup builds one)"),
    );
    const emu = await startEmulator({
        knobs: {
            fly: { timeToReadyMs: 400, timeToExtendMs: 600 },
            neevcloud: { timeToBoundMs: 600, timeToExtendMs: 800 },
            agentbay: { listLagMs: 800 },
        },
    });
    console.log(
        `pulumi-volumes demo on the local emulator (${Object.entries(emu.urls)
            .map(([k, v]) => `${k} ${v}`)
            .join(", ")})`,
    );
    const vm0 = startVm0Demo();
    try {
        await (cli ? playThroughCli(emu, vm0, cli) : playThroughHost(emu, vm0));
        console.log(
            "\nfly: a deleted volume is soft-deleted: Fly's API keeps listing it as scheduling_destroy, then pending_destroy,\n" +
                "for 24 h before it is purged (`fly volumes list` hides these states). It is out of Pulumi's state and needs\n" +
                "nothing from you. vm0: VM0 has no delete, so the volume stays, with every version (retainOnDelete).",
        );
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
