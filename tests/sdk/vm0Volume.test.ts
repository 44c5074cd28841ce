import { strict as assert } from "node:assert";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { vm0 } from "../../sdk";
import { findRepoRoot, runProgramDetailed } from "../harness";

/** Registrations seen by the mocks, by resource name. */
const seen = new Map<string, pulumi.runtime.MockResourceArgs>();

function value<T>(o: pulumi.Output<T>): Promise<T> {
    return new Promise((resolve) => o.apply((v) => resolve(v)));
}

describe("vm0.Volume in a program under pulumi.runtime.setMocks", function () {
    this.timeout(60_000);
    before(async () => {
        await pulumi.runtime.setMocks(
            {
                newResource(args) {
                    seen.set(args.name, args);
                    const state = args.id
                        ? { volumeId: args.id, name: "pushed", currentVersionId: "ab".repeat(32), fileCount: 2, size: 10 }
                        : { ...args.inputs, volumeId: "vol-mock", currentVersionId: "cd".repeat(32) };
                    return { id: args.id ?? "vol-mock", state };
                },
                call: () => ({}),
            },
            "mocks",
            "test",
            false,
        );
    });

    it("registers with its type token, a name under VM0's rule from the resource name, and an absolute source", async () => {
        const v = new vm0.Volume("Agent Data_v2", { source: "some/dir", message: "first" });
        assert.equal(await value(v.name), "agent-data-v2");
        assert.equal(await value(v.currentVersionId), "cd".repeat(32));
        const args = seen.get("Agent Data_v2");
        assert.equal(args?.type, "pulumi-nodejs:dynamic/vm0:Volume");
        assert.equal(args?.inputs.source, path.resolve("some/dir"));
        assert.equal(args?.inputs.message, "first");
        assert.match(String(args?.inputs.__provider), /require\("pulumi-volumes\/provider"\)/);
        assert.doesNotMatch(JSON.stringify(args?.inputs), /token/i);
    });

    it("keeps an explicit name, and resolves a source given as an Output", async () => {
        const v = new vm0.Volume("x", { source: pulumi.output("later/dir"), name: "my-data" });
        assert.equal(await value(v.name), "my-data");
        assert.equal(await value(v.source), path.resolve("later/dir"));
    });

    it("adopts with get: a read of the id, every output from VM0, no arguments sent", async () => {
        const v = vm0.Volume.get("adopted", "0b1c2d3e-aaaa-bbbb-cccc-123456789abc");
        assert.equal(await value(v.id), "0b1c2d3e-aaaa-bbbb-cccc-123456789abc");
        assert.equal(await value(v.name), "pushed");
        assert.equal(await value(v.currentVersionId), "ab".repeat(32));
        assert.equal(await value(v.fileCount), 2);
        assert.equal(seen.get("adopted")?.id, "0b1c2d3e-aaaa-bbbb-cccc-123456789abc");
        assert.equal(seen.get("adopted")?.inputs.source, undefined);
    });

    it("defaults retainOnDelete to true unless the program says otherwise; a FileArchive path is made absolute", async () => {
        const root = findRepoRoot();
        const run = await runProgramDetailed({ cwd: root, entry: path.join(__dirname, "vm0VolumeProgram.js") });
        const byName = new Map(run.registrations.map((r) => [r.name, r]));
        assert.equal(byName.get("kept")?.retainOnDelete, true);
        assert.equal(byName.get("let-go")?.retainOnDelete, false);
        assert.equal(byName.get("kept")?.type, "pulumi-nodejs:dynamic/vm0:Volume");
        assert.equal(byName.get("kept")?.inputs.name, "kept");
        assert.equal(byName.get("kept")?.inputs.source, path.join(root, "examples/vm0-data"));
        const code = String(byName.get("kept")?.inputs.__provider);
        assert.ok(Buffer.byteLength(code) < 4096, `__provider is ${Buffer.byteLength(code)} bytes`);
        assert.deepEqual([...new Set(code.match(/require\("[^"]+"\)/g))], ['require("pulumi-volumes/provider")']);
        assert.doesNotMatch(code, /token|undici|zod|"tar"/i);
        const archive = byName.get("archived")?.inputs.source as Record<string, unknown>;
        assert.equal(archive["4dabf18193072939515e22adb298388d"], "0def7320c3a5731c473e5ecbe6d01bc7", "still an archive");
        assert.equal(archive.path, path.join(root, "examples/vm0-data"));
    });
});
