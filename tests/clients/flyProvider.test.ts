import { strict as assert } from "node:assert";
import { Deadline } from "../../provider/core/deadline";
import { flyVolumeProvider } from "../../provider/fly/provider";
import { flySession } from "../../provider/fly/session";
import { rejection, useEmulator } from "./support";
import { present } from "../support/present";

const p = flyVolumeProvider;
/** Each test has its own app: the client's rate-limit buckets are per app and outlive a test. */
let app = "web";
let apps = 0;
beforeEach(() => {
    app = `web${++apps}`;
});

async function inputs(extra: Record<string, unknown> = {}) {
    const base = { app, region: "iad", sizeGb: 3, name: "data" };
    const { inputs, failures } = await p.check({}, { ...base, ...extra, __provider: "serialized-code" });
    assert.deepEqual(failures, []);
    return inputs;
}

describe("fly.Volume provider against the emulator", function () {
    this.timeout(30_000);
    const { emu } = useEmulator({ fly: { timeToReadyMs: 150, timeToExtendMs: 300, rateLimit: { perSecond: 1, burst: 3 } } });

    it("create waits until the volume is created and returns <app>/<vol_id> with live outputs", async () => {
        const { id, outs } = await p.create(await inputs());
        assert.match(id, new RegExp(`^${app}/vol_[a-z0-9]+$`));
        assert.equal(outs.state, "created");
        assert.equal(outs.volumeId, id.split("/")[1]);
        assert.equal(outs.sizeGb, 3);
        assert.ok(outs.zone);
        assert.ok(!("__provider" in outs), "the host adds __provider itself");
        const vols = emu().inventory().fly;
        assert.equal(vols.length, 1);
        assert.equal(vols[0]?.state, "created");
        const posts = emu()
            .requests()
            .filter((r) => r.method === "POST");
        assert.equal(posts.length, 1);
        assert.equal(posts[0]?.authScheme, "Bearer");
    });

    it("an app Fly does not know fails the create naming `app` and how to create the app", async () => {
        emu().configure({ fly: { apps: ["other"] } });
        const err = await rejection(p.create(await inputs())).finally(() => emu().configure({ fly: { apps: undefined } }));
        assert.match(err.message, /^fly create volume data in app web\d+: app not found \(404, request [^)]*\)\. check `app`/);
        assert.match(
            err.message,
            /check `app`: it must name an existing Fly app \(`fly apps list`\), or create it with `fly apps create <name>`/,
        );
        assert.equal(emu().inventory().fly.length, 0);
    });

    it("a fork is ready once it is hydrating", async () => {
        emu().configure({ fly: { timeToHydrateMs: 60_000 } });
        const src = await p.create(await inputs());
        const fork = await p.create(await inputs({ name: "fork", sourceVolumeId: src.outs.volumeId }));
        assert.equal(fork.outs.state, "hydrating");
    });

    it("a create whose wait runs out rejects with partial state that keeps __provider", async () => {
        emu().configure({ fly: { timeToReadyMs: 60_000 } });
        const err = await rejection(p.create(await inputs({ timeouts: { create: 3 } })));
        assert.match(err.message, /still 'creating' after 3 s waiting to be created; raise timeouts.create/);
        assert.match(String(err.id), new RegExp(`^${app}/vol_`));
        const props = err.properties as Record<string, unknown>;
        assert.equal(props.__provider, "serialized-code");
        assert.equal(props.state, "creating");
        assert.equal(emu().inventory().fly.length, 1, "the volume is kept, not forgotten");
    });

    it("update extends first, then applies retention, in one update, and waits for the new size", async () => {
        const { id, outs } = await p.create(await inputs());
        emu().clearRequests();
        const news = await inputs({ sizeGb: 10, snapshotRetention: 14, autoBackupEnabled: false });
        assert.deepEqual(await p.diff(id, outs, news), { changes: true, replaces: [] });
        const res = await p.update(id, outs, news);
        assert.equal(res.outs.sizeGb, 10);
        assert.equal(res.outs.snapshotRetention, 14);
        assert.equal(res.outs.autoBackupEnabled, false);
        assert.equal(res.outs.state, "created");
        const writes = emu()
            .requests()
            .filter((r) => r.method === "PUT")
            .map((r) => r.path);
        assert.deepEqual(writes, [`/v1/apps/${app}/volumes/${outs.volumeId}/extend`, `/v1/apps/${app}/volumes/${outs.volumeId}`]);
        assert.equal(emu().inventory().fly[0]?.size_gb, 10);
    });

    it("grow at the floor: when the extend's answer already shows the new size settled, no poll follows", async () => {
        const { id, outs } = await p.create(await inputs());
        emu().configure({ fly: { timeToExtendMs: 0 } });
        try {
            emu().clearRequests();
            const res = await p.update(id, outs, await inputs({ sizeGb: 5 }));
            assert.equal(res.outs.sizeGb, 5);
            assert.deepEqual(
                emu()
                    .requests()
                    .map((r) => `${r.method} ${r.status}`),
                ["PUT 200"],
            );
        } finally {
            emu().configure({ fly: { timeToExtendMs: 300 } });
        }
    });

    it("an extend already applied (lost response, retried) is not an error", async () => {
        const { id, outs } = await p.create(await inputs());
        emu().setFaults([{ cloud: "fly", method: "PUT", path: /\/extend$/, loseResponse: true }]);
        const res = await p.update(id, outs, await inputs({ sizeGb: 6 }));
        assert.equal(res.outs.sizeGb, 6);
    });

    it("read drops the volume on 404 and on a soft-deleted state, in either GET mode", async () => {
        for (const mode of ["200", "404"] as const) {
            emu().configure({ fly: { softDeletedGet: mode } });
            const { id, outs } = await p.create(await inputs());
            const fresh = await p.read!(id, outs);
            assert.equal(fresh.id, id);
            emu().fly.destroy(app, String(outs.volumeId));
            assert.deepEqual(await p.read!(id, outs), { id: "", props: {} });
        }
        assert.deepEqual(await p.read!(`${app}/vol_doesnotexist00`, {}), { id: "", props: {} });
    });

    it("read keeps declared create-only fields and reports drift in live ones", async () => {
        const { id, outs } = await p.create(await inputs({ snapshotRetention: 5 }));
        emu().fly.resize(app, String(outs.volumeId), 8);
        const fresh = await p.read!(id, outs);
        assert.equal(fresh.props.sizeGb, 8);
        assert.equal(fresh.props.name, "data");
        // Grown outside Pulumi: the declared 3 GB is no change, never a shrink.
        assert.deepEqual(await p.diff(id, fresh.props, await inputs({ snapshotRetention: 5 })), { changes: false, replaces: [] });
    });

    it("delete treats an already-gone volume as done", async () => {
        const { id, outs } = await p.create(await inputs());
        await p.delete(id, outs);
        await p.delete(id, outs);
        assert.ok(["scheduling_destroy", "pending_destroy"].includes(present(emu().inventory().fly[0]).state));
    });

    it("delete retries a volume still bound to a machine until it is detached", async () => {
        const { id, outs } = await p.create(await inputs());
        emu().fly.attach(app, String(outs.volumeId), "m_1234");
        setTimeout(() => emu().fly.detach(app, String(outs.volumeId)), 1500);
        await p.delete(id, outs);
        assert.ok(
            emu()
                .requests()
                .some((r) => r.method === "DELETE" && r.status === 412),
        );
    });

    it("delete of a volume bound past the delete timeout fails naming the machine", async () => {
        const { id, outs } = await p.create(await inputs());
        emu().fly.attach(app, String(outs.volumeId), "m_5678");
        // 5 s, not less: the delete must hear Fly's first 412 (naming the machine) before its
        // deadline, on a machine busy enough to stall a request for seconds.
        const err = await rejection(p.delete(id, { ...outs, timeouts: { delete: 5 } }));
        assert.match(err.message, /still attached to machine m_5678 after 5 s/);
        assert.match(err.message, /412/);
        assert.match(err.message, /raise timeouts.delete/);
    });

    it("a missing token names fly:token and FLY_API_TOKEN and sends nothing (at check, and at create should it get there)", async () => {
        const checked = await inputs();
        const saved = process.env.FLY_API_TOKEN;
        delete process.env.FLY_API_TOKEN;
        try {
            const { failures } = await p.check({}, { app, region: "iad", sizeGb: 3, name: "data" });
            assert.match(failures[0]?.reason ?? "", /fly:token.*FLY_API_TOKEN/);
            const err = await rejection(p.create(checked));
            assert.match(err.message, /fly:token/);
            assert.match(err.message, /FLY_API_TOKEN/);
            assert.equal(emu().requests().length, 0);
        } finally {
            process.env.FLY_API_TOKEN = saved;
        }
    });

    it("a rejected token gives status, request id and remedy, and never the token", async () => {
        const saved = process.env.FLY_API_TOKEN;
        process.env.FLY_API_TOKEN = "wrong-token-value-123";
        try {
            const err = await rejection(p.create(await inputs()));
            assert.match(err.message, new RegExp(`^fly create volume data in app ${app}: .*\\(401.*request [^)]+\\)\\. check the token`));
            assert.doesNotMatch(err.message, /wrong-token-value-123/);
        } finally {
            process.env.FLY_API_TOKEN = saved;
        }
    });

    it("honours Retry-After on a retried read", async () => {
        const { id, outs } = await p.create(await inputs());
        emu().setFaults([{ cloud: "fly", method: "GET", status: 503, retryAfter: 1 }]);
        const started = Date.now();
        assert.equal((await p.read!(id, outs)).id, id);
        assert.ok(Date.now() - started >= 1000, "waited the server's Retry-After");
    });

    it("a 5xx storm ends at the operation's deadline with what the cloud said, keeping the volume", async () => {
        emu().setFaults([{ cloud: "fly", method: "GET", status: 503, times: Infinity }]);
        const started = Date.now();
        const err = await rejection(p.create(await inputs({ timeouts: { create: 3 } })));
        // Room for a busy machine: without the deadline the retries would go on for minutes.
        assert.ok(Date.now() - started < 10_000, `took ${Date.now() - started} ms`);
        assert.match(
            err.message,
            /not seen after 3 s waiting to be created; the last poll failed: fly list volumes in app \S+: .*\(503, request [^)]+\).*raise timeouts.create/,
        );
        assert.match(String(err.id), new RegExp(`^${app}/vol_`), "partial state: Fly had accepted it");
    });

    describe("faults end with the right volumes and no duplicate", () => {
        it("a 429 storm on create", async () => {
            emu().setFaults([{ cloud: "fly", method: "POST", status: 429, times: 4 }]);
            await p.create(await inputs());
            assert.equal(emu().inventory().fly.length, 1);
            assert.equal(
                emu()
                    .requests()
                    .filter((r) => r.status === 429).length,
                4,
            );
        });
        it("a 503 on create", async () => {
            emu().setFaults([{ cloud: "fly", method: "POST", status: 503 }]);
            await p.create(await inputs());
            assert.equal(emu().inventory().fly.length, 1);
        });
        it("a dropped connection on create", async () => {
            emu().setFaults([{ cloud: "fly", method: "POST", drop: true }]);
            await p.create(await inputs());
            assert.equal(emu().inventory().fly.length, 1);
        });
        it("a create response lost after Fly committed it", async () => {
            emu().setFaults([{ cloud: "fly", method: "POST", loseResponse: true }]);
            const { id } = await p.create(await inputs());
            const vols = emu().inventory().fly;
            assert.equal(vols.length, 1, "no duplicate");
            assert.equal(`${app}/${vols[0]?.id}`, id, "the lost volume is the one adopted");
            assert.equal(
                emu()
                    .requests()
                    .filter((r) => r.method === "POST").length,
                1,
            );
        });
        /** The first list after the POST lags (a stale empty answer); later ones show the volume. */
        const firstLookLags = { cloud: "fly", method: "GET", path: /\/volumes$/, skip: 1, times: 1, status: 200, body: [] } as const;
        const onePostOneVolume = (id: string) => {
            const vols = emu().inventory().fly;
            assert.equal(vols.length, 1, "no duplicate, no orphan");
            assert.equal(`${app}/${present(vols[0]).id}`, id, "the volume made is the one recorded");
            assert.equal(
                emu()
                    .requests()
                    .filter((r) => r.method === "POST").length,
                1,
                "never sent again",
            );
        };
        it("a 500 after Fly committed the create, the volume missing from the first look's list only (issue 14 §3)", async () => {
            emu().setFaults([{ cloud: "fly", method: "POST", status: 500, afterCommit: true }, firstLookLags]);
            const { id } = await p.create(await inputs());
            onePostOneVolume(id);
            const stale = emu()
                .requests()
                .filter((r) => r.method === "GET" && r.fault);
            assert.equal(stale.length, 1, "the first look's list was the stale one");
        });
        it("a 2xx create whose body has no readable id (a proxy's HTML page) is reconciled by lookup (issue 14 §3)", async () => {
            emu().setFaults([
                {
                    cloud: "fly",
                    method: "POST",
                    status: 200,
                    rawBody: "<html><body>OK</body></html>",
                    headers: { "content-type": "text/html" },
                    afterCommit: true,
                },
            ]);
            const { id } = await p.create(await inputs());
            onePostOneVolume(id);
        });
        it("a lost response beside a same-named volume created at the same moment takes only its own", async () => {
            emu().setFaults([{ cloud: "fly", method: "POST", loseResponse: true }]);
            const [a, b] = await Promise.all([p.create(await inputs()), p.create(await inputs())]);
            assert.notEqual(a.id, b.id);
            assert.equal(emu().inventory().fly.length, 2);
        });
        it("503s and dropped connections while waiting", async () => {
            emu().setFaults([
                { cloud: "fly", method: "GET", status: 503, times: 2, retryAfter: 1 },
                { cloud: "fly", method: "GET", drop: true, skip: 3, times: 1 },
            ]);
            const { outs } = await p.create(await inputs());
            assert.equal(outs.state, "created");
        });
    });
});

