import { strict as assert } from "node:assert";

import { diagnostics, opsFor, program, stepFor, useEngine } from "./support";
import { present } from "../support/present";

/** A Fly volume with Pulumi's resource options from config, and "compute" that mounts it (a no-op dynamic resource). */
const withOptions = program(`
    const opts = {};
    if (c.getBoolean("protect")) opts.protect = true;
    if (c.get("ignore")) opts.ignoreChanges = [c.get("ignore")];
    if (c.get("alias")) opts.aliases = [{ name: c.get("alias") }];
    if (c.getBoolean("dbr")) opts.deleteBeforeReplace = true;
    const v = new pv.fly.Volume(c.get("resName") ?? "data", {
        app: "opts",
        region: "iad",
        sizeGb: c.getNumber("size") ?? 3,
        name: c.get("volName") ?? "data",
    }, opts);
    if (c.getBoolean("compute")) {
        const mounter = {
            async create(inputs) { return { id: "machine-" + inputs.volume, outs: inputs }; },
            async delete() {},
        };
        new pulumi.dynamic.Resource(mounter, "machine", { volume: v.volumeId }, { dependsOn: [v] });
    }
    return { volumeId: v.volumeId };
`);

describe("engine: Pulumi's resource options on a volume (real pulumi CLI)", function () {
    this.timeout(300_000);
    const ctx = useEngine({ fly: { timeToReadyMs: 100, timeToExtendMs: 100 } }, { "opts.js": withOptions });
    const live = (name: string) =>
        ctx()
            .emu.inventory()
            .fly.filter((v) => v.name === name && v.state === "created");

    it("protect: destroy is refused and the volume stays; unprotected, it goes", async () => {
        const s = await ctx().stack("protect", "opts.js");
        await s.config({ protect: "true", volName: "prot" });
        assert.ok((await s.up()).ok);
        assert.equal((await s.resource("data"))?.protect, true);
        const refused = await s.destroy();
        assert.equal(refused.ok, false);
        assert.match(refused.output, /protected/);
        assert.equal(live("prot").length, 1, "the volume stays");
        await s.config({ volName: "prot" });
        assert.ok((await s.up()).ok);
        assert.ok((await s.destroy()).ok);
        assert.equal(live("prot").length, 0);
    });

    it("ignoreChanges: a raised sizeGb is no step and no request", async () => {
        const { emu } = ctx();
        const s = await ctx().stack("ignore", "opts.js");
        await s.config({ ignore: "sizeGb", volName: "ign" });
        assert.ok((await s.up()).ok);
        await s.config({ ignore: "sizeGb", volName: "ign", size: "9" });
        emu.clearRequests();
        const plan = await s.preview();
        assert.equal(stepFor(plan, "data")?.op, "same");
        const up = await s.up();
        assert.deepEqual(opsFor(up, "data"), ["same"]);
        assert.equal(emu.requests({ cloud: "fly" }).length, 0);
        assert.equal(present(live("ign")[0]).size_gb, 3);
        assert.ok((await s.destroy()).ok);
    });

    it("aliases: renaming the Pulumi resource keeps the volume (no create, no delete)", async () => {
        const s = await ctx().stack("alias", "opts.js");
        await s.config({ volName: "ali" });
        assert.ok((await s.up()).ok);
        const before = (await s.resource("data"))!;
        await s.config({ volName: "ali", resName: "data-renamed", alias: "data" });
        const plan = await s.preview();
        assert.equal(stepFor(plan, "data-renamed")?.op, "same");
        const up = await s.up();
        assert.ok(up.ok, up.output);
        assert.deepEqual(opsFor(up, "data-renamed"), ["same"]);
        assert.equal((await s.resource("data-renamed"))?.id, before.id);
        assert.equal(await s.resource("data"), undefined);
        assert.equal(live("ali").length, 1);
        assert.ok((await s.destroy()).ok);
    });

    it("deleteBeforeReplace: a rename deletes the old volume before it creates the new one", async () => {
        const { emu } = ctx();
        const s = await ctx().stack("dbr", "opts.js");
        await s.config({ dbr: "true", volName: "dbr1" });
        assert.ok((await s.up()).ok);
        await s.config({ dbr: "true", volName: "dbr2" });
        emu.clearRequests();
        const up = await s.up();
        assert.ok(up.ok, up.output);
        const ops = opsFor(up, "data");
        assert.ok(ops.indexOf("delete-replaced") < ops.indexOf("create-replacement"), JSON.stringify(ops));
        const methods = emu.requests({ cloud: "fly" }).flatMap((r) => (r.method === "DELETE" || r.method === "POST" ? [r.method] : []));
        assert.equal(methods[0], "DELETE", JSON.stringify(methods));
        assert.equal(live("dbr1").length, 0);
        assert.equal(live("dbr2").length, 1);
        assert.ok((await s.destroy()).ok);
    });

    it("dependsOn: the compute that mounts the volume is created after it and deleted before it", async () => {
        const s = await ctx().stack("depends", "opts.js");
        await s.config({ compute: "true", volName: "dep" });
        const up = await s.up();
        assert.ok(up.ok, up.output);
        const done = (r: typeof up) =>
            r.events.flatMap((e) =>
                e.resOutputsEvent && !e.resOutputsEvent.metadata.type.startsWith("pulumi:")
                    ? [e.resOutputsEvent.metadata.urn.split("::").pop()]
                    : [],
            );
        assert.deepEqual(done(up), ["data", "machine"]);
        const machine = (await s.resource("machine"))!;
        assert.ok(
            machine.dependencies?.some((d) => d.endsWith("::data")),
            "the engine records the dependency",
        );
        const destroyed = await s.destroy();
        assert.ok(destroyed.ok, destroyed.output);
        assert.deepEqual(done(destroyed), ["machine", "data"]);
        assert.deepEqual(diagnostics(destroyed, "error"), []);
    });
});
