import { strict as assert } from "node:assert";
import { useFakeCredentials } from "../support/credentials";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { z } from "zod";
import { resourceProvider } from "../../provider/core/provider";
import type { FieldRules } from "../../provider/core/rules";
import { providerFor } from "../../provider";
import { vm0VolumeProvider } from "../../provider/vm0/provider";
import type { Vm0VolumeOutputs } from "../../provider/vm0/schema";

/** Runs `fn` with stderr captured; returns what was written. */
async function stderrOf(fn: () => Promise<unknown>): Promise<string> {
    const write = process.stderr.write.bind(process.stderr);
    let out = "";
    process.stderr.write = ((chunk: string | Uint8Array) => {
        out += String(chunk);
        return true;
    }) as typeof process.stderr.write;
    try {
        await fn();
    } finally {
        process.stderr.write = write;
    }
    return out;
}

describe("a spec's own async check (provider/core/provider.ts)", () => {
    const schema = z.object({ name: z.string(), digest: z.string().optional() });
    const rules = { name: "replace", digest: "inPlace" } satisfies FieldRules;
    const read = async () => undefined;
    const create = async () => ({ id: "x", outs: { name: "a" } });
    const update = async () => ({ name: "a" });

    it("replaces the default check: what it answers is what the engine gets", async () => {
        const calls: unknown[] = [];
        const p = resourceProvider({
            inputs: { schema, rules },
            operations: { read, create, update },
            async check(olds, news) {
                calls.push([olds, news]);
                await new Promise((r) => setTimeout(r, 5));
                return { inputs: { name: String(news["name"]), digest: "computed" }, failures: [] };
            },
        });
        const out = await p.check({ name: "old" }, { name: "a", notAnInput: 1 });
        assert.deepEqual(out, { inputs: { name: "a", digest: "computed" }, failures: [] }, "the default check would refuse notAnInput");
        assert.deepEqual(calls, [[{ name: "old" }, { name: "a", notAnInput: 1 }]]);
    });

    it("without one, the schema and rules check as before", async () => {
        const p = resourceProvider({ inputs: { schema, rules }, operations: { read, create, update } });
        const out = await p.check({}, { name: "a", notAnInput: 1 });
        assert.deepEqual(
            out.failures.map((f) => f.property),
            ["notAnInput"],
        );
    });
});

describe("the vm0:Volume provider (no request: check, diff and delete)", () => {
    useFakeCredentials();
    let dir: string;
    before(() => {
        dir = mkdtempSync(join(tmpdir(), "vm0-asm-"));
        writeFileSync(join(dir, "a.txt"), "a");
    });
    after(() => rmSync(dir, { recursive: true, force: true }));

    it("is what provider/index.ts loads for vm0:Volume", () => {
        assert.equal(providerFor("vm0:Volume"), vm0VolumeProvider);
    });

    it("loads neither undici nor tar until a request or an archive needs them (a check only hashes)", () => {
        const root = resolve(__dirname, "../..");
        const script = `
            const p = require(${JSON.stringify(join(root, "provider/index.js"))});
            p.providerFor("vm0:Volume");
            const ks = Object.keys(require.cache);
            process.stdout.write(JSON.stringify(["undici", "tar"].filter((m) => ks.some((k) => k.includes("/node_modules/" + m + "/")))));`;
        const out = spawnSync(process.execPath, ["-e", script], { encoding: "utf8" });
        assert.equal(out.stderr, "");
        assert.equal(out.stdout, "[]");
    });

    it("refuses a volume without source, saying how VM0 volumes are made and how to adopt one", async () => {
        const { failures } = await vm0VolumeProvider.check({}, { name: "data", __provider: "code" });
        assert.equal(failures.length, 1);
        assert.equal(failures[0]?.property, "source");
        assert.match(failures[0]?.reason ?? "", /publishes a local directory \(`source`\)/);
        assert.match(failures[0]?.reason ?? "", /vm0 volume push/);
        assert.match(failures[0]?.reason ?? "", /vm0\.Volume\.get\("<name>", "<volume id>"\)/);
    });

    it("takes a FileArchive as the host hands it over (the archive's signature and path) and a path string alike", async () => {
        const archive = { "4dabf18193072939515e22adb298388d": "0def7320c3a5731c473e5ecbe6d01bc7", path: dir, hash: "engine" };
        const a = await vm0VolumeProvider.check({}, { source: archive, name: "data" });
        const b = await vm0VolumeProvider.check({}, { source: dir, name: "data" });
        assert.deepEqual(a.failures, []);
        assert.equal(a.inputs.source, dir);
        assert.match(String(a.inputs.sourceHash), /^[0-9a-f]{64}$/);
        assert.deepEqual(a.inputs, b.inputs);
    });

    it("refuses an archive that is not a directory; an unknown source (preview) makes the fingerprint unknown", async () => {
        const assets = { "4dabf18193072939515e22adb298388d": "0def7320c3a5731c473e5ecbe6d01bc7", assets: {} };
        const refused = await vm0VolumeProvider.check({}, { source: assets, name: "data" });
        assert.deepEqual(
            refused.failures.map((f) => f.property),
            ["source"],
        );
        assert.match(refused.failures[0]?.reason ?? "", /FileArchive/);
        const unknown = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
        const preview = await vm0VolumeProvider.check({}, { source: unknown, name: "data" });
        assert.deepEqual(preview, { inputs: { source: unknown, name: "data", sourceHash: unknown }, failures: [] });
        const olds = { source: dir, name: "data", volumeId: "v1", sourceHash: "a".repeat(64) } as Vm0VolumeOutputs;
        assert.deepEqual(await vm0VolumeProvider.diff("v1", olds, preview.inputs), { changes: true, replaces: [] });
    });

    it("diffs by content: a new fingerprint is an update, a new name a replacement, a message alone nothing", async () => {
        const { inputs } = await vm0VolumeProvider.check({}, { source: dir, name: "data" });
        const olds = { ...inputs, volumeId: "v1", currentVersionId: "f".repeat(64) } as Vm0VolumeOutputs;
        assert.deepEqual(await vm0VolumeProvider.diff("v1", olds, inputs), { changes: false, replaces: [] });
        assert.deepEqual(await vm0VolumeProvider.diff("v1", olds, { ...inputs, message: "new words" }), { changes: false, replaces: [] });
        assert.deepEqual(await vm0VolumeProvider.diff("v1", olds, { ...inputs, sourceHash: "0".repeat(64) }), {
            changes: true,
            replaces: [],
        });
        assert.deepEqual(await vm0VolumeProvider.diff("v1", olds, { ...inputs, name: "data2" }), { changes: true, replaces: ["name"] });
        // HEAD moved outside Pulumi: read dropped the stored fingerprint, so the declared content is published again.
        const { sourceHash: _, ...moved } = olds;
        void _;
        assert.deepEqual(await vm0VolumeProvider.diff("v1", moved as Vm0VolumeOutputs, inputs), { changes: true, replaces: [] });
    });

    it("delete sends nothing and warns on stderr that the volume stays in VM0", async () => {
        const err = await stderrOf(() => vm0VolumeProvider.delete("vol-9", { volumeId: "vol-9", name: "data" } as Vm0VolumeOutputs));
        assert.match(err, /^warning: vm0 volume data \(vol-9\) is left in VM0: VM0 has no delete; /);
        assert.equal(err.trim().split("\n").length, 1);
    });
});
