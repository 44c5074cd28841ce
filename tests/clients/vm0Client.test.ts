import { strict as assert } from "node:assert";
import { tarGz } from "../../emulator";
import { setStackConfig } from "../../provider/core/config";
import { Deadline } from "../../provider/core/deadline";
import { Vm0Client } from "../../provider/vm0/client";
import { readVm0Volume } from "../../provider/vm0/provider";
import { vm0Session } from "../../provider/vm0/session";
import { hexId, quirkyVolumes } from "../emulator/vm0Helpers";
import { rejection, useEmulator } from "./support";

const deadline = () => Deadline.in(30, "read");

describe("vm0 client against the emulator", function () {
    this.timeout(30_000);
    const { emu } = useEmulator({ vm0: { tokenState: "valid", cursorQuirk: true } });
    const client = () => vm0Session().client;
    const listRequests = () =>
        emu()
            .requests()
            .filter((r) => r.cloud === "vm0" && r.path === "/v1/volumes");

    it("lists every volume exactly once across pages whose quirky cursor repeats rows", async () => {
        const made = quirkyVolumes(emu(), 250);
        // What VM0 itself sends: data-0 (the largest id) comes back on every page.
        const naive: string[] = [];
        let cursor: string | null = null;
        for (;;) {
            const res = await fetch(`${emu().urls.vm0}/v1/volumes?limit=100${cursor ? `&cursor=${cursor}` : ""}`, {
                headers: { authorization: `Bearer ${emu().vm0.token}` },
            });
            const page = (await res.json()) as { data: { name: string }[]; pagination: { hasMore: boolean; nextCursor: string | null } };
            naive.push(...page.data.map((v) => v.name));
            if (!page.pagination.hasMore) break;
            cursor = page.pagination.nextCursor;
        }
        assert.equal(naive.filter((n) => n === "data-0").length, 3, "the server repeats rows");
        emu().clearRequests();

        const all = await client().listVolumes(deadline());
        assert.equal(all.length, 250);
        assert.deepEqual(new Set(all.map((v) => v.id)), new Set(made.map((v) => v.id)));
        const pages = listRequests();
        assert.equal(pages.length, 3);
        assert.ok(pages.every((r) => r.query["limit"] === "100"));
        assert.equal(all.find((v) => v.name === "data-7")?.currentVersionId, made[7]?.versions[0]?.id);
    });

    it("retries a page that failed transiently and still reads each volume once", async () => {
        quirkyVolumes(emu(), 150);
        emu().setFaults([{ cloud: "vm0", method: "GET", path: "/v1/volumes", skip: 1, status: 503 }]);
        const all = await client().listVolumes(deadline());
        assert.equal(all.length, 150);
        assert.equal(new Set(all.map((v) => v.id)).size, 150);
        assert.deepEqual(
            listRequests().map((r) => r.status),
            [200, 503, 200],
        );
    });

    it("stops on a page that brings no new id (a cursor that never advances), and on hasMore false", async () => {
        emu().setFaults([
            {
                cloud: "vm0",
                method: "GET",
                path: "/v1/volumes",
                times: Infinity,
                status: 200,
                body: { data: [{ id: "a", name: "x" }], pagination: { hasMore: true, nextCursor: "a" } },
            },
        ]);
        const all = await client().listVolumes(deadline());
        assert.deepEqual(
            all.map((v) => v.id),
            ["a"],
        );
        assert.ok(listRequests().length <= 2, `requests: ${listRequests().length}`);
    });

    it("reads leniently: unknown fields, nulls, snake_case and a bad item never make the list unreadable", async () => {
        emu().setFaults([
            {
                cloud: "vm0",
                path: "/v1/volumes",
                status: 200,
                body: {
                    data: [
                        { id: "ok", name: "fine", size: "big", fileCount: null, currentVersionId: null, brandNew: { x: 1 } },
                        { name: "no id" },
                        null,
                        {
                            id: "old",
                            name: "legacy",
                            current_version_id: "f".repeat(64),
                            file_count: 3,
                            created_at: "2025-01-01T00:00:00Z",
                        },
                    ],
                    pagination: { hasMore: false, nextCursor: null },
                },
            },
        ]);
        const all = await client().listVolumes(deadline());
        assert.deepEqual(
            all.map((v) => v.id),
            ["ok", "old"],
        );
        assert.equal(all[0]?.size, undefined);
        assert.equal(all[1]?.currentVersionId, "f".repeat(64));
        assert.equal(all[1]?.fileCount, 3);
    });

    it("reads a volume with its current version; 404 is undefined; an unsafe id is refused before any request", async () => {
        const rec = emu().vm0.seedVolume({ name: "inputs", versions: [{ archive: "one", message: "m" }] });
        const v = await client().getVolume(rec.id, deadline());
        assert.equal(v?.name, "inputs");
        assert.equal(v?.currentVersion?.message, "m");
        assert.equal(await client().getVolume("6f2d0c1e-0000-4000-8000-000000000000", deadline()), undefined);
        assert.equal(await client().getVolume("vol_abc123", deadline()), undefined, "the docs' id form is just an id");
        emu().clearRequests();
        for (const bad of ["", "a/b", ".", "..", " x", "a b", "a\nb"]) {
            const err = await rejection(client().getVolume(bad, deadline()));
            assert.match(err.message, /^vm0: volume id /, bad);
            // What an id looks like and where to find one.
            assert.match(
                err.message,
                /a VM0 volume id is the `id` VM0 gives the volume, such as a UUID .* not its name: `vm0\.getVolume\(\{ name: "<volume name>" \}\)` returns it as `volumeId`$/,
            );
        }
        assert.equal(emu().requests().length, 0);
    });

    it("lists every version of a volume across pages, newest first", async () => {
        const rec = emu().vm0.seedVolume({ name: "many", versions: Array.from({ length: 150 }, (_, i) => ({ archive: `v${i}` })) });
        const versions = await client().listVersions(rec.id, deadline());
        assert.equal(versions.length, 150);
        assert.equal(new Set(versions.map((v) => v.id)).size, 150);
        assert.equal(versions[0]?.id, rec.versions[149]?.id);
        const err = await rejection(client().listVersions("6f2d0c1e-0000-4000-8000-000000000000", deadline()));
        assert.match(err.message, /no volume '6f2d0c1e-/);
    });

    it("returns the download URL without following it; the test follows it to the archive", async () => {
        const one = tarGz([{ path: "a.txt", content: "one" }]);
        const two = tarGz([{ path: "a.txt", content: "two" }]);
        const rec = emu().vm0.seedVolume({ name: "dl", versions: [{ archive: one }, { archive: two }] });
        emu().clearRequests();
        const head = await client().downloadUrl(rec.id, undefined, deadline());
        assert.ok(
            emu()
                .requests()
                .every((r) => !r.path.startsWith("/_objects/")),
            "not followed",
        );
        assert.ok(Buffer.from(await (await fetch(head.url)).arrayBuffer()).equals(two));
        const first = rec.versions[0]?.id ?? "";
        const byPrefix = await client().downloadUrl(rec.id, first.slice(0, 10).toUpperCase(), deadline());
        assert.equal(byPrefix.versionId, first);
        assert.ok(Buffer.from(await (await fetch(byPrefix.url)).arrayBuffer()).equals(one));
    });

    it(
        "downloads the version asked for from a service that reads " + "only `version_id`, and refuses one that answers HEAD instead",
        async () => {
            const one = tarGz([{ path: "a.txt", content: "one" }]);
            const two = tarGz([{ path: "a.txt", content: "two" }]);
            const rec = emu().vm0.seedVolume({ name: "dl-param", versions: [{ archive: one }, { archive: two }] });
            const first = rec.versions[0]?.id ?? "";
            try {
                // What the service's handlers read (the docs say `versionId`).
                emu().configure({ vm0: { downloadVersionParam: "version_id" } });
                const old = await client().downloadUrl(rec.id, first, deadline());
                assert.equal(old.versionId, first);
                assert.ok(Buffer.from(await (await fetch(old.url)).arrayBuffer()).equals(one), "the old version's bytes, not HEAD's");
                const query = emu()
                    .requests({ cloud: "vm0", path: `/v1/volumes/${rec.id}/download` })
                    .at(-1)?.query;
                assert.deepEqual([query?.["versionId"], query?.["version_id"]], [first, first], "both names sent");

                // A service that reads neither answers HEAD's archive: an error, never other content.
                emu().configure({ vm0: { downloadVersionParam: "none" } });
                const err = await rejection(client().downloadUrl(rec.id, first, deadline()));
                assert.match(
                    err.message,
                    new RegExp(
                        `^vm0 download volume ${rec.id}: asked for version ${first.slice(0, 12)}, ` +
                            `but VM0 answered the archive of version ${rec.currentVersionId?.slice(0, 12)}`,
                    ),
                );
                assert.doesNotMatch(err.message, /_objects|Signature/);
                // HEAD asked for is HEAD served.
                assert.equal((await client().downloadUrl(rec.id, rec.currentVersionId ?? "", deadline())).versionId, rec.currentVersionId);
            } finally {
                emu().configure({ vm0: { downloadVersionParam: "both" } });
            }
        },
    );

    it("says which version names are too short, ambiguous or unknown, and never shows the URL in an error", async () => {
        const rec = emu().vm0.seedVolume({ name: "amb", versions: [{ id: hexId("abcdef12a", 1) }, { id: hexId("abcdef12b", 2) }] });
        assert.match((await rejection(client().downloadUrl(rec.id, "abcdef1", deadline()))).message, /too short.*at least 8/);
        assert.match((await rejection(client().downloadUrl(rec.id, "abcdef12", deadline()))).message, /ambiguous: it matches 2 versions/);
        const unknown = await rejection(client().downloadUrl(rec.id, "12345678", deadline()));
        assert.match(unknown.message, /^vm0 download volume .*: No such version: '12345678' \(404 resource_not_found, request req_/);
        emu().setFaults([
            {
                cloud: "vm0",
                path: `/v1/volumes/${rec.id}/download`,
                status: 200,
                body: {},
                headers: { location: "http://signed.example/secret-sig" },
            },
        ]);
        const odd = await rejection(client().downloadUrl(rec.id, undefined, deadline()));
        assert.match(odd.message, /expected a redirect/);
        assert.doesNotMatch(odd.message, /secret-sig/);
        const none = emu().vm0.seedVolume({ name: "none" });
        assert.match(
            (await rejection(client().downloadUrl(none.id, undefined, deadline()))).message,
            /has no versions \(404 resource_not_found/,
        );
    });

    it("turns 401 codes into credential messages naming vm0:token, VM0_TOKEN and VM0_API_KEY", async () => {
        const wrong = new Vm0Client(emu().urls.vm0, "vm0_live_0123456789abcdef-not-real");
        const err = await rejection(wrong.listVolumes(deadline()));
        assert.match(
            err.message,
            /^vm0 list volumes: Invalid API key provided \(401 invalid_api_key, request req_[0-9a-f]+\)\. the key is not valid/,
        );
        assert.match(err.message, /`vm0:token`.*`VM0_TOKEN` or `VM0_API_KEY`/);
        assert.doesNotMatch(err.message, /0123456789abcdef/);
        emu().configure({ vm0: { tokenState: "expired" } });
        assert.match((await rejection(client().getVolume("x-1", deadline()))).message, /401 expired_api_key.*the key has expired/);
    });

    it("takes the token from VM0_API_KEY too, and names every source when there is none", async () => {
        const saved = { token: process.env["VM0_TOKEN"], key: process.env["VM0_API_KEY"] };
        try {
            delete process.env["VM0_TOKEN"];
            delete process.env["VM0_API_KEY"];
            const err = await rejection(Promise.resolve().then(() => vm0Session()));
            assert.match(err.message, /vm0:token.*`VM0_TOKEN` or `VM0_API_KEY`/);
            process.env["VM0_API_KEY"] = emu().vm0.token;
            emu().vm0.seedVolume({ name: "via-key" });
            assert.equal((await vm0Session().client.listVolumes(deadline()))[0]?.name, "via-key");
            setStackConfig({ get: (k) => (k === "vm0:token" ? "vm0_live_config-token" : undefined) });
            assert.match((await rejection(vm0Session().client.listVolumes(deadline()))).message, /401 invalid_api_key/, "config wins");
        } finally {
            setStackConfig(undefined);
            process.env["VM0_TOKEN"] = saved.token;
            if (saved.key === undefined) delete process.env["VM0_API_KEY"];
            else process.env["VM0_API_KEY"] = saved.key;
        }
    });

    it("readVm0Volume gives the outputs of the read-only vm0.Volume, and undefined once the volume is gone", async () => {
        const rec = emu().vm0.seedVolume({ name: "adopted", versions: [{ archive: "abc", fileCount: 2 }] });
        const outs = await readVm0Volume(rec.id, deadline());
        assert.deepEqual(outs, {
            volumeId: rec.id,
            name: "adopted",
            currentVersionId: rec.versions[0]?.id,
            size: 3,
            fileCount: 2,
            createdAt: rec.createdAt,
            updatedAt: rec.updatedAt,
        });
        emu().vm0.reset();
        assert.equal(await readVm0Volume(rec.id, deadline()), undefined);
        const none = emu().vm0.seedVolume({ name: "empty" });
        const bare = await readVm0Volume(none.id, deadline());
        assert.equal(bare?.currentVersionId, undefined);
        assert.equal(bare?.fileCount, 0);
    });
});
