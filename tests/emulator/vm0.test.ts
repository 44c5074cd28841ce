import { strict as assert } from "node:assert";
import { createHash } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { startEmulator, tarGz, type Emulator, type Vm0Page, type Vm0Version, type Vm0Volume, type Vm0VolumeDetail } from "../../emulator";
import { runCli } from "./helpers";
import { hexId, quirkyVolumes, uuidFor } from "./vm0Helpers";

interface Reply<T = unknown> {
    status: number;
    headers: Headers;
    body: T;
    bytes: Buffer;
}

type ErrorBody = { error: { type?: string; code: string; message: string } };

async function vm0(emu: Emulator, method: string, path: string, options: { auth?: string | null; body?: unknown } = {}): Promise<Reply> {
    const headers: Record<string, string> = {};
    const auth = options.auth === undefined ? `Bearer ${emu.vm0.token}` : options.auth;
    if (auth !== null) headers["authorization"] = auth;
    if (options.body !== undefined) headers["content-type"] = "application/json";
    const res = await fetch(`${emu.urls.vm0}${path}`, {
        method,
        headers,
        body: options.body === undefined ? undefined : JSON.stringify(options.body),
        redirect: "manual",
    });
    const bytes = Buffer.from(await res.arrayBuffer());
    let body: unknown;
    try {
        body = JSON.parse(bytes.toString("utf8"));
    } catch {
        body = undefined;
    }
    return { status: res.status, headers: res.headers, body, bytes };
}

const sha = (b: Buffer | string) => createHash("sha256").update(b).digest("hex");

