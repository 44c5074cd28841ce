import { strict as assert } from "node:assert";
import { rmSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import * as tar from "tar";
import { tarGz } from "../../emulator";
import { Deadline } from "../../provider/core/deadline";
import { transfer } from "../../provider/core/transfer";
import { checkVm0Volume, createVm0Volume, deleteVm0Volume, readVm0PublishedVolume, updateVm0Volume } from "../../provider/vm0/provider";
import type { Vm0VolumeInputs } from "../../provider/vm0/schema";
import { vm0Session } from "../../provider/vm0/session";
import { defaultVm0StorageUrl, Vm0StorageClient, vm0StorageClient, vm0StorageUrl } from "../../provider/vm0/publish/storageClient";
import { publishVersion } from "../../provider/vm0/publish/publish";
import { getVolume } from "../../sdk/vm0/getVolume";
import { uuidFor } from "../emulator/vm0Helpers";
import { startGateProxy } from "../support/gateProxy";
import { setStackConfig } from "../../provider/core/config";
import { rejection, useEmulator } from "./support";
import { readTree, useTempDirs } from "../support/dirTree";

const deadline = () => Deadline.in(60, "create");

describe("vm0 publishing against the emulator", function () {
    this.timeout(60_000);
    const { emu } = useEmulator({ vm0: { cursorQuirk: true } });
    const tempDir = useTempDirs("vm0-pub-");

    /** What check hands create: the declared inputs with the content fingerprint. */
    async function checked(source: string, name = "agent-data", message?: string): Promise<Vm0VolumeInputs> {
        const out = await checkVm0Volume({}, { source, name, ...(message ? { message } : {}) });
        assert.deepEqual(out.failures, []);
        return out.inputs as Vm0VolumeInputs;
    }
    const record = (name = "agent-data") =>
        emu()
            .inventory()
            .vm0.find((v) => v.name === name);
    const storage = () => emu().requests({ cloud: "vm0", path: /^\/api\/storages\// });
    const objects = (method = "PUT") => emu().requests({ cloud: "vm0", method, path: /^\/_objects\// });

    async function download(volumeId: string, versionId?: string): Promise<Record<string, string>> {
        const { url } = await vm0Session().client.downloadUrl(volumeId, versionId, deadline());
        const res = await transfer({ cloud: "vm0", url, method: "GET", deadline: deadline(), operation: "download" });
        const out = tempDir();
        const archive = join(out, "..", `${relative(tmpdir(), out)}.tar.gz`);
        writeFileSync(archive, res.body);
        try {
            await tar.x({ file: archive, cwd: out });
        } finally {
            rmSync(archive, { force: true });
        }
        return readTree(out);
    }

    it("publishes a directory, the download URL gives back the same files; change one → one new version; restore → HEAD back", async () => {
        const files = { "README.md": "# data\n", "train/a.csv": "x,y\n1,2\n", "train/b.csv": "x,y\n3,4\n" };
        const dir = tempDir(files);
        const inputs = await checked(dir, "agent-data", "first");
        let acceptedId: string | undefined;
        const { id, outs } = await createVm0Volume(inputs, deadline(), (vid) => (acceptedId = vid));
        assert.equal(acceptedId, id);
        const v1 = record();
        assert.ok(v1);
        assert.equal(id, v1.id);
        assert.equal(v1.versions.length, 1);
        assert.equal(outs.volumeId, id);
        assert.equal(outs.name, "agent-data");
        assert.equal(outs.currentVersionId, v1.versions[0]?.id);
        assert.equal(outs.fileCount, 3);
        assert.equal(
            outs.size,
            Object.values(files).reduce((n, c) => n + c.length, 0),
        );
        assert.equal(outs.sourceHash, inputs.sourceHash);
        assert.equal(outs.source, dir);
        assert.equal(outs.message, "first");
        assert.ok(outs.createdAt && outs.updatedAt);
        assert.equal(v1.versions[0]?.message, "first");
        assert.deepEqual(await download(id), files);

        // The presigned uploads never carry the VM0 token; the manifest is the CLI's.
        assert.deepEqual(
            objects().map((r) => r.authScheme),
            ["none", "none"],
        );
        const manifest = JSON.parse(
            emu().vm0.object(`emulator/volume/agent-data/${outs.currentVersionId}/manifest.json`)?.toString() ?? "{}",
        );
        assert.equal(manifest.version, 1);
        assert.deepEqual(
            manifest.files.map((f: { path: string }) => f.path),
            ["README.md", "train/a.csv", "train/b.csv"],
        );

        // Only timestamps moved: the same fingerprint, and update sends nothing.
        utimesSync(join(dir, "train/a.csv"), new Date(2012, 0, 1), new Date(2012, 0, 1));
        const touched = await checked(dir, "agent-data", "first");
        assert.equal(touched.sourceHash, inputs.sourceHash);
        emu().clearRequests();
        const same = await updateVm0Volume(id, outs, touched, deadline());
        assert.equal(emu().requests().length, 0, "no request when the content is what HEAD holds");
        assert.equal(same.currentVersionId, outs.currentVersionId);

        // One file changed: exactly one new version, HEAD on it.
        writeFileSync(join(dir, "train/b.csv"), "x,y\n3,5\n");
        const changed = await checked(dir, "agent-data", "second");
        assert.notEqual(changed.sourceHash, inputs.sourceHash);
        const outs2 = await updateVm0Volume(id, outs, changed, deadline());
        const v2 = record();
        assert.equal(v2?.versions.length, 2);
        assert.equal(outs2.currentVersionId, v2?.versions[1]?.id);
        assert.notEqual(outs2.currentVersionId, outs.currentVersionId);
        assert.equal(outs2.sourceHash, changed.sourceHash);
        assert.equal((await download(id))["train/b.csv"], "x,y\n3,5\n");

        // Restored: HEAD back to the first version, no new version, nothing uploaded.
        writeFileSync(join(dir, "train/b.csv"), "x,y\n3,4\n");
        const restored = await checked(dir);
        assert.equal(restored.sourceHash, inputs.sourceHash);
        emu().clearRequests();
        const outs3 = await updateVm0Volume(id, outs2, restored, deadline());
        assert.equal(record()?.versions.length, 2);
        assert.equal(outs3.currentVersionId, outs.currentVersionId);
        assert.equal(record()?.currentVersionId, outs.currentVersionId);
        assert.equal(objects().length, 0, "a stored version is not uploaded again");
        assert.deepEqual(await download(id), files);
    });

    it("retries a 5xx on the presigned PUT: one upload lands, one version", async () => {
        const dir = tempDir({ "a.txt": "a" });
        emu().setFaults([
            { cloud: "vm0", method: "PUT", path: /archive\.tar\.gz$/, status: 503, rawBody: "<Error><Code>SlowDown</Code></Error>" },
        ]);
        const { id } = await createVm0Volume(await checked(dir), deadline());
        assert.deepEqual(
            objects().map((r) => r.status),
            [503, 200, 200],
        );
        assert.equal(record()?.versions.length, 1);
        assert.deepEqual(await download(id), { "a.txt": "a" });
    });

    it("resends a commit whose response was lost: still exactly one version, HEAD on it", async () => {
        const dir = tempDir({ "a.txt": "a", "b.txt": "b" });
        emu().setFaults([{ cloud: "vm0", method: "POST", path: "/api/storages/commit", loseResponse: true }]);
        const { outs } = await createVm0Volume(await checked(dir), deadline());
        const commits = storage().filter((r) => r.path === "/api/storages/commit");
        assert.equal(commits.length, 2, "the commit was sent again");
        assert.equal(commits[0]?.fault, "loseResponse");
        assert.equal(record()?.versions.length, 1);
        assert.equal(record()?.currentVersionId, outs.currentVersionId);
    });

    it("resends a prepare whose response was lost and a manifest PUT whose connection broke: one volume, one version", async () => {
        const dir = tempDir({ "a.txt": "a" });
        emu().setFaults([
            { cloud: "vm0", method: "POST", path: "/api/storages/prepare", loseResponse: true },
            { cloud: "vm0", method: "PUT", path: /manifest\.json$/, drop: true },
        ]);
        const { id } = await createVm0Volume(await checked(dir), deadline());
        assert.equal(storage().filter((r) => r.path === "/api/storages/prepare").length, 2);
        assert.equal(objects().filter((r) => r.path.endsWith("manifest.json")).length, 2);
        assert.equal(emu().inventory().vm0.length, 1);
        assert.equal(record()?.versions.length, 1);
        assert.deepEqual(await download(id), { "a.txt": "a" });
    });

    it("on 409 S3_FILES_MISSING prepares again, uploads again and commits: one version", async () => {
        const dir = tempDir({ "a.txt": "a" });
        // The store says 200 but keeps nothing: what a lost object looks like to the commit.
        emu().setFaults([{ cloud: "vm0", method: "PUT", path: /archive\.tar\.gz$/, status: 200, rawBody: "" }]);
        const { id } = await createVm0Volume(await checked(dir), deadline());
        assert.deepEqual(
            storage().map((r) => `${r.path.slice(14)} ${r.status}`),
            ["list 200", "prepare 200", "download 404", "commit 409", "prepare 200", "download 404", "commit 200"],
        );
        assert.equal(record()?.versions.length, 1);
        assert.deepEqual(await download(id), { "a.txt": "a" });
    });

    it("on 400 'Manifest not uploaded' uploads again and commits; a 400 of another kind is not retried", async () => {
        const dir = tempDir({ "a.txt": "a" });
        emu().setFaults([{ cloud: "vm0", method: "PUT", path: /manifest\.json$/, status: 200, rawBody: "" }]);
        await createVm0Volume(await checked(dir), deadline());
        assert.deepEqual(
            storage().map((r) => `${r.path.slice(14)} ${r.status}`),
            ["list 200", "prepare 200", "download 404", "commit 400", "prepare 200", "download 404", "commit 200"],
        );
        assert.equal(record()?.versions.length, 1);

        emu().clearRequests();
        emu().setFaults([
            {
                cloud: "vm0",
                method: "POST",
                path: "/api/storages/commit",
                status: 400,
                body: { error: { message: "Version ID mismatch - files may have changed", code: "BAD_REQUEST" } },
            },
        ]);
        const err = await rejection(createVm0Volume(await checked(dir, "other-vol"), deadline()));
        assert.match(err.message, /Version ID mismatch - files may have changed \(400 BAD_REQUEST/);
        assert.equal(storage().filter((r) => r.path === "/api/storages/commit").length, 1);
    });

    it("replaces a presigned URL the store refuses (expired) with a fresh prepare", async () => {
        const dir = tempDir({ "a.txt": "a" });
        const expired = '<?xml version="1.0"?><Error><Code>AccessDenied</Code><Message>Request has expired</Message></Error>';
        emu().setFaults([{ cloud: "vm0", method: "PUT", path: /archive\.tar\.gz$/, status: 403, rawBody: expired }]);
        await createVm0Volume(await checked(dir), deadline());
        assert.equal(storage().filter((r) => r.path === "/api/storages/prepare").length, 2);
        assert.equal(record()?.versions.length, 1);
    });

    it("gives up on a presigned URL still refused after three rounds, with a message that names the volume and not the URL", async () => {
        const dir = tempDir({ "a.txt": "a" });
        emu().setFaults([{ cloud: "vm0", method: "PUT", path: /archive\.tar\.gz$/, status: 403, times: Infinity }]);
        const err = await rejection(createVm0Volume(await checked(dir), deadline()));
        assert.match(err.message, /^vm0 upload archive agent-data: .*403/);
        assert.doesNotMatch(err.message, /X-Amz-Signature/);
        assert.equal(record()?.versions.length, 0, "nothing committed");
    });

    it("publishes an empty directory: the manifest only, a version of 0 files", async () => {
        const { outs } = await createVm0Volume(await checked(tempDir(), "empty-vol"), deadline());
        assert.equal(outs.fileCount, 0);
        assert.deepEqual(
            objects().map((r) => r.path.split("/").pop()),
            ["manifest.json"],
        );
        assert.equal(record("empty-vol")?.versions.length, 1);
    });

    /** The refusal of a taken name: the volume's id, and how to adopt it explicitly, by id. */
    const takenBy = (id: string) =>
        new RegExp(
            `^vm0 create volume agent-data: VM0 already has a volume named 'agent-data' \\(${id}\\).*` +
                `adopt it explicitly by id: new vm0\\.Volume\\("<resource name>", ` +
                `\\{ source, name: "agent-data" \\}, \\{ import: "${id}" \\}\\).*` +
                `vm0\\.Volume\\.get\\("<resource name>", "${id}"\\) to track it read-only$`,
        );
    const commits = () => storage().filter((r) => r.path === "/api/storages/commit");
    const prepares = () => storage().filter((r) => r.path === "/api/storages/prepare");

    it(
        "refuses any existing volume of that name — other content, this " +
            "very content, no version yet — naming its id, before any prepare",
        async () => {
            const dir = tempDir({ "mine.txt": "m" });
            const inputs = await checked(dir);
            // Other content.
            const other = emu().vm0.seedVolume({
                name: "agent-data",
                versions: [{ archive: tarGz([{ path: "theirs.txt", content: "t" }]) }],
            });
            assert.match((await rejection(createVm0Volume(inputs, deadline()))).message, takenBy(other.id));
            // This very content, pushed by someone else (or by another stack of the same program).
            emu().reset();
            await publishVersion({ dir, name: "agent-data" }, deadline());
            const same = record();
            assert.ok(same);
            emu().clearRequests();
            assert.match((await rejection(createVm0Volume(inputs, deadline()))).message, takenBy(same.id));
            // No version yet (what an interrupted publish, ours or another's, leaves).
            emu().reset();
            const empty = emu().vm0.seedVolume({ name: "agent-data" });
            emu().clearRequests();
            assert.match((await rejection(createVm0Volume(inputs, deadline()))).message, takenBy(empty.id));
            assert.deepEqual([prepares().length, commits().length, objects().length], [0, 0, 0], "nothing sent but lookups");
            assert.equal(record()?.versions.length, 0);
        },
    );

    it("a later run (a new process) creating a second vm0.Volume of a name already published is refused: the name is taken", async () => {
        const inputs = await checked(tempDir({ "a.txt": "a" }));
        const first = await createVm0Volume(inputs, deadline());
        const second = await checked(tempDir({ "b.txt": "b" }));
        emu().clearRequests();
        assert.match((await rejection(createVm0Volume(second, deadline()))).message, takenBy(first.id));
        assert.equal(prepares().length, 0);
        assert.deepEqual(record()?.versions.length, 1);
        assert.equal(record()?.currentVersionId, first.outs.currentVersionId);
    });

    it("checks the name with the storage API's exact list, not the public list whose cursor skips volumes past 100", async () => {
        const base = Date.UTC(2026, 0, 1);
        // 150 volumes; ids ordered so that VM0's cursor (`id > cursor` over `createdAt DESC`) never reaches the 50 oldest.
        for (let i = 0; i < 150; i++) {
            emu().vm0.seedVolume({
                name: i === 10 ? "agent-data" : `filler-${i}`,
                id: uuidFor(i),
                createdAt: new Date(base + i * 60_000).toISOString(),
                versions: [{ archive: `archive ${i}`, createdAt: new Date(base + i * 60_000 + 1).toISOString() }],
            });
        }
        const listed = await vm0Session().client.listVolumes(deadline());
        assert.ok(!listed.some((v) => v.name === "agent-data"), "precondition: the public list skips it");
        emu().clearRequests();
        const err = await rejection(createVm0Volume(await checked(tempDir({ "mine.txt": "m" })), deadline()));
        assert.match(
            err.message,
            /^vm0 create volume agent-data: VM0 already has a volume named 'agent-data' \(its id not shown by VM0's public list/,
        );
        assert.match(err.message, /\{ import: "<volume id>" \}/);
        assert.equal(prepares().length, 0);
        assert.equal(record()?.versions.length, 1);
    });

    it(
        "re-checks HEAD just before the commit: a volume of that name " +
            "published by someone else after the check is refused, nothing committed",
        async () => {
            const gate = await startGateProxy(emu().urls.vm0);
            setStackConfig({ get: (k) => ({ "vm0:storageUrl": gate.url })[k] });
            try {
                const inputs = await checked(tempDir({ "mine.txt": "mine" }));
                // Our create checked the name (absent) and sent its prepare: held there.
                const held = gate.hold((method, path) => method === "POST" && path === "/api/storages/prepare");
                const ours = createVm0Volume(inputs, deadline());
                const prepare = await held;
                // Meanwhile someone else makes the volume and publishes to it (straight to VM0).
                const theirs = new Vm0StorageClient(emu().urls.vm0, emu().vm0.token);
                await publishVersion({ dir: tempDir({ "theirs.txt": "theirs" }), name: "agent-data" }, deadline(), { storage: theirs });
                const stranger = record();
                assert.ok(stranger?.currentVersionId);
                await prepare.release();
                const err = await rejection(ours);
                assert.match(err.message, takenBy(stranger.id));
                assert.match(
                    err.message,
                    new RegExp(
                        `to which someone else published version ${stranger.currentVersionId.slice(0, 12)} ` +
                            `after this create checked the name; nothing was committed`,
                    ),
                );
                assert.equal(commits().length, 1, "only theirs");
                assert.equal(record()?.versions.length, 1);
                assert.equal(record()?.currentVersionId, stranger.currentVersionId, "their HEAD is untouched");
            } finally {
                setStackConfig(undefined);
                await gate.close();
            }
        },
    );

    it("after a rollback takes size and fileCount from the version published, not from the volume record VM0 leaves stale", async () => {
        const dir = tempDir({ "a.txt": "aaaa", "b.txt": "bbbbbbbb", "c.txt": "c" });
        const first = await createVm0Volume(await checked(dir), deadline());
        assert.deepEqual([first.outs.size, first.outs.fileCount], [13, 3]);
        rmSync(join(dir, "b.txt"));
        rmSync(join(dir, "c.txt"));
        const second = await updateVm0Volume(first.id, first.outs, await checked(dir), deadline());
        assert.deepEqual([second.size, second.fileCount], [4, 1]);
        writeFileSync(join(dir, "b.txt"), "bbbbbbbb");
        writeFileSync(join(dir, "c.txt"), "c");
        const back = await updateVm0Volume(first.id, second, await checked(dir), deadline());
        assert.equal(back.currentVersionId, first.outs.currentVersionId);
        // VM0 (and so the emulator) leaves the volume record's figures as they were before the rollback.
        assert.deepEqual([record()?.size, record()?.fileCount], [4, 1], "precondition: the record is stale");
        assert.deepEqual([back.size, back.fileCount], [13, 3]);
        const refreshed = await readVm0PublishedVolume(first.id, back as unknown as Record<string, unknown>, deadline());
        assert.deepEqual([refreshed?.size, refreshed?.fileCount], [13, 3]);
        const looked = await getVolume({ id: first.id });
        assert.deepEqual([looked.size, looked.fileCount], [13, 3], "vm0.getVolume too");
    });

    it("read drops sourceHash once HEAD moved outside Pulumi, so the next up puts the content back", async () => {
        const dir = tempDir({ "a.txt": "a" });
        const inputs = await checked(dir);
        const { id, outs } = await createVm0Volume(inputs, deadline());
        const kept = await readVm0PublishedVolume(id, outs as unknown as Record<string, unknown>, deadline());
        assert.equal(kept?.sourceHash, inputs.sourceHash);
        assert.equal(kept?.source, dir);
        emu().vm0.seedVersion(id, { archive: tarGz([{ path: "other.txt", content: "o" }]) });
        const moved = await readVm0PublishedVolume(id, outs as unknown as Record<string, unknown>, deadline());
        assert.equal(moved?.sourceHash, undefined);
        assert.notEqual(moved?.currentVersionId, outs.currentVersionId);
        const back = await updateVm0Volume(id, moved ?? outs, inputs, deadline());
        assert.equal(back.currentVersionId, outs.currentVersionId);
        assert.equal(back.sourceHash, inputs.sourceHash);
    });

    it("update refuses, publishing nothing, when VM0 no longer has the volume", async () => {
        const dir = tempDir({ "a.txt": "a" });
        const { id, outs } = await createVm0Volume(await checked(dir), deadline());
        emu().reset();
        writeFileSync(join(dir, "a.txt"), "b");
        const err = await rejection(updateVm0Volume(id, outs, await checked(dir), deadline()));
        assert.match(
            err.message,
            new RegExp(`^vm0 update volume agent-data \\(${id}\\): VM0 no longer has this volume \\(404\\); run \`pulumi refresh\``),
        );
        assert.equal(storage().length, 0);
        assert.equal(emu().inventory().vm0.length, 0);
    });

    it("delete sends nothing and says the volume stays in VM0", async () => {
        emu().clearRequests();
        const msg = await deleteVm0Volume("vol-1", { volumeId: "vol-1", name: "agent-data" });
        assert.match(msg, /^vm0 volume agent-data \(vol-1\) is left in VM0: VM0 has no delete; /);
        assert.equal(emu().requests().length, 0);
    });

    it("ends within the deadline when the store keeps failing, naming the upload and the volume", async function () {
        const dir = tempDir({ "a.txt": "a" });
        emu().setFaults([{ cloud: "vm0", method: "PUT", path: /archive\.tar\.gz$/, status: 503, times: Infinity }]);
        const started = Date.now();
        // 4 s: room for a busy machine to reach the upload before the deadline.
        const err = await rejection(createVm0Volume(await checked(dir), Deadline.in(4, "create")));
        // Room for a busy machine: without the deadline the retries would go on for minutes.
        assert.ok(Date.now() - started < 12_000, `took ${Date.now() - started} ms`);
        assert.match(err.message, /^vm0 upload archive agent-data: .*503/);
        assert.equal(record()?.versions.length, 0);
    });

    it("reads the storage API's error body as one line with its code (413 over 100 MB)", async () => {
        const files = [0, 1].map((i) => ({ path: `f${i}`, hash: "a".repeat(64), size: 60_000_000 }));
        const err = await rejection(vm0StorageClient().prepare({ storageName: "big-vol", files }, deadline()));
        assert.equal(err.message.split("\n").length, 1);
        assert.match(
            err.message,
            /^vm0 prepare version big-vol: Upload rejected: total file size exceeds 100MB limit \(413 PAYLOAD_TOO_LARGE, request req_/,
        );
    });

    it("finds the storage API at vm0:storageUrl / VM0_STORAGE_URL, else vm0:apiUrl / VM0_API_URL, else www.vm0.ai", () => {
        const saved = { s: process.env["VM0_STORAGE_URL"], a: process.env["VM0_API_URL"] };
        try {
            process.env["VM0_STORAGE_URL"] = "http://storage.example";
            process.env["VM0_API_URL"] = "http://api.example";
            assert.equal(vm0StorageUrl(), "http://storage.example");
            setStackConfig({ get: (k) => ({ "vm0:storageUrl": "http://cfg-storage.example" })[k] });
            assert.equal(vm0StorageUrl(), "http://cfg-storage.example");
            setStackConfig(undefined);
            delete process.env["VM0_STORAGE_URL"];
            assert.equal(vm0StorageUrl(), "http://api.example");
            delete process.env["VM0_API_URL"];
            assert.equal(vm0StorageUrl(), defaultVm0StorageUrl);
            assert.equal(defaultVm0StorageUrl, "https://www.vm0.ai");
        } finally {
            setStackConfig(undefined);
            for (const [k, v] of [
                ["VM0_STORAGE_URL", saved.s],
                ["VM0_API_URL", saved.a],
            ] as const) {
                if (v === undefined) delete process.env[k];
                else process.env[k] = v;
            }
        }
    });
});
