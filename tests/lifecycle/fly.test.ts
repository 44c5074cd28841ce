import { strict as assert } from "node:assert";
import { findStep } from "../harness";
import { useLifecycle } from "./support";
import { present } from "../support/present";

const program = `
const pulumi = require("@pulumi/pulumi");
const { fly } = require("pulumi-volumes");
const c = new pulumi.Config();
const v = new fly.Volume("data", {
    app: "web",
    region: c.get("region") ?? "iad",
    sizeGb: c.getNumber("size") ?? 3,
    name: c.get("volName"),
    snapshotRetention: c.getNumber("retention"),
    timeouts: { create: c.getNumber("createTimeout") ?? 60, update: 60, delete: c.getNumber("deleteTimeout") ?? 60 },
});
exports.volumeId = v.volumeId;
`;

const badProgram = `
const { fly } = require("pulumi-volumes");
new fly.Volume("bad", { app: "Web", region: "us-east", sizeGb: 0, name: "Bad-Name", snapshotRetention: 99 });
`;

const adoptProgram = `
const pulumi = require("@pulumi/pulumi");
const { fly } = require("pulumi-volumes");
const v = fly.Volume.get("adopted", new pulumi.Config().require("id"));
exports.size = v.sizeGb;
`;

describe("fly.Volume through the real provider host (package from npm pack)", function () {
    // Every step starts real host processes: generous, for a busy machine.
    this.timeout(300_000);
    const ctx = useLifecycle(
        { fly: { timeToReadyMs: 200, timeToExtendMs: 300, rateLimit: { perSecond: 1, burst: 3 } } },
        { "fly.js": program, "bad.js": badProgram, "adopt.js": adoptProgram },
    );

    it("serializes a provider under 512 bytes: a require of the package's handler module", async () => {
        const reg = present((await ctx().program("fly.js"))[0]);
        assert.equal(reg.type, "pulumi-nodejs:dynamic/fly:Volume");
        const code = String(reg.inputs.__provider);
        assert.ok(Buffer.byteLength(code) < 512, `__provider is ${Buffer.byteLength(code)} bytes`);
        assert.deepEqual([...new Set(code.match(/require\("[^"]+"\)/g))], ['require("pulumi-volumes/dist/sdk/fly/handler.js")']);
        assert.doesNotMatch(code, /emulator-|token|undici|zod/i);
        assert.equal(reg.inputs.name, "data", "the default name derives from the resource name");
    });

    it("holds the lifecycle: create, grow, retention, refused shrink, rename, refresh after an out-of-band delete, delete", async () => {
        const { emu } = ctx();
        emu.reset();
        const engine = ctx().engine();
        const deploy = async (config: Record<string, string> = {}) => ctx().program("fly.js", config);

        // preview sends nothing that changes the cloud, then up creates
        const preview = await engine.preview(await deploy());
        assert.equal(findStep(preview, "data")?.op, "create");
        assert.equal(emu.inventory().fly.length, 0);
        const created = await engine.up(await deploy());
        assert.ok(created.ok, JSON.stringify(created.steps));
        const first = engine.resource("data")!;
        assert.match(first.id, /^web\/vol_/);
        assert.equal(first.outputs.state, "created");
        assert.equal(present(emu.inventory().fly[0]).size_gb, 3);

        // grow: one extend, in place, waited on
        const growPlan = await engine.preview(await deploy({ size: "5" }));
        assert.equal(findStep(growPlan, "data")?.op, "update");
        emu.clearRequests();
        const grown = await engine.up(await deploy({ size: "5" }));
        assert.ok(grown.ok, JSON.stringify(grown.steps));
        assert.equal(engine.resource("data")!.outputs.sizeGb, 5);
        assert.equal(emu.requests().filter((r) => r.path.endsWith("/extend")).length, 1);
        assert.equal(present(emu.inventory().fly[0]).size_gb, 5);

        // change retention in place
        const retained = await engine.up(await deploy({ size: "5", retention: "12" }));
        assert.equal(findStep(retained, "data")?.op, "update");
        assert.equal(present(emu.inventory().fly[0]).snapshot_retention, 12);

        // nothing changed is no change
        const same = await engine.up(await deploy({ size: "5", retention: "12" }));
        assert.equal(findStep(same, "data")?.op, "same");

        // shrink refused at preview, naming both sizes, with no request sent
        emu.clearRequests();
        const shrink = await engine.preview(await deploy({ size: "4", retention: "12" }));
        const failure = findStep(shrink, "data")?.failures?.[0];
        assert.equal(failure?.property, "sizeGb");
        assert.match(failure!.reason, /cannot shrink from 5 GB to 4 GB: volumes only grow/);
        assert.equal(emu.requests().length, 0);

        // rename replaces: the new volume first, then the old one goes
        const renamePlan = await engine.preview(await deploy({ size: "5", retention: "12", volName: "data2" }));
        assert.deepEqual(findStep(renamePlan, "data")?.replaces, ["name"]);
        const renamed = await engine.up(await deploy({ size: "5", retention: "12", volName: "data2" }));
        assert.ok(renamed.ok, JSON.stringify(renamed.steps));
        const second = engine.resource("data")!;
        assert.notEqual(second.id, first.id);
        const byId = new Map(emu.inventory().fly.map((v) => [v.id, v]));
        assert.equal(byId.get(String(second.outputs.volumeId))?.name, "data2");
        assert.ok(["scheduling_destroy", "pending_destroy"].includes(String(byId.get(String(first.outputs.volumeId))?.state)));

        // refresh after an out-of-band delete drops it from state
        emu.fly.destroy("web", String(second.outputs.volumeId));
        const refreshed = await engine.refresh();
        assert.equal(findStep(refreshed, "data")?.op, "refresh-drop");
        assert.equal(engine.resource("data"), undefined);

        assert.ok(!JSON.stringify(engine.state).includes(emu.token), "token in state");

        // up recreates it; destroy deletes it
        const again = await engine.up(await deploy({ size: "5", volName: "data2" }));
        assert.equal(findStep(again, "data")?.op, "create");
        const destroyed = await engine.destroy();
        assert.ok(destroyed.ok, JSON.stringify(destroyed.steps));
        assert.ok(emu.inventory().fly.every((v) => v.state !== "created"));
        assert.equal(emu.inventory().fly.length, 3, "three volumes were ever made: no duplicate");
    });

    it("refuses every bad input at preview, one failure per property, with no request sent", async () => {
        const { emu } = ctx();
        emu.reset();
        const result = await ctx()
            .engine()
            .preview(await ctx().program("bad.js"));
        const properties = (findStep(result, "bad")?.failures ?? []).map((f) => f.property).sort();
        assert.deepEqual(properties, ["app", "name", "region", "sizeGb", "snapshotRetention"]);
        assert.equal(emu.requests().length, 0);
    });

    it("a create that times out after Fly accepted it stays in state and the next up finishes it", async () => {
        const { emu, clock } = ctx();
        emu.reset();
        // Ready 8 s after the POST on the emulator's clock, held still for the first up: it gives
        // up at 4 s (room for a busy machine to poll once) with the volume still creating, however
        // long it takes; then time moves past the 8 s and the next up finds it ready.
        // No rate limit: its bucket would not refill while the clock is held.
        emu.configure({ fly: { timeToReadyMs: 8_000, rateLimit: false } });
        const engine = ctx().engine();
        let tracked: NonNullable<ReturnType<typeof engine.resource>>;
        clock.hold();
        try {
            const first = await engine.up(await ctx().program("fly.js", { createTimeout: "4" }));
            const step = findStep(first, "data")!;
            assert.equal(first.ok, false);
            assert.match(step.error ?? "", /still 'creating' after 4 s waiting to be created; raise timeouts.create/);
            assert.match(step.partial?.id ?? "", /^web\/vol_/);
            tracked = engine.resource("data")!;
            assert.equal(tracked.id, step.partial?.id, "Pulumi keeps tracking the volume");
            assert.equal(tracked.outputs.state, "creating");
            assert.ok(tracked.initErrors?.length, "with its init error");
            assert.equal(present(emu.inventory().fly[0]).state, "creating", "not ready yet when the next up starts");
        } finally {
            clock.release(8_000);
        }

        // The next up is an update (init errors) that waits until the volume is created, as create does.
        const plan = await engine.preview(await ctx().program("fly.js"));
        assert.equal(findStep(plan, "data")?.op, "update");
        const second = await engine.up(await ctx().program("fly.js"));
        assert.ok(second.ok, JSON.stringify(second.steps));
        assert.equal(findStep(second, "data")?.op, "update");
        const finished = engine.resource("data")!;
        assert.equal(finished.id, tracked.id);
        assert.equal(finished.outputs.state, "created");
        assert.equal(finished.initErrors, undefined);
        assert.equal(emu.inventory().fly.length, 1, "no second volume");
        assert.equal(present(emu.inventory().fly[0]).state, "created");

        // A change to timeouts alone is an update that sends nothing to Fly and stores the new values.
        emu.clearRequests();
        const timeoutsPlan = await engine.preview(await ctx().program("fly.js", { deleteTimeout: "30" }));
        assert.equal(findStep(timeoutsPlan, "data")?.op, "update");
        const retimed = await engine.up(await ctx().program("fly.js", { deleteTimeout: "30" }));
        assert.ok(retimed.ok, JSON.stringify(retimed.steps));
        assert.equal(emu.requests().length, 0, "no request to the cloud");
        assert.deepEqual(engine.resource("data")!.outputs.timeouts, { create: 60, update: 60, delete: 30 });
        await engine.destroy();
    });

    it("adopts an existing volume with fly.Volume.get", async () => {
        const { emu } = ctx();
        emu.reset();
        const engine = ctx().engine();
        await engine.up(await ctx().program("fly.js"));
        const id = engine.resource("data")!.id;
        const adopt = ctx().engine();
        const result = await adopt.up(await ctx().program("adopt.js", { id }));
        assert.ok(result.ok, JSON.stringify(result.steps));
        assert.equal(findStep(result, "adopted")?.op, "read");
        assert.equal(adopt.resource("adopted")?.outputs.sizeGb, 3);
        assert.equal(adopt.resource("adopted")?.outputs.name, "data");
        await engine.destroy();
    });

    it("reads credentials from the environment when the stack config has none", async () => {
        const { emu } = ctx();
        emu.reset();
        const engine = ctx().engine({ config: {}, env: { FLY_API_TOKEN: emu.token, FLY_API_URL: emu.urls.fly } });
        const result = await engine.up(await ctx().program("fly.js"));
        assert.ok(result.ok, JSON.stringify(result.steps));
        await engine.destroy();
    });

    it("a missing token fails at check (preview) naming fly:token and FLY_API_TOKEN", async () => {
        const { emu } = ctx();
        emu.reset();
        const engine = ctx().engine({ config: { "fly:apiUrl": emu.urls.fly }, env: { FLY_API_TOKEN: "" } });
        const result = await engine.up(await ctx().program("fly.js"));
        const step = findStep(result, "data");
        assert.equal(step?.error, "check failed");
        assert.match(step?.failures?.map((f) => f.reason).join("\n") ?? "", /fly:token.*FLY_API_TOKEN/);
        assert.equal(emu.requests().length, 0);
    });

    it("never lets the token reach state, outputs or the host's logs", () => {
        const { emu, hosts } = ctx();
        assert.ok(hosts.length > 0);
        for (const h of hosts) assert.ok(!h.logs().includes(emu.token), "token in host logs");
    });
});
