import { strict as assert } from "node:assert";

import { opsFor, program, stepFor, useEngine } from "./support";
import { present } from "../support/present";

const neev = program(`
    const v = new pv.neevcloud.NetworkVolume("datasets", {
        regionId: "in-bom-1",
        sizeGb: c.getNumber("size") ?? 100,
        name: c.get("volName"),
        mountPath: "/mnt/datasets",
        timeouts: { create: 60, update: 60, delete: 60 },
    });
    return { volumeId: v.volumeId, sizeGb: v.sizeGb };
`);

describe("engine: neevcloud.NetworkVolume through the real pulumi CLI", function () {
    this.timeout(300_000);
    const ctx = useEngine({ neevcloud: { timeToBoundMs: 200, timeToExtendMs: 300 } }, { "neev.js": neev });

    it("preview shows sizeGb 100 => 250 → up grows in place → rename replaces → refresh drops a lost volume → destroy", async () => {
        const { emu } = ctx();
        const live = () => emu.inventory().neevcloud.filter((v) => v.status !== "terminated");
        const s = await ctx().stack("lifecycle", "neev.js");
        const up = await s.up();
        assert.ok(up.ok, up.output);
        const created = (await s.resource("datasets"))!;
        assert.equal(created.outputs?.status, "bound");

        await s.config({ size: "250" });
        const plan = await s.preview();
        const step = stepFor(plan, "datasets")!;
        assert.equal(step.op, "update");
        assert.deepEqual([step.old?.inputs.sizeGb, step.new?.inputs.sizeGb], [100, 250]);
        assert.match(plan.output, /~ sizeGb\s*: 100 => 250/);
        const grown = await s.up();
        assert.ok(grown.ok, grown.output);
        assert.deepEqual(opsFor(grown, "datasets"), ["update"]);
        assert.equal((await s.resource("datasets"))?.id, created.id, "grown in place");
        assert.equal(present(live()[0]).sizeGB, 250);

        await s.config({ size: "250", volName: "datasets2" });
        const renamePlan = await s.preview();
        assert.ok(opsFor(renamePlan, "datasets").includes("replace"));
        assert.deepEqual(stepFor(renamePlan, "datasets")?.keys, ["name"]);
        const renamed = await s.up();
        assert.ok(renamed.ok, renamed.output);
        const second = (await s.resource("datasets"))!;
        assert.notEqual(second.id, created.id);
        assert.deepEqual(
            live().map((v) => v.name),
            ["datasets2"],
        );

        const [org, project] = String(second.id).split("/");
        emu.neevcloud.destroy(present(org), present(project), String(second.outputs?.volumeId));
        const refreshed = await s.refresh();
        assert.ok(refreshed.ok, refreshed.output);
        assert.equal(await s.resource("datasets"), undefined, "refresh drops it");

        assert.ok((await s.up()).ok);
        const destroyed = await s.destroy();
        assert.ok(destroyed.ok, destroyed.output);
        assert.equal(live().length, 0);
    });
});
