import { strict as assert } from "node:assert";
import { findStep } from "../harness";
import { useLifecycle } from "./support";

const image = "imgc-life";
const program = `
const pulumi = require("@pulumi/pulumi");
const { agentbay } = require("pulumi-volumes");
const c = new pulumi.Config();
const v = new agentbay.Volume(c.get("resName") || "data", {
    imageId: "${image}",
    name: c.get("volName"),
    timeouts: { create: 60, delete: 30 },
}, { import: c.get("importId") || undefined });
exports.volumeId = v.volumeId;
`;
/** Two resources, each name from the config: a later up may rename one onto the other's volume name. */
const pair = `
const pulumi = require("@pulumi/pulumi");
const { agentbay } = require("pulumi-volumes");
const c = new pulumi.Config();
for (const r of ["a", "b"]) new agentbay.Volume(r, { imageId: "${image}", name: c.require(r) });
`;

describe("agentbay.Volume through the real provider host (package from npm pack)", function () {
    // Every step starts real host processes: generous, for a busy machine.
    this.timeout(300_000);
    const ctx = useLifecycle({ agentbay: { listLagMs: 300 } }, { "agentbay.js": program, "pair.js": pair });
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

    it("a pre-existing same-named volume is refused, naming it and how to adopt it; the import option adopts it, checked", async () => {
        const { emu } = ctx();
        emu.reset();
        const theirs = emu.agentbay.create(image, "shared");
        const engine = ctx().engine();
        const refused = await engine.up(await deploy({ volName: "shared" }));
        assert.equal(refused.ok, false);
        const error = findStep(refused, "data")?.error ?? "";
        assert.match(error, new RegExp(`already exists \\(${theirs}\\)`));
        assert.ok(error.includes(`\`import: "${image}/${theirs}"\``), error);
        assert.equal(engine.resource("data"), undefined, "nothing recorded");
        assert.equal(emu.inventory().agentbay.length, 1);

        const mismatch = await engine.up(await deploy({ volName: "other", importId: `${image}/${theirs}` }));
        assert.equal(mismatch.ok, false);
        assert.match(findStep(mismatch, "data")?.error ?? "", /name: declared 'other', the volume has 'shared'/);
        assert.equal(engine.resource("data"), undefined, "nothing recorded");

        const adopted = await engine.up(await deploy({ volName: "shared", importId: `${image}/${theirs}` }));
        assert.ok(adopted.ok, JSON.stringify(adopted.steps));
        assert.equal(findStep(adopted, "data")?.op, "create");
        assert.equal(engine.resource("data")!.id, `${image}/${theirs}`);
        assert.equal(engine.resource("data")!.outputs.adopted, true);
        assert.equal(emu.inventory().agentbay.length, 1);
        // Dropping the option afterwards is no change; a destroy (a new host process) deletes the volume it now manages.
        assert.equal(findStep(await engine.preview(await deploy({ volName: "shared" })), "data")?.op, "same");
        assert.ok((await engine.up(await deploy({ volName: "shared" }))).ok);
        assert.ok((await engine.destroy()).ok);
        assert.equal(emu.inventory().agentbay.length, 0);
    });

    it(
        "a rename without an alias keeps its volume with import: in one " + "up the new resource adopts it, the old one's delete leaves it",
        async () => {
            const { emu } = ctx();
            emu.reset();
            const engine = ctx().engine();
            assert.ok((await engine.up(await deploy({ volName: "keep" }))).ok);
            const old = engine.resource("data")!;
            // A refresh first (its own host process here; both in one process: agentbayProvider.test.ts): a read claims nothing.
            assert.ok((await engine.refresh()).ok);
            const renamed = await engine.up(await deploy({ volName: "keep", resName: "data2", importId: old.id }));
            assert.ok(renamed.ok, JSON.stringify(renamed.steps));
            assert.deepEqual(
                renamed.steps.map((s) => [s.name, s.op]),
                [
                    ["data2", "create"],
                    ["data", "delete"],
                ],
            );
            assert.equal(engine.resource("data2")!.id, old.id);
            assert.deepEqual(
                emu.inventory().agentbay.map((v) => v.VolumeId),
                [old.outputs.volumeId],
                "the volume is kept",
            );
            assert.ok((await engine.destroy()).ok);
            assert.equal(emu.inventory().agentbay.length, 0);
        },
    );

    it(
        "two stacks (two host processes) of one program: B's same-named " + "create is refused naming A's volume and how to adopt it",
        async () => {
            const { emu } = ctx();
            emu.reset();
            const a = ctx().engine();
            const b = ctx().engine();
            assert.ok((await a.up(await deploy({ volName: "shared" }))).ok);
            const held = a.resource("data")!;
            const upB = await b.up(await deploy({ volName: "shared" }));
            assert.equal(upB.ok, false);
            const error = findStep(upB, "data")?.error ?? "";
            assert.ok(error.includes(`already exists (${held.outputs.volumeId})`), error);
            assert.ok(error.includes(`\`import: "${held.id}"\``), error);
            assert.equal(b.resource("data"), undefined, "B records nothing");
            assert.ok((await b.destroy()).ok);
            assert.deepEqual(
                emu.inventory().agentbay.map((v) => v.VolumeId),
                [held.outputs.volumeId],
                "B's destroy leaves A's volume",
            );
            assert.ok((await a.destroy()).ok);
        },
    );

    it("a later up (a new host process) renaming resource a onto resource b's volume name is refused; both volumes stay", async () => {
        const { emu } = ctx();
        emu.reset();
        const engine = ctx().engine();
        const run = (config: Record<string, string>) => ctx().program("pair.js", config);
        assert.ok((await engine.up(await run({ a: "alpha", b: "beta" }))).ok);
        const [a, b] = [engine.resource("a")!, engine.resource("b")!];
        const later = await engine.up(await run({ a: "beta", b: "beta" }));
        assert.equal(later.ok, false);
        const step = findStep(later, "a");
        assert.equal(step?.op, "replace");
        assert.ok((step?.error ?? "").includes(`already exists (${b.outputs.volumeId})`), step?.error);
        assert.equal(engine.resource("a")!.id, a.id, "a keeps its own volume");
        assert.equal(engine.resource("b")!.id, b.id);
        assert.deepEqual(
            emu
                .inventory()
                .agentbay.map((v) => v.VolumeName)
                .sort(),
            ["alpha", "beta"],
        );
        assert.ok((await engine.destroy()).ok);
        assert.equal(emu.inventory().agentbay.length, 0);
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
