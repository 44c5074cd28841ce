import { strict as assert } from "node:assert";
import * as path from "node:path";

import { useTempDirs, writeTree } from "../support/dirTree";
import { opsFor, program, stepFor, useEngine } from "./support";
import { present } from "../support/present";

const publish = program(`
    const dir = c.require("dir");
    const v = new pv.vm0.Volume("agent-data", {
        source: c.getBoolean("archive") ? new pulumi.asset.FileArchive(dir) : dir,
        name: c.get("volName"),
        timeouts: { create: 60, update: 60 },
    });
    return { volumeId: v.volumeId, currentVersionId: v.currentVersionId, fileCount: v.fileCount };
`);

describe("engine: vm0.Volume through the real pulumi CLI", function () {
    this.timeout(300_000);
    const ctx = useEngine({}, { "vm0.js": publish });
    const tempDir = useTempDirs("vm0-engine-");

    it("publishes; a changed file is one new version; a rename replaces and retains the old one; destroy retains", async () => {
        const { emu } = ctx();
        const volumes = () => emu.inventory().vm0;
        const dir = tempDir({ "README.md": "# agent data\n", "prompts/system.txt": "be brief\n" });
        const s = await ctx().stack("lifecycle", "vm0.js");
        await s.config({ dir });
        const up = await s.up();
        assert.ok(up.ok, up.output);
        const first = (await s.resource("agent-data"))!;
        assert.equal(first.retainOnDelete, true, "the class's default reaches the engine's state");
        assert.equal(first.outputs?.fileCount, 2);
        const v1 = String(first.outputs?.currentVersionId);

        writeTree(dir, { "prompts/system.txt": "be thorough\n" });
        const plan = await s.preview();
        assert.equal(stepFor(plan, "agent-data")?.op, "update");
        const changed = await s.up();
        assert.ok(changed.ok, changed.output);
        assert.deepEqual(opsFor(changed, "agent-data"), ["update"]);
        const v2 = String((await s.resource("agent-data"))?.outputs?.currentVersionId);
        assert.notEqual(v2, v1);
        assert.equal(present(volumes()[0]).versions.length, 2, "exactly one new version");
        assert.equal(present(volumes()[0]).currentVersionId, v2);

        const same = await s.up();
        assert.deepEqual(opsFor(same, "agent-data"), ["same"], "unchanged content is no step");

        await s.config({ dir, volName: "agent-data-2" });
        const renamePlan = await s.preview();
        assert.ok(opsFor(renamePlan, "agent-data").includes("replace"));
        assert.deepEqual(stepFor(renamePlan, "agent-data")?.keys, ["name"]);
        const renamed = await s.up();
        assert.ok(renamed.ok, renamed.output);
        assert.deepEqual(opsFor(renamed, "agent-data"), ["create-replacement", "replace", "delete-replaced"]);
        assert.deepEqual(
            volumes()
                .map((v) => v.name)
                .sort(),
            ["agent-data", "agent-data-2"],
            "the old volume stays in VM0",
        );

        emu.clearRequests();
        const destroyed = await s.destroy();
        assert.ok(destroyed.ok, destroyed.output);
        assert.deepEqual(opsFor(destroyed, "agent-data"), ["delete"]);
        assert.equal(volumes().length, 2, "destroy retains");
        assert.deepEqual(emu.requests({ cloud: "vm0" }), [], "the engine never called Delete");
        assert.equal(await s.resource("agent-data"), undefined);
    });

    it("a relative FileArchive: resolved in the program's process, hashed by the engine, checked as a directory", async () => {
        const { emu } = ctx();
        const dir = tempDir({ "notes.md": "archive\n" });
        const s = await ctx().stack("archive", "vm0.js");
        // Relative to the program's process (an inline program's cwd, not the workspace's workDir: the
        // class resolves it there, as Node resolves the program's own file reads).
        assert.notEqual(process.cwd(), ctx().scratch.dir);
        await s.config({ dir: path.relative(process.cwd(), dir), archive: "true", volName: "archived" });
        const up = await s.up();
        assert.ok(up.ok, up.output);
        const state = (await s.resource("agent-data"))!;
        assert.equal(state.inputs?.source, dir, "check turned the engine's archive into its absolute directory");
        assert.equal(state.outputs?.fileCount, 1);

        emu.clearRequests();
        await s.config({ dir, volName: "archived" });
        const asPath = await s.up();
        assert.ok(asPath.ok, asPath.output);
        assert.deepEqual(opsFor(asPath, "agent-data"), ["same"]);
        assert.deepEqual(emu.requests({ cloud: "vm0" }), []);

        // The engine itself reads an archive's path when the program registers it (to hash it), so a
        // missing directory fails there, before the provider's check can name the property.
        await s.config({ dir: path.join(dir, "missing"), archive: "true", volName: "archived" });
        const missing = await s.preview();
        assert.equal(missing.ok, false);
        assert.match(missing.output, /failed to compute archive hash for "source": couldn't read archive path/);
        await s.config({ dir: path.join(dir, "missing"), volName: "archived" });
        const missingPath = await s.preview();
        assert.equal(missingPath.ok, false);
        assert.doesNotMatch(missingPath.output, /archive hash/, "a plain path reaches the provider's check");
        assert.ok((await s.destroy()).ok);
    });
});
