import { strict as assert } from "node:assert";

import * as pulumi from "@pulumi/pulumi";

import { serializedProvider } from "../../sdk/core/provider";
import { opsFor, program, useEngine, type StateResource } from "./support";

const grow = program(`
    const v = new pv.fly.Volume("data", { app: "upgrade", region: "iad", sizeGb: c.getNumber("sizeGb") ?? 3, name: "kept" });
    return { volumeId: v.volumeId, sizeGb: v.sizeGb };
`);

const handlerRequire = 'require("pulumi-volumes/dist/sdk/fly/handler.js")';

describe("engine: a stack whose state an earlier version wrote (real pulumi CLI)", function () {
    this.timeout(300_000);
    const ctx = useEngine({ fly: { timeToReadyMs: 100, timeToExtendMs: 100 } }, { "grow.js": grow });

    it("a __provider that copies the code (before the handler modules) previews no change, refreshes, grows, destroys", async () => {
        const { emu } = ctx();
        const s = await ctx().stack("upgrade", "grow.js");
        assert.ok((await s.up()).ok);
        const made = await s.resource("data");
        assert.ok(String(made?.inputs?.__provider).includes(handlerRequire), String(made?.inputs?.__provider));

        // What versions before the handler modules stored: Pulumi's copy of the provider object's methods
        // (each reaches the package through require("pulumi-volumes/provider"), which stays exported).
        const old = (await pulumi.runtime.serializeFunction(() => serializedProvider("fly:Volume"))).text;
        assert.match(old, /require\("pulumi-volumes\/provider"\)/);
        const exported = await s.stack.exportStack();
        const deployment = exported.deployment as { resources: StateResource[] };
        for (const r of deployment.resources) {
            if (!r.type.startsWith("pulumi-nodejs:dynamic/")) continue;
            r.inputs = { ...r.inputs, __provider: old };
            r.outputs = { ...r.outputs, __provider: old };
        }
        await s.stack.importStack(exported);

        const preview = await s.preview({ expectNoChanges: true });
        assert.ok(preview.ok, preview.output.slice(-3000));
        assert.deepEqual(opsFor(preview, "data"), ["same"]);
        // A refresh reads with the provider the state holds: the old copy.
        const refresh = await s.refresh({ expectNoChanges: true });
        assert.ok(refresh.ok, refresh.output.slice(-3000));

        await s.config({ sizeGb: "5" });
        const up = await s.up();
        assert.ok(up.ok, up.output.slice(-3000));
        assert.deepEqual(opsFor(up, "data"), ["update"]);
        assert.equal(up.outputs.sizeGb, 5);
        assert.deepEqual(
            emu.inventory().fly.map((v) => [v.name, v.size_gb]),
            [["kept", 5]],
        );
        const after = await s.resource("data");
        assert.ok(String(after?.inputs?.__provider).includes(handlerRequire), "the update stores the new form");
        assert.ok((await s.destroy()).ok);
        assert.deepEqual(
            emu.inventory().fly.filter((v) => !["pending_destroy", "destroying", "destroyed"].includes(v.state)),
            [],
        );
    });
});
