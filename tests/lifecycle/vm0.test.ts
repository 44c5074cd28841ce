import { strict as assert } from "node:assert";
import { utimesSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import * as tar from "tar";
import { tarGz } from "../../emulator";
import { findStep, runProgramDetailed, type Engine } from "../harness";
import { useLifecycle } from "./support";
import { readTree, useTempDirs, writeTree } from "../support/dirTree";
import { startGateProxy } from "../support/gateProxy";

const publish = `
const pulumi = require("@pulumi/pulumi");
const { vm0 } = require("pulumi-volumes");
const c = new pulumi.Config();
const dir = c.require("dir");
const v = new vm0.Volume("agent-data", {
    source: c.getBoolean("archive") ? new pulumi.asset.FileArchive(dir) : dir,
    name: c.get("volName"),
    message: c.get("message"),
    timeouts: { create: 60, update: 60 },
}, c.getBoolean("retain") === false ? { retainOnDelete: false } : undefined);
exports.volumeId = v.volumeId;
exports.currentVersionId = v.currentVersionId;
`;

const noSource = `
const { vm0 } = require("pulumi-volumes");
new vm0.Volume("bare", { message: "hello" });
`;

const adopt = `
const pulumi = require("@pulumi/pulumi");
const { vm0 } = require("pulumi-volumes");
const v = vm0.Volume.get("adopted", new pulumi.Config().require("id"));
exports.currentVersionId = v.currentVersionId;
`;

const download = `
const pulumi = require("@pulumi/pulumi");
const { vm0 } = require("pulumi-volumes");
exports.download = vm0.getVolumeDownloadUrlOutput({ id: new pulumi.Config().require("id") });
`;

describe("vm0.Volume through the real provider host (package from npm pack)", function () {
    // Every step starts real host processes: generous, for a busy machine.
    this.timeout(300_000);
    const ctx = useLifecycle(
        { vm0: { cursorQuirk: true } },
        { "publish.js": publish, "nosource.js": noSource, "adopt.js": adopt, "download.js": download },
    );
    const tempDir = useTempDirs("vm0-life-");

    const vm0Config = (token?: string): Record<string, string> => {
        const { emu } = ctx();
        return { "vm0:token": token ?? emu.vm0.token, "vm0:apiUrl": emu.urls.vm0, "vm0:storageUrl": emu.urls.vm0 };
    };
    const engine = (token?: string): Engine => ctx().engine({ config: vm0Config(token) });
    const vm0Requests = () => ctx().emu.requests({ cloud: "vm0" });
    const volumes = () => ctx().emu.inventory().vm0;

    it("publishes, versions by content, rolls back, renames (old retained) and destroys (retained)", async () => {
        const { emu } = ctx();
        emu.reset();
        const files = { "README.md": "# agent data\n", "prompts/system.txt": "be brief\n", "data/rows.csv": "a,b\n1,2\n" };
        const dir = tempDir(files);
        const e = engine();
        const deploy = (extra: Record<string, string> = {}) => ctx().program("publish.js", { dir, ...extra });

        // preview: the check hashes the directory; nothing is sent
        emu.clearRequests();
        const preview = await e.preview(await deploy());
        assert.equal(findStep(preview, "agent-data")?.op, "create", JSON.stringify(preview.steps));
        assert.deepEqual(vm0Requests(), []);

        const created = await e.up(await deploy({ message: "first" }));
        assert.ok(created.ok, JSON.stringify(created.steps));
        const first = e.resource("agent-data")!;
        assert.equal(first.inputs.name, "agent-data", "the default name derives from the resource name");
        assert.equal(first.id, first.outputs.volumeId);
        const v1 = String(first.outputs.currentVersionId);
        assert.match(v1, /^[0-9a-f]{64}$/);
        assert.equal(first.outputs.fileCount, 3);
        assert.equal(volumes().length, 1);
        assert.equal(volumes()[0]?.versions.length, 1);

        // a changed file: an update, exactly one new version
        writeTree(dir, { "prompts/system.txt": "be thorough\n" });
        assert.equal(findStep(await e.preview(await deploy()), "agent-data")?.op, "update");
        const changed = await e.up(await deploy({ message: "second" }));
        assert.ok(changed.ok, JSON.stringify(changed.steps));
        const v2 = String(e.resource("agent-data")!.outputs.currentVersionId);
        assert.notEqual(v2, v1);
        assert.equal(volumes()[0]?.versions.length, 2);
        assert.equal(volumes()[0]?.currentVersionId, v2);

        // no change (only timestamps moved, a message alone): no request beyond the check
        utimesSync(join(dir, "README.md"), new Date(), new Date(Date.now() + 60_000));
        emu.clearRequests();
        assert.equal(findStep(await e.preview(await deploy({ message: "ignored" })), "agent-data")?.op, "same");
        const same = await e.up(await deploy({ message: "ignored" }));
        assert.equal(findStep(same, "agent-data")?.op, "same");
        assert.deepEqual(vm0Requests(), [], "no request at all");

        // roll back: HEAD back to the first version, no new version
        writeTree(dir, files);
        const rolled = await e.up(await deploy());
        assert.equal(findStep(rolled, "agent-data")?.op, "update", JSON.stringify(rolled.steps));
        assert.equal(e.resource("agent-data")!.outputs.currentVersionId, v1);
        assert.equal(volumes()[0]?.currentVersionId, v1);
        assert.equal(volumes()[0]?.versions.length, 2, "no new version");

        // rename: a replacement; the old volume stays in VM0, and the engine says it was retained
        const renamePlan = await e.preview(await deploy({ volName: "agent-data-2" }));
        assert.deepEqual(findStep(renamePlan, "agent-data")?.replaces, ["name"]);
        const renamed = await e.up(await deploy({ volName: "agent-data-2" }));
        assert.ok(renamed.ok, JSON.stringify(renamed.steps));
        const second = e.resource("agent-data")!;
        assert.notEqual(second.id, first.id);
        assert.equal(second.outputs.name, "agent-data-2");
        const letGo = renamed.steps.find((s) => s.op === "delete");
        assert.deepEqual([letGo?.id, letGo?.retained], [first.id, true]);
        assert.deepEqual(
            volumes()
                .map((v) => v.name)
                .sort(),
            ["agent-data", "agent-data-2"],
        );

        // destroy: retained, and said; VM0 keeps both volumes
        emu.clearRequests();
        const destroyed = await e.destroy();
        assert.ok(destroyed.ok, JSON.stringify(destroyed.steps));
        assert.deepEqual(
            destroyed.steps.map((s) => [s.op, s.id, s.retained]),
            [["delete", second.id, true]],
        );
        assert.equal(e.state.resources.length, 0);
        assert.equal(volumes().length, 2);
        assert.deepEqual(vm0Requests(), []);
        assert.ok(!JSON.stringify(e.state).includes(emu.vm0.token), "token in state");
    });

    it("a version pushed outside Pulumi: refresh notices, and the next up puts the declared content back as HEAD", async () => {
        const { emu } = ctx();
        emu.reset();
        const dir = tempDir({ "a.txt": "declared\n" });
        const e = engine();
        assert.ok((await e.up(await ctx().program("publish.js", { dir }))).ok);
        const mine = e.resource("agent-data")!;
        const pushed = emu.vm0.seedVersion(mine.id, { archive: tarGz([{ path: "a.txt", content: "pushed\n" }]), createdBy: "agent" });
        assert.equal(volumes()[0]?.currentVersionId, pushed.id);

        assert.equal(findStep(await e.refresh(), "agent-data")?.op, "refresh");
        assert.equal(e.resource("agent-data")!.outputs.currentVersionId, pushed.id);
        assert.equal(findStep(await e.preview(await ctx().program("publish.js", { dir })), "agent-data")?.op, "update");
        const back = await e.up(await ctx().program("publish.js", { dir }));
        assert.equal(findStep(back, "agent-data")?.op, "update", JSON.stringify(back.steps));
        assert.equal(volumes()[0]?.currentVersionId, mine.outputs.currentVersionId);
        assert.equal(volumes()[0]?.versions.length, 2, "the pushed version stays in VM0's history");
        assert.equal(findStep(await e.up(await ctx().program("publish.js", { dir })), "agent-data")?.op, "same");
    });

    it("with retainOnDelete: false, delete is called, sends nothing, and the host warns that the volume stays", async () => {
        const { emu, hosts } = ctx();
        emu.reset();
        const dir = tempDir({ "a.txt": "a" });
        const e = engine();
        const [reg] = await ctx().program("publish.js", { dir, retain: "false" });
        assert.equal(reg?.retainOnDelete, false, "the program's choice wins over the class default");
        assert.ok((await e.up([reg!])).ok);
        const id = e.resource("agent-data")!.id;
        emu.clearRequests();
        const destroyed = await e.destroy();
        assert.deepEqual(
            destroyed.steps.map((s) => [s.op, s.retained, s.error]),
            [["delete", undefined, undefined]],
        );
        assert.deepEqual(vm0Requests(), []);
        assert.equal(volumes().length, 1);
        const said = hosts.at(-1)!.logs();
        assert.match(said, new RegExp(`warning: vm0 volume agent-data \\(${id}\\) is left in VM0: VM0 has no delete; `));
    });

    it("takes a FileArchive of a relative path: the provider gets its absolute path, and a plain path is the same volume", async () => {
        const { emu } = ctx();
        emu.reset();
        const dir = tempDir({ "notes.md": "archive\n" });
        const e = engine();
        // Relative to the program's directory, as a user writes it.
        const [reg] = await ctx().program("publish.js", { dir: relative(ctx().scratch.dir, dir), archive: "true" });
        // What the engine receives from the program: an archive (its signature) whose path the class made
        // absolute. (The SDK also sends the class's own `__pulumiArchive` flag; Pulumi's engine reads only
        // `path`/`hash` and passes `{sig, hash, path}` on: the provider reads `path` alone either way.)
        const source = reg?.inputs.source as Record<string, unknown>;
        assert.equal(source["4dabf18193072939515e22adb298388d"], "0def7320c3a5731c473e5ecbe6d01bc7");
        assert.equal(source.path, dir);
        const up = await e.up([reg!]);
        assert.ok(up.ok, JSON.stringify(up.steps));
        const state = e.resource("agent-data")!;
        assert.equal(state.inputs.source, dir, "check turned the archive into its directory");
        assert.equal(state.outputs.fileCount, 1);

        emu.clearRequests();
        const asPath = await e.up(await ctx().program("publish.js", { dir }));
        assert.equal(findStep(asPath, "agent-data")?.op, "same");
        assert.deepEqual(vm0Requests(), []);
    });

    it("round trip: what the download URL serves unpacks to the same files", async () => {
        const { emu, scratch } = ctx();
        emu.reset();
        const files = { "a.txt": "alpha\n", "nested/deeper/b.json": '{"b":2}\n', "c d.txt": "spaces\n" };
        const dir = tempDir(files);
        const e = engine();
        assert.ok((await e.up(await ctx().program("publish.js", { dir }))).ok);
        const id = e.resource("agent-data")!.id;

        const run = await runProgramDetailed({
            cwd: scratch.dir,
            entry: "download.js",
            project: "lifecycle",
            config: { ...vm0Config(), "lifecycle:id": id },
        });
        assert.ok(run.secretOutputs.includes("download"), "the URL is a secret output");
        const { url, versionId } = run.outputs.download as { url: string; versionId: string };
        assert.equal(versionId, e.resource("agent-data")!.outputs.currentVersionId);
        const out = tempDir();
        const archive = join(tempDir(), "archive.tar.gz");
        writeFileSync(archive, Buffer.from(await (await fetch(url)).arrayBuffer()));
        await tar.x({ file: archive, cwd: out });
        assert.deepEqual(readTree(out), files);
    });

    it("without source, check fails before any request and says how VM0 volumes are made", async () => {
        const { emu } = ctx();
        emu.reset();
        emu.clearRequests();
        const result = await engine().preview(await ctx().program("nosource.js"));
        const failures = findStep(result, "bare")?.failures ?? [];
        assert.deepEqual(
            failures.map((f) => f.property),
            ["source"],
        );
        assert.match(failures[0]!.reason, /vm0 volume push/);
        assert.match(failures[0]!.reason, /vm0\.Volume\.get/);
        assert.deepEqual(vm0Requests(), []);
    });

    it("adopts with Volume.get; refresh follows a new version; a volume gone is dropped", async () => {
        const { emu } = ctx();
        emu.reset();
        const pushed = emu.vm0.seedVolume({ name: "pushed", versions: [{ archive: tarGz([{ path: "x.txt", content: "x" }]) }] });
        const e = engine();
        const adopted = await e.up(await ctx().program("adopt.js", { id: pushed.id }));
        assert.ok(adopted.ok, JSON.stringify(adopted.steps));
        assert.equal(findStep(adopted, "adopted")?.op, "read");
        const read = e.resource("adopted")!;
        assert.equal(read.outputs.name, "pushed");
        assert.equal(read.outputs.currentVersionId, pushed.currentVersionId);
        for (const k of ["volumeId", "size", "fileCount", "createdAt", "updatedAt"]) assert.ok(read.outputs[k] !== undefined, k);

        const next = emu.vm0.seedVersion(pushed.id, { archive: tarGz([{ path: "x.txt", content: "y" }]) });
        assert.equal(findStep(await e.refresh(), "adopted")?.op, "refresh");
        assert.equal(e.resource("adopted")!.outputs.currentVersionId, next.id);

        emu.reset();
        assert.equal(findStep(await e.refresh(), "adopted")?.op, "refresh-drop");
        assert.equal(e.resource("adopted"), undefined);
    });

    describe("ownership across stacks and runs: two provider host processes per case, one per stack", () => {
        /** The refusal a stack gets for a name another holds: the holder's id, and how to adopt it by id. */
        const refusedFor = (id: string) =>
            new RegExp(
                `^vm0 create volume agent-data: VM0 already has a volume named ` +
                    `'agent-data' \\(${id}\\).*\\{ import: "${id}" \\}.*vm0\\.Volume\\.get\\(`,
            );
        const commits = () => ctx().emu.requests({ cloud: "vm0", path: "/api/storages/commit" });

        it("stack B of the same program (same name, same directory) does not take stack A's volume, on a later run", async () => {
            const { emu } = ctx();
            emu.reset();
            const dir = tempDir({ "a.txt": "same content\n" });
            const a = engine();
            assert.ok((await a.up(await ctx().program("publish.js", { dir }))).ok);
            const held = a.resource("agent-data")!;
            const b = engine();
            const second = await b.up(await ctx().program("publish.js", { dir }));
            assert.equal(second.ok, false);
            assert.match(findStep(second, "agent-data")?.error ?? "", refusedFor(held.id));
            assert.equal(b.resource("agent-data"), undefined, "stack B records nothing");
            assert.deepEqual(
                volumes().map((v) => [v.id, v.versions.length]),
                [[held.id, 1]],
            );
        });

        it(
            "two stacks publishing one name at once: B publishes between " + "A's check and A's commit; A refuses at its re-check, B holds",
            async () => {
                const { emu } = ctx();
                emu.reset();
                const gate = await startGateProxy(emu.urls.vm0);
                try {
                    // Stack A reaches the storage API through the gate, which holds A's prepare (A checked the name: free).
                    const a = ctx().engine({ config: { ...vm0Config(), "vm0:storageUrl": gate.url } });
                    const held = gate.hold((method, path) => method === "POST" && path === "/api/storages/prepare");
                    const upA = a.up(await ctx().program("publish.js", { dir: tempDir({ "a.txt": "stack a\n" }) }));
                    const prepareA = await held;
                    // Stack B, another process, publishes the same name meanwhile, start to end.
                    const b = engine();
                    const upB = await b.up(await ctx().program("publish.js", { dir: tempDir({ "b.txt": "stack b\n" }) }));
                    assert.ok(upB.ok, JSON.stringify(upB.steps));
                    const holder = b.resource("agent-data")!;
                    await prepareA.release();
                    const resultA = await upA;
                    assert.equal(resultA.ok, false);
                    const error = findStep(resultA, "agent-data")?.error ?? "";
                    assert.match(error, refusedFor(holder.id));
                    assert.match(
                        error,
                        /someone else published version [0-9a-f]{12} after this create checked the name; nothing was committed/,
                    );
                    assert.equal(a.resource("agent-data"), undefined);
                    assert.deepEqual(
                        volumes().map((v) => [v.id, v.currentVersionId, v.versions.length]),
                        [[holder.id, holder.outputs.currentVersionId, 1]],
                    );
                    assert.equal(commits().length, 1, "A never committed");
                } finally {
                    await gate.close();
                }
            },
        );

        it("two stacks publishing one name at once: A has passed its re-check when B checks the name; B refuses, A holds", async () => {
            const { emu } = ctx();
            emu.reset();
            const gate = await startGateProxy(emu.urls.vm0);
            try {
                const a = ctx().engine({ config: { ...vm0Config(), "vm0:storageUrl": gate.url } });
                const held = gate.hold((method, path) => method === "POST" && path === "/api/storages/commit");
                const upA = a.up(await ctx().program("publish.js", { dir: tempDir({ "a.txt": "stack a\n" }) }));
                const commitA = await held;
                const [made] = volumes();
                assert.ok(made, "A's prepare made the volume (no version yet)");
                const b = engine();
                const upB = await b.up(await ctx().program("publish.js", { dir: tempDir({ "b.txt": "stack b\n" }) }));
                assert.equal(upB.ok, false);
                assert.match(findStep(upB, "agent-data")?.error ?? "", refusedFor(made.id));
                assert.equal(b.resource("agent-data"), undefined);
                await commitA.release();
                const resultA = await upA;
                assert.ok(resultA.ok, JSON.stringify(resultA.steps));
                assert.equal(a.resource("agent-data")?.id, made.id);
                assert.deepEqual(
                    volumes().map((v) => [v.id, v.currentVersionId, v.versions.length]),
                    [[made.id, a.resource("agent-data")?.outputs.currentVersionId, 1]],
                );
            } finally {
                await gate.close();
            }
        });
    });

    it("a bad token gives the credential message, naming the config key and the env vars, and never the token", async () => {
        const { emu } = ctx();
        emu.reset();
        const dir = tempDir({ "a.txt": "a" });
        const result = await engine("vm0_live_not-the-right-one").up(await ctx().program("publish.js", { dir }));
        const error = findStep(result, "agent-data")?.error ?? "";
        assert.equal(result.ok, false);
        assert.match(error, /^vm0 list volumes for agent-data: Not authenticated \(401 UNAUTHORIZED, request req_/);
        assert.match(error, /vm0:token/);
        assert.match(error, /VM0_TOKEN/);
        assert.doesNotMatch(error, /not-the-right-one/);
        assert.equal(volumes().length, 0);
    });
});
