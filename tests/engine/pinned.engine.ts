import { strict as assert } from "node:assert";

import { program, stepFor, useEngine } from "./support";

/**
 * TODAY's behaviour of `customTimeouts`, the `import` resource option and `pulumi import` on this
 * package's resources under the real engine, stated in one place. The README says exactly this; a
 * change to any of them (the "first hour" issue makes `import:` and `customTimeouts` work) edits this
 * object, the tests below and the README together.
 */
const TODAY = {
    /**
     * Honoured: the engine never hands it to a dynamic provider, so each class turns it into `timeouts`
     * (seconds) when constructed, and the provider's deadline ends the create.
     */
    customTimeouts: { honoured: true },
    /**
     * `import: "<id>"` adopts exactly that volume: the SDK takes the option out of what the engine sees
     * and hands the id to the provider's create (input `importId`), so preview shows a create step, up
     * records the volume under that id, and no volume is made.
     */
    importOption: { works: true, step: "create" },
    /**
     * `pulumi import pulumi-nodejs:dynamic/<cloud>:<Kind> <name> <id>` fails, recording nothing. Here it
     * stops before any provider call, at loading the Node language host (not on the Go module proxy,
     * so not on this machine); with the host present the import's Read would hit the error above.
     */
    pulumiImport: {
        works: false,
        error: /no language plugin 'pulumi-language-nodejs' found|Cannot read properties of undefined \(reading 'toJavaScript'\)/,
    },
} as const;

const vol = program(`
    const opts = {};
    if (c.get("customCreate")) opts.customTimeouts = { create: c.get("customCreate") };
    if (c.get("importId")) opts.import = c.get("importId");
    const v = new pv.fly.Volume("data", { app: "pin", region: "iad", sizeGb: 3, name: c.get("volName") ?? "data" }, opts);
    return { volumeId: v.volumeId };
`);

describe("engine: what customTimeouts, import: and `pulumi import` do today (real pulumi CLI)", function () {
    this.timeout(300_000);
    const ctx = useEngine({ fly: { timeToReadyMs: 100 } }, { "vol.js": vol });

    const timeoutsTitle = TODAY.customTimeouts.honoured
        ? "customTimeouts is honoured: a create slower than customTimeouts.create fails at it, and the next up finishes the volume"
        : "customTimeouts is ignored: a create slower than customTimeouts.create succeeds";
    it(timeoutsTitle, async () => {
        const { emu } = ctx();
        emu.configure({ fly: { timeToReadyMs: 4_000 } });
        try {
            const s = await ctx().stack("custom-timeouts", "vol.js");
            await s.config({ customCreate: "1s", volName: "ct" });
            const up = await s.up();
            assert.equal(up.ok, !TODAY.customTimeouts.honoured, up.output);
            if (TODAY.customTimeouts.honoured) {
                assert.match(up.output, /still 'creating' after 1 s waiting to be created; raise timeouts\.create \(now 1 s\)/);
                // Partial state: the volume Fly accepted is recorded, not ready, and finished by the next up.
                assert.notEqual((await s.resource("data"))?.outputs?.state, "created", up.output);
                await s.config({ volName: "ct" });
                const again = await s.up();
                assert.ok(again.ok, again.output);
                assert.equal(emu.inventory().fly.filter((v) => v.name === "ct").length, 1, "one volume, finished, not a second");
            }
            assert.equal((await s.resource("data"))?.outputs?.state, "created", "it waited the 4 s out");
            assert.ok((await s.destroy()).ok);
        } finally {
            emu.configure({ fly: { timeToReadyMs: 100 } });
        }
    });

    it("the import resource option adopts exactly that volume (a create step, no new volume); `pulumi import` fails", async () => {
        const { emu } = ctx();
        const owner = await ctx().stack("owner", "vol.js");
        await owner.config({ volName: "theirs" });
        assert.ok((await owner.up()).ok);
        const id = (await owner.resource("data"))?.id;
        assert.ok(id);
        const count = () => emu.inventory().fly.filter((v) => v.state === "created").length;
        const before = count();

        const s = await ctx().stack("import-option", "vol.js");
        await s.config({ importId: id, volName: "theirs" });
        const plan = await s.preview();
        assert.equal(plan.ok, TODAY.importOption.works, plan.output);
        assert.equal(stepFor(plan, "data")?.op, TODAY.importOption.step, plan.output);
        const up = await s.up();
        assert.equal(up.ok, TODAY.importOption.works, up.output);
        assert.equal((await s.resource("data"))?.id, id, "the imported volume is recorded under its id");
        assert.equal(count(), before, "no volume created");

        const cli = await s.cli(["import", "pulumi-nodejs:dynamic/fly:Volume", "imported", id, "--yes", "--generate-code=false"]);
        assert.equal(cli.code === 0, TODAY.pulumiImport.works, cli.stdout + cli.stderr);
        assert.match(cli.stdout + cli.stderr, TODAY.pulumiImport.error);
        assert.equal(await s.resource("imported"), undefined);
        assert.equal(count(), before);
        // Both stacks now manage the volume (across stacks this cannot be told): forget it in one.
        assert.ok((await s.cli(["state", "delete", String((await s.resource("data"))?.urn), "--yes"])).code === 0);
        assert.ok((await owner.destroy()).ok);
    });
});
