import { strict as assert } from "node:assert";
import { spawnSync } from "node:child_process";
import * as path from "node:path";

import { opsFor, program, useEngine } from "./support";

const shared = program(`
    const f = new pv.fly.Volume("data", { app: "two", region: "iad", sizeGb: 3, name: "shared" });
    const out = { fly: f.volumeId };
    if (c.getBoolean("agentbay")) out.agentbay = new pv.agentbay.Volume("ab", { imageId: "imgc-two", name: "shared" }).volumeId;
    return out;
`);

/** `up` of one stack from another Node process (a later run on another day): new workspace, new CLI, new provider host. */
const laterUp = `
const auto = require("@pulumi/pulumi/automation");
const [cliRoot, stackName, programFile, envJson, workDir] = process.argv.slice(2);
(async () => {
    const env = JSON.parse(envJson);
    const stack = await auto.LocalWorkspace.selectStack(
        { stackName, projectName: "engine", program: require(programFile) },
        { workDir, envVars: env, pulumiCommand: await auto.PulumiCommand.get({ root: cliRoot }) },
    );
    const ops = [];
    const r = await stack.up({ onEvent: (e) => e.resourcePreEvent && ops.push(e.resourcePreEvent.metadata.op) });
    console.log(JSON.stringify({ ops, outputs: Object.fromEntries(Object.entries(r.outputs).map(([k, v]) => [k, v.value])) }));
})().catch((e) => { console.error(String(e)); process.exit(1); });
`;

describe("engine: two stacks of one program, and a later up in a new process (real pulumi CLI)", function () {
    this.timeout(300_000);
    const ctx = useEngine({ fly: { timeToReadyMs: 100 }, agentbay: { listLagMs: 200 } }, { "shared.js": shared, "later-up.js": laterUp });

    it("Fly: each stack owns its own same-named volume, also after a lost create answer; destroying one leaves the other", async () => {
        const { emu } = ctx();
        const a = await ctx().stack("a", "shared.js");
        const b = await ctx().stack("b", "shared.js");
        assert.ok((await a.up()).ok);
        const mine = (await a.resource("data"))!.outputs?.volumeId;
        // B's create is committed by Fly but its answer is lost: B must find its own, never A's.
        emu.setFaults([{ cloud: "fly", method: "POST", loseResponse: true, times: 1 }]);
        const upB = await b.up();
        assert.ok(
            emu.requests({ cloud: "fly", method: "POST" }).some((r) => r.fault === "loseResponse"),
            "the answer was lost",
        );
        emu.setFaults([]);
        assert.ok(upB.ok, upB.output);
        const theirs = (await b.resource("data"))!.outputs?.volumeId;
        assert.notEqual(theirs, mine, "B never holds A's volume");
        assert.equal(emu.inventory().fly.filter((v) => v.name === "shared" && v.state === "created").length, 2);

        assert.ok((await a.destroy()).ok);
        const left = emu.inventory().fly.filter((v) => v.state === "created");
        assert.deepEqual(
            left.map((v) => v.id),
            [theirs],
            "A's destroy deleted only A's",
        );
        const refreshed = await b.refresh();
        assert.ok(refreshed.ok);
        assert.equal((await b.resource("data"))?.outputs?.volumeId, theirs);
        assert.ok((await b.destroy()).ok);
    });

    it("AgentBay: stack B's same-named create is refused (create-or-get), naming A's volume; nothing recorded in B", async () => {
        const { emu } = ctx();
        const a = await ctx().stack("ab-a", "shared.js");
        const b = await ctx().stack("ab-b", "shared.js");
        await a.config({ agentbay: "true" });
        await b.config({ agentbay: "true" });
        assert.ok((await a.up()).ok);
        const held = String((await a.resource("ab"))!.outputs?.volumeId);
        const upB = await b.up();
        assert.equal(upB.ok, false);
        assert.ok(upB.output.includes(held), upB.output);
        assert.equal(await b.resource("ab"), undefined, "B records nothing");
        assert.deepEqual(
            emu.inventory().agentbay.map((v) => v.VolumeId),
            [held],
        );
        assert.ok((await b.destroy()).ok);
        assert.deepEqual(
            emu.inventory().agentbay.map((v) => v.VolumeId),
            [held],
            "B's destroy leaves A's volume",
        );
        assert.ok((await a.destroy()).ok);
    });

    it("a later up from a new Node process finds the state and changes nothing", async () => {
        const { emu, scratch, cli, stateDir, workDir } = ctx();
        const s = await ctx().stack("later", "shared.js");
        assert.ok((await s.up()).ok);
        const id = (await s.resource("data"))!.id;
        const before = emu.inventory().fly.length;
        const env = {
            ...emu.env,
            PULUMI_BACKEND_URL: `file://${stateDir}`,
            PULUMI_CONFIG_PASSPHRASE: "engine-suite",
            PULUMI_SKIP_UPDATE_CHECK: "true",
            PULUMI_HOME: path.join(stateDir, ".pulumi-home"),
            PATH: `${path.join(scratch.dir, "node_modules", "@pulumi", "pulumi")}${path.delimiter}${process.env.PATH ?? ""}`,
        };
        const run = spawnSync(
            process.execPath,
            [
                path.join(scratch.dir, "later-up.js"),
                path.dirname(path.dirname(cli)),
                "later",
                path.join(scratch.dir, "shared.js"),
                JSON.stringify(env),
                workDir,
            ],
            { cwd: scratch.dir, encoding: "utf8" },
        );
        assert.equal(run.status, 0, run.stderr);
        const result = JSON.parse(run.stdout.trim().split("\n").pop()!) as { ops: string[]; outputs: Record<string, string> };
        assert.deepEqual(
            result.ops.filter((op) => op !== "same"),
            [],
            run.stdout,
        );
        assert.equal(emu.inventory().fly.length, before, "no new volume");
        assert.equal((await s.resource("data"))?.id, id);
        const again = await s.up();
        assert.deepEqual(opsFor(again, "data"), ["same"]);
        assert.ok((await s.destroy()).ok);
    });
});