describe("vm0 emulator", () => {
    let emu: Emulator;
    beforeEach(async () => {
        emu = await startEmulator({ token: "emulator-vm0test" });
    });
    afterEach(async () => emu.close());

    it("exports VM0_API_URL, VM0_STORAGE_URL and a VM0-shaped token no credential scanner flags", () => {
        assert.equal(emu.env["VM0_API_URL"], emu.urls.vm0);
        assert.equal(emu.env["VM0_STORAGE_URL"], emu.urls.vm0);
        assert.equal(emu.env["VM0_TOKEN"], "vm0_live_emulator-vm0test");
        assert.doesNotMatch(emu.env["VM0_TOKEN"] ?? "", /vm0_live_[0-9a-f]{32,}/);
        assert.deepEqual(emu.inventory().vm0, []);
    });

    it("answers 401 with Stripe-style bodies, a request id and the API version", async () => {
        const missing = await vm0(emu, "GET", "/v1/volumes", { auth: null });
        assert.equal(missing.status, 401);
        assert.deepEqual((missing.body as ErrorBody).error.code, "missing_api_key");
        assert.equal((missing.body as ErrorBody).error.type, "authentication_error");
        assert.match(missing.headers.get("x-request-id") ?? "", /^req_[0-9a-f]{32}$/);
        assert.equal(missing.headers.get("x-api-version"), "v1");
        const wrong = await vm0(emu, "GET", "/v1/volumes", { auth: "Bearer vm0_live_nope" });
        assert.equal((wrong.body as ErrorBody).error.code, "invalid_api_key");
        emu.configure({ vm0: { tokenState: "expired" } });
        assert.equal(((await vm0(emu, "GET", "/v1/volumes")).body as ErrorBody).error.code, "expired_api_key");
        emu.configure({ vm0: { tokenState: "revoked" } });
        assert.equal(((await vm0(emu, "GET", "/v1/volumes")).body as ErrorBody).error.code, "revoked_api_key");
        const storage = await vm0(emu, "POST", "/api/storages/prepare", { auth: null, body: {} });
        assert.deepEqual(storage.body, { error: { message: "Not authenticated", code: "UNAUTHORIZED" } });
    });

    it("lists 20 by default, bounds limit to 1–100, and 404s unknown volumes", async () => {
        for (let i = 0; i < 25; i++) emu.vm0.seedVolume({ name: `vol-${i}` });
        const page = (await vm0(emu, "GET", "/v1/volumes")).body as Vm0Page<Vm0Volume>;
        assert.equal(page.data.length, 20);
        assert.equal(page.pagination.hasMore, true);
        assert.equal(page.data[0]?.name, "vol-24", "newest first");
        for (const bad of ["0", "101", "abc", "2.5"]) {
            const r = await vm0(emu, "GET", `/v1/volumes?limit=${bad}`);
            assert.equal(r.status, 400, bad);
            assert.equal((r.body as ErrorBody).error.code, "invalid_parameter");
        }
        const gone = await vm0(emu, "GET", "/v1/volumes/4b1d5c0e-0000-4000-8000-000000000000");
        assert.equal(gone.status, 404);
        assert.equal((gone.body as ErrorBody).error.type, "not_found_error");
        assert.equal((gone.body as ErrorBody).error.code, "resource_not_found");
    });

    it("reproduces the cursor quirk by default (pages repeat and skip); the knob switches it off", async () => {
        // createdAt DESC order r0..r4 with ids 1,3,2,4,5: page 1 = r0,r1 (cursor 3); page 2 = ids > 3 = r3,r4: r2 is skipped.
        const ids = [1, 3, 2, 4, 5].map(uuidFor);
        ids.forEach((id, i) => emu.vm0.seedVolume({ name: `q-${i}`, id, createdAt: new Date(Date.UTC(2026, 0, 10 - i)).toISOString() }));
        const walk = async (): Promise<string[]> => {
            const seen: string[] = [];
            let cursor: string | null = null;
            for (let n = 0; n < 10; n++) {
                const path: string = `/v1/volumes?limit=2${cursor ? `&cursor=${cursor}` : ""}`;
                const p = (await vm0(emu, "GET", path)).body as Vm0Page<Vm0Volume>;
                seen.push(...p.data.map((v) => v.name));
                if (!p.pagination.hasMore) break;
                cursor = p.pagination.nextCursor;
            }
            return seen;
        };
        assert.deepEqual(await walk(), ["q-0", "q-1", "q-3", "q-4"]);
        emu.configure({ vm0: { cursorQuirk: false } });
        assert.deepEqual(await walk(), ["q-0", "q-1", "q-2", "q-3", "q-4"]);
        // And a repeat: a large id early in the order comes back on every later page.
        emu.vm0.reset();
        emu.configure({ vm0: { cursorQuirk: true } });
        quirkyVolumes(emu, 7);
        const names = [];
        let cursor: string | null = null;
        for (;;) {
            const p = (await vm0(emu, "GET", `/v1/volumes?limit=3${cursor ? `&cursor=${cursor}` : ""}`)).body as Vm0Page<Vm0Volume>;
            names.push(...p.data.map((v) => v.name));
            if (!p.pagination.hasMore) break;
            cursor = p.pagination.nextCursor;
        }
        assert.ok(names.filter((n) => n === "data-0").length > 1, `repeats: ${names.join(",")}`);
        assert.deepEqual(new Set(names).size, 7);
    });

    it("gets a volume with its current version, lists versions, and serves the download it redirects to", async () => {
        const v1 = tarGz([{ path: "a.txt", content: "one" }]);
        const v2 = tarGz([{ path: "a.txt", content: "two" }]);
        const rec = emu.vm0.seedVolume({ name: "dataset", versions: [{ archive: v1, message: "first" }, { archive: v2 }] });
        const got = (await vm0(emu, "GET", `/v1/volumes/${rec.id}`)).body as Vm0VolumeDetail;
        assert.equal(got.currentVersionId, rec.versions[1]?.id);
        assert.equal(got.currentVersion?.id, rec.versions[1]?.id);
        assert.equal(got.size, v2.length);
        const versions = (await vm0(emu, "GET", `/v1/volumes/${rec.id}/versions?limit=1`)).body as Vm0Page<Vm0Version>;
        assert.equal(versions.data.length, 1);
        assert.equal(versions.pagination.hasMore, true);
        assert.equal(versions.data[0]?.id, rec.versions[1]?.id, "newest first");

        const head = await vm0(emu, "GET", `/v1/volumes/${rec.id}/download`);
        assert.equal(head.status, 302);
        const location = head.headers.get("location") ?? "";
        assert.ok(location.startsWith(`${emu.urls.vm0}/_objects/`));
        assert.doesNotMatch(location, /emulator-vm0test/);
        const archive = Buffer.from(await (await fetch(location)).arrayBuffer());
        assert.ok(archive.equals(v2));
        assert.match(gunzipSync(archive).subarray(0, 5).toString(), /a\.txt/);

        const first = rec.versions[0]?.id ?? "";
        for (const q of [`versionId=${first}`, `version_id=${first}`, `versionId=${first.slice(0, 8)}`]) {
            const r = await vm0(emu, "GET", `/v1/volumes/${rec.id}/download?${q}`);
            assert.equal(r.status, 302, q);
            assert.ok(Buffer.from(await (await fetch(r.headers.get("location") ?? "")).arrayBuffer()).equals(v1));
        }
        const tampered = location.replace(/X-Amz-Signature=[0-9a-f]/, "X-Amz-Signature=x");
        assert.equal((await fetch(tampered)).status, 403);
        assert.equal((await fetch(location, { method: "PUT", body: "x" })).status, 403, "a GET URL does not allow PUT");
    });

    it("refuses short, ambiguous and unknown version prefixes, and volumes with no versions or no files", async () => {
        const a = hexId("abcdef12a", 1);
        const b = hexId("abcdef12b", 2);
        const rec = emu.vm0.seedVolume({ name: "amb", versions: [{ id: a }, { id: b }] });
        const code = async (q: string) => {
            const r = await vm0(emu, "GET", `/v1/volumes/${rec.id}/download${q}`);
            return `${r.status} ${(r.body as ErrorBody | undefined)?.error.code ?? ""}`;
        };
        assert.equal(await code("?versionId=abcdef1"), "400 invalid_parameter");
        assert.equal(await code("?versionId=abcdef12"), "400 invalid_parameter");
        assert.equal(await code("?versionId=abcdef12a"), "302 ");
        assert.equal(await code(`?versionId=${b.toUpperCase()}`), "302 ");
        assert.equal(await code("?versionId=ffffffff"), "404 resource_not_found");
        const none = emu.vm0.seedVolume({ name: "none" });
        const noneReply = await vm0(emu, "GET", `/v1/volumes/${none.id}/download`);
        assert.equal(noneReply.status, 404);
        assert.match((noneReply.body as ErrorBody).error.message, /Volume 'none' has no versions/);
        assert.equal(((await vm0(emu, "GET", `/v1/volumes/${none.id}`)).body as Vm0VolumeDetail).currentVersion, null);
        const empty = emu.vm0.seedVolume({ name: "empty", versions: [{ fileCount: 0 }] });
        assert.match(((await vm0(emu, "GET", `/v1/volumes/${empty.id}/download`)).body as ErrorBody).error.message, /has no files/);
    });

    it("seeds HEAD at any version, and presigned URLs expire", async () => {
        const rec = emu.vm0.seedVolume({ name: "rolled", versions: [{ archive: "a" }, { archive: "b" }], head: 0 });
        assert.equal(rec.currentVersionId, rec.versions[0]?.id);
        emu.vm0.seedVersion(rec.id, { archive: "c", message: "third" });
        assert.equal(emu.inventory().vm0[0]?.versions.length, 3);
        assert.equal(emu.inventory().vm0[0]?.currentVersionId, emu.inventory().vm0[0]?.versions[2]?.id);
        emu.configure({ vm0: { presignTtlSeconds: 0 } });
        const dl = await vm0(emu, "GET", `/v1/volumes/${rec.id}/download`);
        await new Promise((r) => setTimeout(r, 5));
        const expired = await fetch(dl.headers.get("location") ?? "");
        assert.equal(expired.status, 403);
        assert.match(await expired.text(), /Request has expired/);
    });

    it("has no delete, no rename and no write in the public API", async () => {
        const rec = emu.vm0.seedVolume({ name: "keep" });
        for (const [method, path] of [
            ["DELETE", `/v1/volumes/${rec.id}`],
            ["PATCH", `/v1/volumes/${rec.id}`],
            ["PUT", `/v1/volumes/${rec.id}`],
            ["POST", "/v1/volumes"],
        ] as const) {
            assert.equal((await vm0(emu, method, path, { body: { name: "renamed" } })).status, 404, `${method} ${path}`);
        }
        assert.equal(emu.inventory().vm0[0]?.name, "keep");
    });

    describe("storage API (prepare → PUT → commit)", () => {
        const files = (content: string) => [{ path: "data.txt", hash: sha(content), size: content.length }];
        async function publish(name: string, content: string, message?: string) {
            const prep = await vm0(emu, "POST", "/api/storages/prepare", {
                body: { storageName: name, storageType: "volume", files: files(content) },
            });
            assert.equal(prep.status, 200, JSON.stringify(prep.body));
            const p = prep.body as {
                versionId: string;
                existing: boolean;
                uploads?: { archive: { presignedUrl: string }; manifest: { presignedUrl: string } };
            };
            const archive = tarGz([{ path: "data.txt", content }]);
            if (p.uploads) {
                assert.doesNotMatch(p.uploads.archive.presignedUrl, /emulator-vm0test/);
                assert.equal((await fetch(p.uploads.archive.presignedUrl, { method: "PUT", body: archive })).status, 200);
                const manifest = JSON.stringify({ version: 1, files: files(content), createdAt: new Date().toISOString() });
                assert.equal((await fetch(p.uploads.manifest.presignedUrl, { method: "PUT", body: manifest })).status, 200);
            }
            const commit = await vm0(emu, "POST", "/api/storages/commit", {
                body: { storageName: name, storageType: "volume", versionId: p.versionId, files: files(content), message },
            });
            assert.equal(commit.status, 200, JSON.stringify(commit.body));
            return {
                prepare: p,
                commit: commit.body as { versionId: string; size: number; fileCount: number; deduplicated?: boolean },
                archive,
            };
        }

        it("publishes, reflects each commit in /v1, dedups and moves HEAD back on a rollback", async () => {
            const one = await publish("inputs", "hello", "first");
            assert.equal(one.prepare.existing, false);
            assert.match(one.prepare.versionId, /^[0-9a-f]{64}$/);
            assert.deepEqual(one.commit.fileCount, 1);
            const [vol] = emu.inventory().vm0;
            assert.ok(vol);
            assert.match(vol.id, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
            const two = await publish("inputs", "hello, world");
            assert.notEqual(two.prepare.versionId, one.prepare.versionId);
            const back = await publish("inputs", "hello");
            assert.equal(back.prepare.existing, true);
            assert.equal(back.prepare.uploads, undefined);
            assert.equal(back.commit.deduplicated, true);
            const got = (await vm0(emu, "GET", `/v1/volumes/${vol.id}`)).body as Vm0VolumeDetail;
            assert.equal(got.currentVersionId, one.prepare.versionId);
            // As VM0 does, a commit that only moves HEAD back leaves the record's figures stale; the version's are right.
            assert.deepEqual([got.size, got.fileCount], [12, 1]);
            assert.equal(got.currentVersion?.size, 5);
            assert.equal(got.currentVersion?.message, "first");
            assert.equal(((await vm0(emu, "GET", `/v1/volumes/${vol.id}/versions`)).body as Vm0Page<Vm0Version>).data.length, 2);
            const dl = await vm0(emu, "GET", `/v1/volumes/${vol.id}/download`);
            assert.ok(Buffer.from(await (await fetch(dl.headers.get("location") ?? "")).arrayBuffer()).equals(one.archive));
            // Same content in another volume: another version id (salted with the volume id).
            const other = await publish("inputs-2", "hello");
            assert.notEqual(other.prepare.versionId, one.prepare.versionId);
        });

        it("looks a name up exactly: the unpaginated list (volumes without a version too) and download by name", async () => {
            const one = await publish("named", "hello");
            await vm0(emu, "POST", "/api/storages/prepare", { body: { storageName: "bare", storageType: "volume", files: files("x") } });
            const list = await vm0(emu, "GET", "/api/storages/list?type=volume");
            assert.deepEqual(
                (list.body as { name: string; fileCount: number }[]).map((r) => [r.name, r.fileCount]),
                [
                    ["bare", 0],
                    ["named", 1],
                ],
            );
            const head = await vm0(emu, "GET", "/api/storages/download?name=named&type=volume");
            assert.equal(head.status, 200);
            assert.equal((head.body as { versionId: string }).versionId, one.prepare.versionId);
            const none = await vm0(emu, "GET", "/api/storages/download?name=bare&type=volume");
            assert.deepEqual([none.status, none.body], [404, { error: { message: 'Storage "bare" has no versions', code: "NOT_FOUND" } }]);
            const missing = await vm0(emu, "GET", "/api/storages/download?name=nope&type=volume");
            assert.deepEqual([missing.status, missing.body], [404, { error: { message: 'Storage "nope" not found', code: "NOT_FOUND" } }]);
        });

        it("upserts at prepare: a prepared volume shows with no current version", async () => {
            await vm0(emu, "POST", "/api/storages/prepare", { body: { storageName: "fresh", storageType: "volume", files: files("x") } });
            const list = (await vm0(emu, "GET", "/v1/volumes")).body as Vm0Page<Vm0Volume>;
            assert.equal(list.data[0]?.name, "fresh");
            assert.equal(list.data[0]?.currentVersionId, null);
        });

        it("refuses over 100 MB, a bad body, a missing storage, a version mismatch and missing uploads", async () => {
            const big = [
                { path: "a", hash: sha("a"), size: 60_000_000 },
                { path: "b", hash: sha("b"), size: 60_000_000 },
            ];
            const tooBig = await vm0(emu, "POST", "/api/storages/prepare", {
                body: { storageName: "big", storageType: "volume", files: big },
            });
            assert.equal(tooBig.status, 413);
            assert.deepEqual(tooBig.body, {
                error: { message: "Upload rejected: total file size exceeds 100MB limit", code: "PAYLOAD_TOO_LARGE" },
            });
            const bad = await vm0(emu, "POST", "/api/storages/prepare", { body: { storageName: "", storageType: "volume", files: [] } });
            assert.equal(bad.status, 400);
            assert.match((bad.body as ErrorBody).error.message, /^storageName: /);
            const commit = (name: string, versionId: string, content = "x") =>
                vm0(emu, "POST", "/api/storages/commit", {
                    body: { storageName: name, storageType: "volume", versionId, files: files(content) },
                });
            const missing = await commit("nope", "a".repeat(64));
            assert.deepEqual([missing.status, (missing.body as ErrorBody).error.message], [404, 'Storage "nope" not found']);
            const prep = (
                await vm0(emu, "POST", "/api/storages/prepare", { body: { storageName: "half", storageType: "volume", files: files("x") } })
            ).body as { versionId: string; uploads: { archive: { presignedUrl: string }; manifest: { presignedUrl: string } } };
            const mismatch = await commit("half", prep.versionId, "y");
            assert.deepEqual([mismatch.status, (mismatch.body as ErrorBody).error.code], [400, "BAD_REQUEST"]);
            assert.equal((await commit("half", prep.versionId)).status, 400, "manifest not uploaded");
            await fetch(prep.uploads.manifest.presignedUrl, { method: "PUT", body: "{}" });
            const noArchive = await commit("half", prep.versionId);
            assert.deepEqual([noArchive.status, (noArchive.body as ErrorBody).error.code], [409, "S3_FILES_MISSING"]);
            await fetch(prep.uploads.archive.presignedUrl, { method: "PUT", body: tarGz([{ path: "data.txt", content: "x" }]) });
            assert.equal((await commit("half", prep.versionId)).status, 200);
        });

        it("takes uploads over the core's 1 MiB body limit", async () => {
            const content = "z".repeat(3 * 1024 * 1024);
            const res = await publish("large", content);
            assert.equal(res.commit.size, content.length);
        });
    });

    it("seeds from the library option and from a directory on the CLI", async function () {
        this.timeout(20_000);
        const seeded = await startEmulator({ vm0Seed: [{ name: "from-option", versions: [{ archive: "abc" }] }] });
        try {
            assert.equal(seeded.inventory().vm0[0]?.name, "from-option");
        } finally {
            await seeded.close();
        }
        const dir = mkdtempSync(join(tmpdir(), "Demo Data-"));
        writeFileSync(join(dir, "readme.md"), "# hi\n");
        const cli = await runCli(["--token", "emulator-cli", "--vm0-seed", dir]);
        try {
            const url = (cli.lines.find((l) => l.startsWith("export VM0_API_URL=")) ?? "").split("=")[1] ?? "";
            assert.ok(cli.lines.includes("export VM0_TOKEN=vm0_live_emulator-cli"));
            const list = (await (
                await fetch(`${url}/v1/volumes`, { headers: { authorization: "Bearer vm0_live_emulator-cli" } })
            ).json()) as Vm0Page<Vm0Volume>;
            assert.equal(list.data.length, 1);
            assert.match(list.data[0]?.name ?? "", /^demo-data-/);
            assert.equal(list.data[0]?.fileCount, 1);
        } finally {
            assert.equal(await cli.stop(), 0);
            rmSync(dir, { recursive: true, force: true });
        }
    });
});
