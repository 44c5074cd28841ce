import { strict as assert } from "node:assert";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { releaseClaim } from "../../provider/core/ownership";
import { flyVolumeProvider } from "../../provider/fly/provider";
import { networkVolumeProvider } from "../../provider/neevcloud/provider";
import { vm0VolumeProvider } from "../../provider/vm0/provider";
import { rejection, useEmulator } from "./support";

/**
 * The `import: "<id>"` resource option, as the SDK classes send it (the `importId` input), through
 * each cloud's provider against the emulator. A volume "made elsewhere" is made by a create whose
 * claim is then given up, as one made by another process or stack holds none here. AgentBay's are in
 * agentbayProvider.test.ts; the real host's in tests/lifecycle/agentbay.test.ts.
 */
describe("the import option (importId) adopts exactly that volume", function () {
    this.timeout(60_000);
    const { emu } = useEmulator({
        fly: { timeToReadyMs: 100, timeToExtendMs: 200 },
        neevcloud: { timeToBoundMs: 100, timeToExtendMs: 200, createOutcome: "bound", extendOutcome: "succeeded" },
    });
    const posts = (cloud: string) =>
        emu()
            .requests()
            .filter((r) => r.cloud === cloud && r.method === "POST");

    describe("fly.Volume", () => {
        const p = flyVolumeProvider;
        let app = "imp";
        let n = 0;
        beforeEach(() => {
            app = `imp${++n}`;
        });
        const inputs = async (extra: Record<string, unknown> = {}) => {
            const out = await p.check({}, { app, region: "iad", sizeGb: 3, name: "data", ...extra, __provider: "x" });
            assert.deepEqual(out.failures, []);
            return out.inputs;
        };
        /** A volume another stack made: created, its claim given up. */
        const elsewhere = async () => {
            const made = await p.create(await inputs());
            releaseClaim(`fly/${app}`, made.outs.volumeId);
            return made;
        };

        it("create adopts it without a POST; then it is managed: grow in place (delete: the rename test below)", async () => {
            const theirs = await elsewhere();
            const before = posts("fly").length;
            const { id, outs } = await p.create(await inputs({ importId: theirs.id }));
            assert.equal(id, theirs.id);
            assert.equal(outs.volumeId, theirs.outs.volumeId);
            assert.equal(outs.state, "created");
            assert.equal(outs.sizeGb, 3);
            assert.equal(posts("fly").length, before, "nothing created");
            assert.ok(!("importId" in outs), "the option is not an output");
            // Removing the option afterwards is no change; growing is an update of that volume.
            assert.deepEqual(await p.diff(id, outs, await inputs()), { changes: false, replaces: [] });
            assert.deepEqual(await p.diff(id, outs, await inputs({ importId: theirs.id })), { changes: false, replaces: [] });
            const grown = await p.update(id, outs, await inputs({ sizeGb: 5 }));
            assert.equal(grown.outs.sizeGb, 5);
            assert.equal(
                emu()
                    .inventory()
                    .fly.find((v) => v.id === outs.volumeId)?.size_gb,
                5,
            );
        });

        it("a declared input the volume does not match is an error naming each field with both values; nothing changes", async () => {
            const theirs = await elsewhere();
            const err = await rejection(p.create(await inputs({ importId: theirs.id, sizeGb: 10, region: "ams", snapshotRetention: 9 })));
            assert.match(err.message, /fly volume import .*: the volume does not match the declared inputs/);
            assert.match(err.message, /region: declared 'ams', the volume has 'iad'/);
            assert.match(err.message, /sizeGb: declared 10, the volume has 3/);
            assert.match(err.message, /snapshotRetention: declared 9, the volume has 5/);
            assert.equal(err.id, undefined, "nothing recorded");
            assert.equal(
                emu()
                    .inventory()
                    .fly.find((v) => v.id === theirs.outs.volumeId)?.size_gb,
                3,
            );
            // Not claimed by the failed import: a right one still adopts it.
            assert.equal((await p.create(await inputs({ importId: theirs.id }))).id, theirs.id);
        });

        it(
            "a volume another resource of this deployment holds is " + "refused; a missing one is an error; a bad id is a CheckFailure",
            async () => {
                const mine = await p.create(await inputs());
                const held = await rejection(p.create(await inputs({ importId: mine.id })));
                assert.match(held.message, /another resource of this deployment holds that volume/);
                const missing = await rejection(p.create(await inputs({ importId: `${app}/vol_missing0000000` })));
                assert.match(missing.message, /there is no such volume/);
                assert.match(missing.message, /fly\.getVolumes/);
                const { failures } = await p.check({}, { app, region: "iad", sizeGb: 3, name: "data", importId: "vol_only" });
                assert.deepEqual(
                    failures.map((f) => f.property),
                    ["importId"],
                );
            },
        );

        it("a replacement while import is still declared is refused at diff (it would adopt instead of make)", async () => {
            const theirs = await elsewhere();
            const { id, outs } = await p.create(await inputs({ importId: theirs.id }));
            await assert.rejects(p.diff(id, outs, await inputs({ importId: theirs.id, name: "other" })), /remove the `import` option/);
            assert.deepEqual((await p.diff(id, outs, await inputs({ name: "other" }))).replaces, ["name"]);
        });

        it("a rename without an alias in one deployment: the new resource imports the volume, the old one's delete leaves it", async () => {
            const old = await elsewhere();
            const renamed = await p.create(await inputs({ importId: old.id }));
            await p.delete(old.id, old.outs);
            assert.equal(
                emu()
                    .inventory()
                    .fly.find((v) => v.id === old.outs.volumeId)?.state,
                "created",
                "kept for the new resource",
            );
            // Its own delete (a later destroy, which is another process: the spare was used up) deletes it.
            await p.delete(renamed.id, renamed.outs);
            assert.notEqual(
                emu()
                    .inventory()
                    .fly.find((v) => v.id === old.outs.volumeId)?.state,
                "created",
            );
        });
    });

    describe("neevcloud.NetworkVolume", () => {
        const p = networkVolumeProvider;
        const inputs = async (extra: Record<string, unknown> = {}) => {
            const base = { orgId: "org-1", projectId: "proj-1", regionId: "in-bom-1", sizeGb: 100, name: "datasets" };
            const out = await p.check({}, { ...base, ...extra, __provider: "x" });
            assert.deepEqual(out.failures, []);
            return out.inputs;
        };

        it("create adopts it (no POST), checks the declared inputs, then grows it in place", async () => {
            const theirs = await p.create(await inputs());
            releaseClaim("neevcloud/org-1/proj-1", theirs.outs.volumeId);
            const mismatch = await rejection(p.create(await inputs({ importId: theirs.id, regionId: "in-del-1", sizeGb: 200 })));
            assert.match(mismatch.message, /regionId: declared 'in-del-1', the volume has 'in-bom-1'/);
            assert.match(mismatch.message, /sizeGb: declared 200, the volume has 100/);
            const before = posts("neevcloud").length;
            const { id, outs } = await p.create(await inputs({ importId: theirs.id }));
            assert.equal(id, theirs.id);
            assert.equal(outs.status, "bound");
            assert.equal(posts("neevcloud").length, before, "nothing created");
            assert.deepEqual(await p.diff(id, outs, await inputs()), { changes: false, replaces: [] });
            const grown = await p.update(id, outs, await inputs({ sizeGb: 150 }));
            assert.equal(grown.outs.sizeGb, 150);
        });
    });

    it("neevcloud: a volume in a failed state is not imported (the next up would replace it, deleting it)", async () => {
        const p = networkVolumeProvider;
        const base = { orgId: "org-1", projectId: "proj-1", regionId: "in-bom-1", sizeGb: 100, name: "broken" };
        const made = await p.create((await p.check({}, base)).inputs);
        releaseClaim("neevcloud/org-1/proj-1", made.outs.volumeId);
        emu().neevcloud.setStatus("org-1", "proj-1", made.outs.volumeId, "failed");
        const err = await rejection(p.create((await p.check({}, { ...base, importId: made.id })).inputs));
        assert.match(err.message, /is in a failed state.*nothing was imported/);
        assert.equal(err.id, undefined);
    });

    describe("vm0.Volume", () => {
        const p = vm0VolumeProvider;
        const dirs: string[] = [];
        after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
        const dir = (content: string) => {
            const d = mkdtempSync(join(tmpdir(), "vm0-import-"));
            dirs.push(d);
            writeFileSync(join(d, "data.txt"), content);
            return d;
        };
        const checked = async (news: Record<string, unknown>) => {
            const out = await p.check({}, news);
            assert.deepEqual(out.failures, []);
            return out.inputs;
        };

        it("create adopts it by id (nothing published), checks the name, then publishes the declared directory", async () => {
            const theirs = await p.create(await checked({ source: dir("v1"), name: "imported-data" }));
            releaseClaim("vm0/names", "imported-data");
            const wrong = await rejection(p.create(await checked({ source: dir("v1"), name: "other-name", importId: theirs.id })));
            assert.match(wrong.message, /name: declared 'other-name', the volume has 'imported-data'/);
            const commits = () => emu().requests({ cloud: "vm0", path: "/api/storages/commit" }).length;
            const before = commits();
            const news = await checked({ source: dir("v2"), name: "imported-data", importId: theirs.id });
            const { id, outs } = await p.create(news);
            assert.equal(id, theirs.id);
            assert.equal(outs.currentVersionId, theirs.outs.currentVersionId);
            assert.equal(commits(), before, "adopting publishes nothing");
            // Its content was not published by this resource: the next up shows the publish, and does it.
            const diff = await p.diff(id, outs, news);
            assert.equal(diff.changes, true);
            assert.deepEqual(diff.replaces, []);
            const updated = await p.update(id, outs, news);
            assert.notEqual(updated.outs.currentVersionId, theirs.outs.currentVersionId);
        });
    });
});
