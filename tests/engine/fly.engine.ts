import { strict as assert } from "node:assert";

import { opsFor, program, stepFor, useEngine } from "./support";
import { present } from "../support/present";

const fly = program(`
    const v = new pv.fly.Volume("data", {
        app: "web",
        region: "iad",
        sizeGb: c.getNumber("size") ?? 3,
        name: c.get("volName"),
        timeouts: { create: c.getNumber("createTimeout") ?? 60, update: 60, delete: 60 },
    });
    return { volumeId: v.volumeId, sizeGb: v.sizeGb, state: v.state };
`);

describe("engine: fly.Volume through the real pulumi CLI", function () {
    this.timeout(300_000);
    const ctx = useEngine({ fly: { timeToReadyMs: 200, timeToExtendMs: 300 } }, { "fly.js": fly });

    it("create → preview shows sizeGb 3 => 5 → up grows in place → rename replaces → refresh drops a lost volume → destroy", async () => {
        const { emu } = ctx();
        const s = await ctx().stack("lifecycle", "fly.js");
        const up = await s.up();
        assert.ok(up.ok, up.output);
        const created = (await s.resource("data"))!;
        assert.match(created.id ?? "", /^web\/vol_/);
        assert.equal(created.outputs?.state, "created");
        assert.equal(emu.inventory().fly.length, 1);

        await s.config({ size: "5" });
        const plan = await s.preview();
        assert.ok(plan.ok, plan.output);
        const step = stepFor(plan, "data")!;
        assert.equal(step.op, "update");
        assert.equal(step.old?.inputs.sizeGb, 3);
        assert.equal(step.new?.inputs.sizeGb, 5);
        // The dynamic-provider host answers Diff with changes/replaces only, never the changed keys:
        // the engine's `diffs` stays empty and its display compares the old and new inputs itself.
        assert.deepEqual(step.diffs ?? [], []);
        assert.match(plan.output, /~ sizeGb\s*: 3 => 5/);
        assert.equal(present(emu.inventory().fly[0]).size_gb, 3, "preview changes nothing");

        const grown = await s.up();
        assert.ok(grown.ok, grown.output);
        assert.deepEqual(opsFor(grown, "data"), ["update"]);
        const after = (await s.resource("data"))!;
        assert.equal(after.id, created.id, "grown in place");
        assert.equal(after.outputs?.sizeGb, 5);
        assert.equal(present(emu.inventory().fly[0]).size_gb, 5);

        await s.config({ size: "5", volName: "data2" });
        const renamePlan = await s.preview();
        assert.ok(renamePlan.ok, renamePlan.output);
        assert.ok(opsFor(renamePlan, "data").includes("replace"), JSON.stringify(opsFor(renamePlan, "data")));
        assert.deepEqual(stepFor(renamePlan, "data")?.keys, ["name"], "the replacement names the property");
        const renamed = await s.up();
        assert.ok(renamed.ok, renamed.output);
        // Create-before-delete, as the engine orders a replacement by default.
        assert.deepEqual(opsFor(renamed, "data"), ["create-replacement", "replace", "delete-replaced"]);
        const second = (await s.resource("data"))!;
        assert.notEqual(second.id, created.id);
        assert.deepEqual(
            emu
                .inventory()
                .fly.filter((v) => v.state !== "destroyed" && v.state !== "pending_destroy")
                .map((v) => v.name),
            ["data2"],
        );

        emu.fly.destroy("web", String(second.outputs?.volumeId));
        const refreshed = await s.refresh();
        assert.ok(refreshed.ok, refreshed.output);
        assert.equal(await s.resource("data"), undefined, "refresh drops the deleted volume from state");

        const up2 = await s.up();
        assert.ok(up2.ok, up2.output);
        assert.deepEqual(opsFor(up2, "data"), ["create"], "the next up creates it again");
        const destroyed = await s.destroy();
        assert.ok(destroyed.ok, destroyed.output);
        assert.equal((await s.state()).resources.filter((r) => r.custom && !r.type.startsWith("pulumi:")).length, 0);
    });

    for (const refreshFirst of [false, true]) {
        const nextUp = `the next up${refreshFirst ? " --refresh" : ""}`;
        it(`a create that never becomes ready is stored with its id and init error; ${nextUp} finishes it`, async () => {
            const { emu } = ctx();
            // Never ready by itself: the test makes it ready once the engine has started the update.
            emu.configure({ fly: { timeToReadyMs: 600_000 } });
            try {
                const s = await ctx().stack(refreshFirst ? "partial-refresh" : "partial", "fly.js");
                await s.config({ createTimeout: "2", volName: refreshFirst ? "partial2" : "partial1" });
                const first = await s.up();
                assert.equal(first.ok, false);
                assert.match(first.output, /still 'creating' after 2 s/);
                const tracked = (await s.resource("data"))!;
                assert.match(tracked.id ?? "", /^web\/vol_/, "the engine keeps the id of a partially created resource");
                assert.equal(tracked.outputs?.state, "creating");
                assert.ok(tracked.initErrors?.length, "with its init errors");

                const plan = await s.preview(refreshFirst ? { refresh: true } : {});
                assert.ok(plan.ok, plan.output);
                assert.equal(stepFor(plan, "data")?.op, "update", "init errors make the next step an update");

                const second = await s.up({
                    refresh: refreshFirst,
                    onEvent: (e) => {
                        const m = e.resourcePreEvent?.metadata;
                        if (m?.op === "update" && m.urn.endsWith("::data"))
                            emu.fly.setState("web", String(tracked.outputs?.volumeId), "created");
                    },
                });
                assert.ok(second.ok, second.output);
                if (refreshFirst) {
                    // The refresh read it while still creating and the engine dropped its init errors;
                    // only the provider's diff (a pending create is an update) keeps it from passing as done.
                    const read = second.events.find(
                        (e) => e.resOutputsEvent?.metadata.op === "refresh" && e.resOutputsEvent.metadata.urn.endsWith("::data"),
                    );
                    assert.equal(read?.resOutputsEvent?.metadata.new?.outputs.state, "creating");
                }
                assert.ok(opsFor(second, "data").includes("update"), JSON.stringify(opsFor(second, "data")));
                const finished = (await s.resource("data"))!;
                assert.equal(finished.id, tracked.id, "the same volume");
                assert.equal(finished.outputs?.state, "created");
                assert.equal(finished.initErrors, undefined);
                const mine = emu.inventory().fly.filter((v) => v.name === (refreshFirst ? "partial2" : "partial1"));
                assert.equal(mine.length, 1, "no second volume");
                assert.equal(present(mine[0]).state, "created");
                assert.ok((await s.destroy()).ok);
            } finally {
                emu.configure({ fly: { timeToReadyMs: 200 } });
            }
        });
    }
});