describe("fly.Volume as Fly really is", function () {
    this.timeout(30_000);
    const { emu } = useEmulator({
        fly: { timeToReadyMs: 100, timeToHydrateMs: 100, timeToRestoreMs: 100, rateLimit: { perSecond: 1, burst: 3 } },
    });
    const client = () => flySession().client;
    const deadline = () => Deadline.in(10, "read");

    /** Runs `f` with stderr captured. */
    async function capturingStderr<T>(f: () => Promise<T>): Promise<{ result: T; stderr: string }> {
        const write = process.stderr.write.bind(process.stderr);
        let stderr = "";
        process.stderr.write = ((chunk: string | Uint8Array) => {
            stderr += String(chunk);
            return true;
        }) as typeof process.stderr.write;
        try {
            return { result: await f(), stderr };
        } finally {
            process.stderr.write = write;
        }
    }

    it("a fork sends only what was declared and shows what Fly reports", async () => {
        const src = await p.create(await inputs({ fstype: "raw" }));
        const forkInputs = await inputs({ name: "fork", sourceVolumeId: src.outs.volumeId });
        assert.equal(forkInputs.fstype, undefined, "no default for a fork");
        const fork = await p.create(forkInputs);
        // Fly gave the fork its source's filesystem: an `ext4` default sent along would have made it ext4.
        assert.equal(fork.outs.fstype, "raw");
        assert.equal(fork.outs.encrypted, true);
        assert.equal(fork.outs.requireUniqueZone, undefined, "not reported by Fly, not declared");
        assert.deepEqual(await p.diff(fork.id, fork.outs, forkInputs), { changes: false, replaces: [] });
        const fresh = await p.read!(fork.id, fork.outs);
        assert.deepEqual(await p.diff(fork.id, fresh.props, forkInputs), { changes: false, replaces: [] });
    });

    it("a snapshot restore sends only what was declared and shows what Fly reports", async () => {
        const src = await p.create(await inputs());
        const snapshotId = emu().fly.snapshot(app, String(src.outs.volumeId));
        const restored = await p.create(await inputs({ name: "restored", snapshotId }));
        assert.equal(restored.outs.state, "created");
        assert.equal(restored.outs.snapshotId, snapshotId);
        assert.equal(restored.outs.fstype, "ext4");
        assert.equal(restored.outs.encrypted, true);
        assert.equal(restored.outs.requireUniqueZone, undefined);
    });

    it("a null list is an empty list; a list item without an id is skipped, the rest kept", async () => {
        const path = `/v1/apps/${app}/volumes`;
        emu().setFaults([{ cloud: "fly", method: "GET", path, status: 200, body: null }]);
        assert.deepEqual(await client().listVolumes(app, deadline()), []);
        emu().setFaults([
            {
                cloud: "fly",
                method: "GET",
                path,
                status: 200,
                body: [{ name: "no_id" }, { id: "vol_ok1", state: "some_new_state", name: "a", size_gb: null }, { id: "" }],
            },
        ]);
        const list = await client().listVolumes(app, deadline());
        assert.deepEqual(
            list.map((v) => [v.id, v.state]),
            [["vol_ok1", "some_new_state"]],
        );
    });

    it("an extend answered without `volume` reads the volume", async () => {
        const { outs } = await p.create(await inputs());
        const path = `/v1/apps/${app}/volumes/${outs.volumeId}/extend`;
        emu().setFaults([{ cloud: "fly", method: "PUT", path, status: 200, body: { needs_restart: true } }]);
        emu().clearRequests();
        const res = await client().extendVolume(app, String(outs.volumeId), 5, deadline());
        assert.equal(res.volume.id, outs.volumeId);
        assert.equal(res.needsRestart, true);
        assert.ok(
            emu()
                .requests()
                .some((r) => r.method === "GET" && r.path === `/v1/apps/${app}/volumes/${outs.volumeId}`),
        );
    });

    it("a 2xx create whose body surprises us still records the id: nothing is orphaned", async () => {
        emu().setFaults([
            { cloud: "fly", method: "POST", status: 200, body: { id: "vol_surprise00001", size_gb: "three", state: 7, name: "data" } },
        ]);
        const err = await rejection(p.create(await inputs({ timeouts: { create: 2 } })));
        assert.equal(err.id, `${app}/vol_surprise00001`, "partial state carries the id Fly returned");
        assert.doesNotMatch(err.message, /\n/);
    });

    describe("host migration", () => {
        it("read follows an unambiguous fork to its new id, and the next up changes nothing", async () => {
            const created = await p.create(await inputs());
            const oldId = String(created.outs.volumeId);
            emu().fly.attach(app, oldId, "m_1");
            const seen = await p.read!(created.id, created.outs);
            assert.equal(seen.props.attachedMachineId, "m_1");
            const forkId = emu().fly.migrateHost(app, oldId);
            const { result: moved, stderr } = await capturingStderr(() => p.read!(created.id, seen.props));
            assert.equal(moved.id, `${app}/${forkId}`);
            assert.equal(moved.props.volumeId, forkId);
            assert.equal(moved.props.attachedMachineId, "m_1");
            assert.equal(moved.props.name, "data");
            // Every follow is logged, naming both ids.
            assert.match(stderr, /^info: fly volume \S+ is pending_destroy after a host migration; following its fork/);
            assert.ok(stderr.includes(`${app}/${oldId}`) && stderr.includes(`${app}/${forkId}`), stderr);
            assert.deepEqual(await p.diff(moved.id, moved.props, await inputs()), { changes: false, replaces: [] });
            // The next refresh reads the fork under its own id.
            assert.equal((await p.read!(moved.id, moved.props)).id, `${app}/${forkId}`);
        });

        it("follows the fork when Fly answers 404 for the old volume (it is still in the app's list)", async () => {
            emu().configure({ fly: { softDeletedGet: "404" } });
            const created = await p.create(await inputs());
            const oldId = String(created.outs.volumeId);
            emu().fly.attach(app, oldId, "m_2");
            const seen = await p.read!(created.id, created.outs);
            const forkId = emu().fly.migrateHost(app, oldId);
            try {
                const moved = await p.read!(created.id, seen.props);
                assert.equal(moved.id, `${app}/${forkId}`);
            } finally {
                emu().configure({ fly: { softDeletedGet: "200" } });
            }
        });

        /** A same-named volume made by hand (raw HTTP: no resource of this process holds or read it). */
        async function strangerVolume(): Promise<string> {
            const res = await fetch(`${process.env.FLY_API_URL}/v1/apps/${app}/volumes`, {
                method: "POST",
                headers: { authorization: `Bearer ${process.env.FLY_API_TOKEN}`, "content-type": "application/json" },
                body: JSON.stringify({ name: "data", region: "iad", size_gb: 3 }),
            });
            assert.equal(res.status, 200);
            return ((await res.json()) as { id: string }).id;
        }

        it(
            "never follows after a 404: a volume destroyed by hand, purged, and " +
                "a same-named one attached to its Machine is dropped with a warning",
            async () => {
                emu().configure({ fly: { softDeleteRetentionMs: 0 } });
                const created = await p.create(await inputs());
                const oldId = String(created.outs.volumeId);
                emu().fly.attach(app, oldId, "m_3");
                const seen = await p.read!(created.id, created.outs);
                emu().fly.destroy(app, oldId);
                const other = await strangerVolume();
                emu().fly.attach(app, other, "m_3");
                const { result, stderr } = await capturingStderr(() => p.read!(created.id, seen.props));
                assert.deepEqual(result, { id: "", props: {} });
                assert.match(stderr, /no longer readable in a migration state/);
                assert.ok(stderr.includes(other) && stderr.includes(`fly.Volume.get(name, "${app}/<vol_id>")`), stderr);
            },
        );

        it("never follows onto a volume another resource of the deployment holds", async () => {
            emu().configure({ fly: { softDeleteRetentionMs: 24 * 3600_000 } });
            const a = await p.create(await inputs());
            const oldId = String(a.outs.volumeId);
            emu().fly.attach(app, oldId, "m_4");
            const seen = await p.read!(a.id, a.outs);
            // Destroyed by hand (pending_destroy, still readable); resource B made a same-named volume on that Machine.
            emu().fly.destroy(app, oldId);
            const b = await p.create(await inputs());
            emu().fly.attach(app, String(b.outs.volumeId), "m_4");
            const { result, stderr } = await capturingStderr(() => p.read!(a.id, seen.props));
            assert.deepEqual(result, { id: "", props: {} }, "A is dropped, never pointed at B's volume");
            assert.match(stderr, /held or read by another resource of this deployment/);
            assert.equal((await p.read!(b.id, b.outs)).id, b.id, "B keeps its volume");
        });

        it("a refresh of a volume whose app was deleted drops it (Fly's own 404 for the app)", async () => {
            const created = await p.create(await inputs());
            emu().configure({ fly: { apps: ["some-other-app"] } });
            try {
                assert.deepEqual(await p.read!(created.id, created.outs), { id: "", props: {} });
            } finally {
                emu().configure({ fly: { apps: undefined } });
            }
        });

        it("an ambiguous fork is not taken: the volume is dropped and a warning names the candidates and how to adopt one", async () => {
            const created = await p.create(await inputs());
            const oldId = String(created.outs.volumeId);
            // Never seen attached: the fork cannot be told from a stranger's same-named volume.
            const forkId = emu().fly.migrateHost(app, oldId);
            const { result, stderr } = await capturingStderr(() => p.read!(created.id, created.outs));
            assert.deepEqual(result, { id: "", props: {} });
            assert.match(stderr, /^warning: fly volume \S+ is pending_destroy/);
            assert.ok(stderr.includes(forkId), stderr);
            assert.ok(stderr.includes(`fly.Volume.get(name, "${app}/<vol_id>")`), stderr);
            assert.equal(stderr.trim().split("\n").length, 1, "one line");
        });
    });
});

