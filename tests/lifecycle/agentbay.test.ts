import { strict as assert } from "node:assert";
import { findStep } from "../harness";
import { useLifecycle } from "./support";

const image = "imgc-life";
const program = `
const pulumi = require("@pulumi/pulumi");
const { agentbay } = require("pulumi-volumes");
const c = new pulumi.Config();
const v = new agentbay.Volume("data", {
    imageId: "${image}",
    name: c.get("volName"),
    adoptExisting: c.getBoolean("adopt"),
    timeouts: { create: 60, delete: 30 },
});
exports.volumeId = v.volumeId;
`;

describe("agentbay.Volume through the real provider host (package from npm pack)", function () {
    // Every step starts real host processes: generous, for a busy machine.
    this.timeout(300_000);
    const ctx = useLifecycle({ agentbay: { listLagMs: 300 } }, { "agentbay.js": program });
    const deploy = (config: Record<string, string> = {}) => ctx().program("agentbay.js", config);

    it("holds the lifecycle: create (listed), rename → replacement, refresh after an out-of-band delete, delete", async () => {
        const { emu } = ctx();
        const inventory = () => emu.inventory().agentbay;
        emu.reset();
        const engine = ctx().engine();

        const created = await engine.up(await deploy());
        assert.ok(created.ok, JSON.stringify(created.steps));
        const first = engine.resource("data")!;
        assert.match(first.id, /^imgc-life\/vol-[a-z0-9]{16}$/);
        assert.equal(first.outputs.name, "data");
        assert.equal(first.outputs.listed, true);
        assert.equal(first.outputs.status, "Available");
        assert.deepEqual(
            inventory().map((v) => [v.VolumeId, v.VolumeName]),
            [[first.outputs.volumeId, "data"]],
        );

        const plan = await engine.preview(await deploy({ volName: "data2" }));
        assert.deepEqual(findStep(plan, "data")?.replaces, ["name"]);
        const renamed = await engine.up(await deploy({ volName: "data2" }));
        assert.ok(renamed.ok, JSON.stringify(renamed.steps));
        const second = engine.resource("data")!;
        assert.notEqual(second.id, first.id);
        assert.deepEqual(
            inventory().map((v) => v.VolumeName),
            ["data2"],
        );

        // An up right after its create (list lag) and a refresh keep it; an out-of-band delete drops it.
        const kept = await engine.refresh();
        assert.notEqual(findStep(kept, "data")?.op, "refresh-drop");
        emu.agentbay.destroy(String(second.outputs.volumeId));
        const refreshed = await engine.refresh();
        assert.equal(findStep(refreshed, "data")?.op, "refresh-drop");

        const again = await engine.up(await deploy({ volName: "data2" }));
        assert.ok(again.ok, JSON.stringify(again.steps));
        const destroyed = await engine.destroy();
        assert.ok(destroyed.ok, JSON.stringify(destroyed.steps));
        assert.equal(inventory().length, 0);
        const key = emu.env.AGENTBAY_API_KEY!;
        assert.ok(!JSON.stringify(engine.state).includes(key), "key in state");
    });

    it("a pre-existing same-named volume is refused, naming it and how to adopt it; adoptExisting takes it", async () => {
        const { emu } = ctx();
        emu.reset();
        const theirs = emu.agentbay.create(image, "shared");
        const engine = ctx().engine();
        const refused = await engine.up(await deploy({ volName: "shared" }));
        assert.equal(refused.ok, false);
        const error = findStep(refused, "data")?.error ?? "";
        assert.match(error, new RegExp(`already exists \\(${theirs}\\)`));
        assert.ok(error.includes(`agentbay.Volume.get("shared", "${image}/${theirs}")`), error);
        assert.equal(engine.resource("data"), undefined, "nothing recorded");
        assert.equal(emu.inventory().agentbay.length, 1);

        const adopted = await engine.up(await deploy({ volName: "shared", adopt: "true" }));
        assert.ok(adopted.ok, JSON.stringify(adopted.steps));
        assert.equal(engine.resource("data")!.id, `${image}/${theirs}`);
        assert.equal(engine.resource("data")!.outputs.adopted, true);
        assert.equal(emu.inventory().agentbay.length, 1);
    });

    it("a lost create answer leaves exactly one volume, ours", async () => {
        const { emu } = ctx();
        emu.reset();
        // The first GetVolume is the pre-check's lookup by name; the second is the create-or-get.
        emu.setFaults([{ cloud: "agentbay", action: "GetVolume", skip: 1, loseResponse: true }]);
        const engine = ctx().engine();
        const result = await engine.up(await deploy({ volName: "lost" }));
        assert.ok(result.ok, JSON.stringify(result.steps));
        const live = emu.inventory().agentbay;
        assert.equal(live.length, 1);
        assert.equal(engine.resource("data")!.id, `${image}/${live[0]?.VolumeId}`);
        await engine.destroy();
    });

    it("a bad key gives the credential message, and never the key", async () => {
        const { emu } = ctx();
        emu.reset();
        const engine = ctx().engine({ config: { "agentbay:apiKey": "akm-notThisOne", "agentbay:endpoint": emu.urls.agentbay } });
        const result = await engine.up(await deploy());
        assert.equal(result.ok, false);
        const error = findStep(result, "data")?.error ?? "";
        assert.match(error, /NOT_LOGIN/);
        assert.match(error, /`agentbay:apiKey` or AGENTBAY_API_KEY/);
        assert.ok(!error.includes("akm-notThisOne"), error);
        assert.equal(emu.inventory().agentbay.length, 0);
    });
});
