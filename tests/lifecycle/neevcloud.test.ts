import { strict as assert } from "node:assert";
import { findStep } from "../harness";
import { useLifecycle } from "./support";

const program = `
const pulumi = require("@pulumi/pulumi");
const { neevcloud } = require("pulumi-volumes");
const c = new pulumi.Config();
const v = new neevcloud.NetworkVolume("datasets", {
    regionId: "in-bom-1",
    sizeGb: c.getNumber("size") ?? 100,
    name: c.get("volName"),
    mountPath: "/mnt/datasets",
    timeouts: { create: 60, update: 60, delete: c.getNumber("deleteTimeout") ?? 60 },
});
exports.volumeId = v.volumeId;
`;

describe("neevcloud.NetworkVolume through the real provider host (package from npm pack)", function () {
    // Every step starts real host processes: generous, for a busy machine.
    this.timeout(300_000);
    const ctx = useLifecycle({ neevcloud: { timeToBoundMs: 300, timeToExtendMs: 400 } }, { "neev.js": program });

    it("holds the lifecycle: create (bound), grow 100→250 in one extend, no shrink, rename, refresh-drop, in-use delete", async () => {
        const { emu } = ctx();
        const neev = emu.neevcloud;
        const inventory = () => emu.inventory().neevcloud;
        emu.reset();
        const engine = ctx().engine();
        const deploy = (config: Record<string, string> = {}) => ctx().program("neev.js", config);

        const created = await engine.up(await deploy());
        assert.ok(created.ok, JSON.stringify(created.steps));
        const first = engine.resource("datasets")!;
        assert.match(first.id, /^org-demo\/proj-demo\/[0-9a-f-]{36}$/);
        assert.equal(first.outputs.status, "bound");
        assert.equal(inventory()[0]?.status, "bound");

        emu.clearRequests();
        const grown = await engine.up(await deploy({ size: "250" }));
        assert.equal(findStep(grown, "datasets")?.op, "update");
        assert.equal(emu.requests().filter((r) => r.path.endsWith("/extend")).length, 1, "one extend call");
        assert.equal(engine.resource("datasets")!.outputs.sizeGb, 250);
        assert.equal(engine.resource("datasets")!.outputs.extensionStatus, "succeeded");
        assert.equal(inventory()[0]?.sizeGB, 250);

        emu.clearRequests();
        const shrink = await engine.preview(await deploy({ size: "100" }));
        const failure = findStep(shrink, "datasets")?.failures?.[0];
        assert.equal(failure?.property, "sizeGb");
        assert.match(failure!.reason, /cannot shrink from 250 GB to 100 GB: volumes only grow/);
        assert.equal(emu.requests().length, 0, "refused before any request");

        const renamePlan = await engine.preview(await deploy({ size: "250", volName: "datasets2" }));
        assert.deepEqual(findStep(renamePlan, "datasets")?.replaces, ["name"]);
        const renamed = await engine.up(await deploy({ size: "250", volName: "datasets2" }));
        assert.ok(renamed.ok, JSON.stringify(renamed.steps));
        const second = engine.resource("datasets")!;
        assert.notEqual(second.id, first.id);
        assert.deepEqual(
            inventory()
                .filter((v) => v.status !== "terminated")
                .map((v) => v.name),
            ["datasets2"],
        );

        neev.destroy("org-demo", "proj-demo", String(second.outputs.volumeId));
        const refreshed = await engine.refresh();
        assert.equal(findStep(refreshed, "datasets")?.op, "refresh-drop");

        // in use: the delete fails clearly after its timeout, naming what mounts it
        await engine.up(await deploy({ size: "250", volName: "datasets2", deleteTimeout: "5" }));
        const third = engine.resource("datasets")!;
        neev.attach("org-demo", "proj-demo", String(third.outputs.volumeId), {
            resourceType: "airuntime",
            resourceName: "trainer-1",
            mountPath: "/mnt/datasets",
        });
        const blocked = await engine.destroy();
        assert.equal(blocked.ok, false);
        assert.match(
            findStep(blocked, "datasets")?.error ?? "",
            /still in use by airuntime trainer-1 at \/mnt\/datasets after 5 s.*Detach/,
        );
        assert.ok(engine.resource("datasets"), "still tracked");
        neev.detach("org-demo", "proj-demo", String(third.outputs.volumeId));
        const destroyed = await engine.destroy();
        assert.ok(destroyed.ok, JSON.stringify(destroyed.steps));
        assert.equal(inventory().filter((v) => v.status !== "terminated").length, 0);
        assert.ok(!JSON.stringify(engine.state).includes(emu.token), "token in state");
    });
    it("a create that ends 'failed' is replaced by the next up, deleting first (same name), and the preview says so", async () => {
        const { emu } = ctx();
        emu.reset();
        emu.configure({ neevcloud: { createOutcome: "failed" } });
        const engine = ctx().engine();
        const first = await engine.up(await ctx().program("neev.js"));
        assert.equal(first.ok, false);
        assert.match(findStep(first, "datasets")?.error ?? "", /reached 'failed' waiting to be bound/);
        const failed = engine.resource("datasets")!;
        assert.equal(failed.outputs.status, "failed", "state shows what NeevCloud reported");

        emu.configure({ neevcloud: { createOutcome: "bound" } });
        const plan = await engine.preview(await ctx().program("neev.js"));
        const planned = findStep(plan, "datasets");
        assert.equal(planned?.op, "replace");
        assert.deepEqual(planned?.replaces, ["status"]);
        assert.equal(planned?.deleteBeforeReplace, true);
        const second = await engine.up(await ctx().program("neev.js"));
        assert.ok(second.ok, JSON.stringify(second.steps));
        const replaced = engine.resource("datasets")!;
        assert.notEqual(replaced.id, failed.id);
        assert.equal(replaced.outputs.status, "bound");
        const live = emu.inventory().neevcloud.filter((v) => v.status !== "terminated");
        assert.deepEqual(
            live.map((v) => [v.id, v.status]),
            [[String(replaced.outputs.volumeId), "bound"]],
        );
        await engine.destroy();
    });

    it("with orgId and projectId set nowhere, preview shows the CheckFailure naming the config key and env var", async () => {
        const { emu } = ctx();
        emu.reset();
        const engine = ctx().engine({
            config: { "neevcloud:token": emu.token, "neevcloud:apiUrl": emu.urls.neevcloud },
            env: { NEEVCLOUD_ORG_ID: "", NEEVCLOUD_PROJECT_ID: "" },
        });
        const plan = await engine.preview(await ctx().program("neev.js"));
        const step = findStep(plan, "datasets");
        assert.equal(step?.error, "check failed", step?.error);
        const orgId = step?.failures?.find((f) => f.property === "orgId");
        assert.match(orgId?.reason ?? "", /neevcloud:orgId.*NEEVCLOUD_ORG_ID/);
        assert.ok(step?.failures?.some((f) => f.property === "projectId"));
        assert.equal(emu.requests().length, 0);
    });
});