describe("fly: a 404 that is not Fly's (a proxy's HTML page) never drops or deletes", function () {
    this.timeout(30_000);
    const { emu } = useEmulator({ fly: { timeToReadyMs: 10, rateLimit: false } });
    const html = "<!DOCTYPE html><html><body><h1>404 Not Found</h1>nginx</body></html>";

    it("read: an error naming the URL and fly:apiUrl, not an empty id", async () => {
        const { id, outs } = await p.create(await inputs());
        emu().setFaults([
            { cloud: "fly", method: "GET", status: 404, rawBody: html, headers: { "content-type": "text/html" }, times: Infinity },
        ]);
        const err = await rejection(p.read!(id, outs));
        assert.match(err.message, /answered 404 with an HTML page not in fly's error shape/);
        assert.ok(err.message.includes(`${process.env.FLY_API_URL}/v1/apps/${app}/volumes`), err.message);
        assert.match(err.message, /`fly:apiUrl` or FLY_API_URL/);
    });

    it("delete: an error, and the volume is still there", async () => {
        const { id, outs } = await p.create(await inputs());
        emu().setFaults([{ cloud: "fly", method: "DELETE", status: 404, rawBody: html, times: Infinity }]);
        const err = await rejection(p.delete(id, outs));
        assert.match(err.message, /answered 404 with an HTML page/);
        assert.equal(present(emu().inventory().fly[0]).state, "created");
    });

    it("Fly's own 404 is still gone", async () => {
        const { id, outs } = await p.create(await inputs());
        emu().fly.destroy(app, String(outs.volumeId));
        emu().configure({ fly: { softDeletedGet: "404", softDeleteRetentionMs: 0 } });
        await p.delete(id, outs);
    });
});

describe("fly.Volume provider with a macaroon token", function () {
    this.timeout(10_000);
    const { emu } = useEmulator({ fly: { timeToReadyMs: 10 } }, { token: "fm2_testmacaroon" });
    it("authenticates with the FlyV1 scheme", async () => {
        await p.create(await inputs());
        assert.deepEqual(
            [
                ...new Set(
                    emu()
                        .requests()
                        .map((r) => r.authScheme),
                ),
            ],
            ["FlyV1"],
        );
    });
});
