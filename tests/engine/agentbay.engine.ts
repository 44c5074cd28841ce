import { strict as assert } from "node:assert";

import { opsFor, program, stepFor, useEngine } from "./support";

const agentbay = program(`
    const v = new pv.agentbay.Volume("data", {
        imageId: "imgc-engine",
        name: c.get("volName"),
        timeouts: { create: 60, delete: 60 },
    });
    return { volumeId: v.volumeId, status: v.status };
`);

describe("engine: agentbay.Volume through the real pulumi CLI", function () {
    this.timeout(300_000);
    const ctx = useEngine({ agentbay: { listLagMs: 300 } }, { "agentbay.js": agentbay });

    it("create → rename previews and performs a replacement → refresh drops an out-of-band delete → destroy", async () => {
        const { emu } = ctx();
        const s = await ctx().stack("lifecycle", "agentbay.js");
        const up = await s.up();
        assert.ok(up.ok, up.output);
        const created = (await s.resource("data"))!;
        assert.match(created.id ?? "", /^imgc-engine\/vol-/);
        assert.equal(created.outputs?.status, "Available");

        await s.config({ volName: "data2" });
        const plan = await s.preview();
        assert.ok(plan.ok, plan.output);
        assert.ok(opsFor(plan, "data").includes("replace"), JSON.stringify(opsFor(plan, "data")));
        assert.deepEqual(stepFor(plan, "data")?.keys, ["name"]);
        assert.match(plan.output, /\+-.*agentbay:Volume/);
        const renamed = await s.up();
        assert.ok(renamed.ok, renamed.output);
        const second = (await s.resource("data"))!;
        assert.notEqual(second.id, created.id);
        assert.deepEqual(
            emu.inventory().agentbay.map((v) => v.VolumeName),
            ["data2"],
        );

        emu.agentbay.destroy(String(second.outputs?.volumeId));
        const refreshed = await s.refresh();
        assert.ok(refreshed.ok, refreshed.output);
        assert.equal(await s.resource("data"), undefined, "refresh drops it");

        assert.ok((await s.up()).ok);
        const destroyed = await s.destroy();
        assert.ok(destroyed.ok, destroyed.output);
        assert.equal(emu.inventory().agentbay.length, 0);
    });
});
