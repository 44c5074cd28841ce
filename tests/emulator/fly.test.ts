/** The Fly volumes emulator keeps the contract of shared/apis/fly.md. */
import { strict as assert } from "node:assert";
import type { FlyExtendResponse, FlyVolume } from "../../emulator";
import { call, clock, createBody, createVolume, useEmulator } from "./helpers";

const volumesPath = "/v1/apps/demo/volumes";

describe("fly emulator: volume lifecycle", () => {
    const emu = useEmulator();

    it("creates a volume in `creating` with zeroed block stats and Fly's defaults, then reaches `created`", async () => {
        const created = await call<FlyVolume>(emu(), "POST", volumesPath, { body: createBody() });
        assert.equal(created.status, 200);
        const v = created.body;
        assert.match(v.id, /^vol_[a-z0-9]{16}$/);
        assert.match(v.zone, /^[0-9a-f]{4}$/);
        assert.equal(v.state, "creating");
        assert.equal(v.fstype, "");
        assert.equal(v.blocks, 0);
        assert.equal(v.bytes_total, 0);
        assert.equal(v.encrypted, true);
        assert.equal(v.snapshot_retention, 5);
        assert.equal(v.auto_backup_enabled, true);
        assert.equal(v.attached_machine_id, null);
        assert.equal(v.attached_alloc_id, null);
        assert.ok(!Number.isNaN(Date.parse(v.created_at)));

        clock.advance(60);
        const got = await call<FlyVolume>(emu(), "GET", `${volumesPath}/${v.id}`);
        assert.equal(got.status, 200);
        assert.equal(got.body.state, "created");
        assert.equal(got.body.fstype, "ext4");
        assert.equal(got.body.bytes_total, 3 * 1024 ** 3);
        assert.ok((got.body.blocks_free ?? 0) > 0);
    });

    it("allows duplicate names: two creates with the same body make two volumes", async () => {
        const a = await createVolume(emu());
        const b = await createVolume(emu());
        assert.notEqual(a, b);
        const list = await call<FlyVolume[]>(emu(), "GET", volumesPath);
        assert.deepEqual(
            list.body.map((v) => v.id),
            [a, b],
        );
    });

    it("places same-named volumes in distinct zones and refuses when unique zones run out", async () => {
        emu().configure({ fly: { zonesPerRegion: 2 } });
        const a = await call<FlyVolume>(emu(), "POST", volumesPath, { body: createBody() });
        const b = await call<FlyVolume>(emu(), "POST", volumesPath, { body: createBody() });
        assert.notEqual(a.body.zone, b.body.zone);
        const c = await call(emu(), "POST", volumesPath, { body: createBody() });
        assert.equal(c.status, 400);
        assert.deepEqual(Object.keys(c.body as object).sort(), ["error", "status"]);
        const d = await call(emu(), "POST", volumesPath, { body: createBody({ require_unique_zone: false }) });
        assert.equal(d.status, 200);
    });

    it("restores from a snapshot through `restoring`, at no less than the snapshot's size", async () => {
        const source = await createVolume(emu(), "demo", { size_gb: 4 });
        clock.advance(60);
        const snapshotId = emu().fly.snapshot("demo", source);
        assert.match(snapshotId, /^vs_[a-z0-9]{16}$/);
        assert.equal((await call(emu(), "POST", volumesPath, { body: createBody({ snapshot_id: snapshotId, size_gb: 3 }) })).status, 400);

        emu().configure({ fly: { timeToReadyMs: 60, timeToRestoreMs: 60 } });
        const t0 = clock.now();
        const restored = await call<FlyVolume>(emu(), "POST", volumesPath, {
            body: createBody({ snapshot_id: snapshotId, size_gb: null }),
        });
        assert.equal(restored.body.state, "creating");
        assert.equal(restored.body.size_gb, 4);
        const states: string[] = [];
        for (const at of [90, 150]) {
            clock.advance(t0 + at - clock.now());
            states.push((await call<FlyVolume>(emu(), "GET", `${volumesPath}/${restored.body.id}`)).body.state);
        }
        assert.deepEqual(states, ["restoring", "created"]);
    });

    it("forks through `enabling_remote_export` and `hydrating` to `created`", async () => {
        emu().configure({ fly: { timeToReadyMs: 60, timeToHydrateMs: 60 } });
        const source = await createVolume(emu());
        const t0 = clock.now();
        const fork = await call<FlyVolume>(emu(), "POST", volumesPath, { body: createBody({ source_volume_id: source, region: "fra" }) });
        assert.equal(fork.status, 200);
        const states: string[] = [fork.body.state];
        // phases: creating [0, 60), enabling_remote_export [60, 120), hydrating [120, 180), created after
        for (const at of [90, 150, 210]) {
            clock.advance(t0 + at - clock.now());
            states.push((await call<FlyVolume>(emu(), "GET", `${volumesPath}/${fork.body.id}`)).body.state);
        }
        assert.deepEqual(states, ["creating", "enabling_remote_export", "hydrating", "created"]);
        const missing = await call(emu(), "POST", volumesPath, { body: createBody({ source_volume_id: "vol_doesnotexist00" }) });
        assert.equal(missing.status, 400);
    });

    it("refuses bad create bodies with 400 before creating anything", async () => {
        const cases: Array<Record<string, unknown>> = [
            createBody({ size_gb: 0 }),
            createBody({ size_gb: 501 }),
            createBody({ size_gb: 2.5 }),
            createBody({ name: "Bad-Name" }),
            createBody({ name: "a".repeat(31) }),
            createBody({ region: "any" }),
            createBody({ region: "Amsterdam" }),
            createBody({ snapshot_retention: 0 }),
            createBody({ snapshot_retention: 61 }),
            createBody({ fstype: "xfs" }),
            createBody({ encrypted: "yes" }),
        ];
        for (const body of cases) {
            const reply = await call<{ error: string }>(emu(), "POST", volumesPath, { body });
            assert.equal(reply.status, 400, JSON.stringify(body));
            assert.equal(typeof reply.body.error, "string");
        }
        const notJson = await call(emu(), "POST", volumesPath, { rawBody: "name=data" });
        assert.equal(notJson.status, 400);
        assert.deepEqual(emu().inventory().fly, []);
        assert.equal((await call(emu(), "POST", volumesPath, { body: createBody({ name: "a".repeat(30) }) })).status, 200);
    });

    it("takes a create without a region (optional on the wire) and places it in the default region", async () => {
        for (const region of [undefined, null, ""]) {
            const reply = await call<FlyVolume>(emu(), "POST", volumesPath, { body: createBody({ region, require_unique_zone: false }) });
            assert.equal(reply.status, 200, String(region));
            assert.equal(reply.body.region, "iad");
        }
    });

    it("answers a create with `created` at once when timeToReadyMs is 0", async () => {
        emu().configure({ fly: { timeToReadyMs: 0 } });
        const reply = await call<FlyVolume>(emu(), "POST", volumesPath, { body: createBody() });
        assert.equal(reply.body.state, "created");
        assert.equal(reply.body.fstype, "ext4");
    });

    it("answers 404 with Fly's error body for unknown volumes, apps outside `apps`, and unknown routes", async () => {
        const unknown = await call(emu(), "GET", `${volumesPath}/vol_0000000000000000`);
        assert.equal(unknown.status, 404);
        assert.deepEqual(unknown.body, { error: "volume not found" });
        assert.equal((await call(emu(), "GET", "/v1/nope")).status, 404);
        emu().configure({ fly: { apps: ["demo"] } });
        assert.equal((await call(emu(), "GET", volumesPath)).status, 200);
        const other = await call(emu(), "GET", "/v1/apps/other/volumes");
        assert.equal(other.status, 404);
        assert.deepEqual(other.body, { error: "app not found" });
        emu().configure({ fly: { apps: undefined } });
        assert.equal((await call(emu(), "GET", "/v1/apps/other/volumes")).status, 200);
    });

    it("updates snapshot_retention and auto_backup_enabled partially, null meaning unchanged", async () => {
        const id = await createVolume(emu());
        const first = await call<FlyVolume>(emu(), "PUT", `${volumesPath}/${id}`, {
            body: { snapshot_retention: 10, auto_backup_enabled: null },
        });
        assert.equal(first.status, 200);
        assert.equal(first.body.snapshot_retention, 10);
        assert.equal(first.body.auto_backup_enabled, true);
        const second = await call<FlyVolume>(emu(), "PUT", `${volumesPath}/${id}`, {
            body: { snapshot_retention: null, auto_backup_enabled: false },
        });
        assert.equal(second.body.snapshot_retention, 10);
        assert.equal(second.body.auto_backup_enabled, false);
        assert.equal((await call(emu(), "PUT", `${volumesPath}/${id}`, { body: { snapshot_retention: 61 } })).status, 400);
        assert.equal((await call(emu(), "PUT", `${volumesPath}/${id}`, { body: { snapshot_retention: 0 } })).status, 400);
    });
});

describe("fly emulator: extend", () => {
    const emu = useEmulator();
    const extend = (id: string, sizeGb: number) =>
        call<FlyExtendResponse & { error?: string }>(emu(), "PUT", `${volumesPath}/${id}/extend`, { body: { size_gb: sizeGb } });

    it("answers with the new size; reads show `extending` and the old size until timeToExtendMs, then the new size", async () => {
        const id = await createVolume(emu());
        clock.advance(60);
        const reply = await extend(id, 5);
        assert.equal(reply.status, 200);
        assert.equal(reply.body.needs_restart, false);
        assert.equal(reply.body.volume.state, "extending");
        assert.equal(reply.body.volume.size_gb, 5);
        const during = await call<FlyVolume>(emu(), "GET", `${volumesPath}/${id}`);
        assert.deepEqual([during.body.state, during.body.size_gb], ["extending", 3]);
        clock.advance(60);
        const after = await call<FlyVolume>(emu(), "GET", `${volumesPath}/${id}`);
        assert.deepEqual([after.body.state, after.body.size_gb], ["created", 5]);
    });

    it("answers `created` with the new size at once when timeToExtendMs is 0", async () => {
        emu().configure({ fly: { timeToReadyMs: 0, timeToExtendMs: 0 } });
        const id = await createVolume(emu());
        const reply = await extend(id, 6);
        assert.deepEqual([reply.body.volume.state, reply.body.volume.size_gb], ["created", 6]);
        assert.equal((await call<FlyVolume>(emu(), "GET", `${volumesPath}/${id}`)).body.size_gb, 6);
    });

    it("refuses an extend to the same or a smaller size, or below one in progress, with 400 naming the size", async () => {
        const id = await createVolume(emu(), "demo", { size_gb: 4 });
        clock.advance(60);
        for (const size of [4, 2]) {
            const reply = await extend(id, size);
            assert.equal(reply.status, 400);
            assert.match(reply.body.error ?? "", /size must be greater than current size \(4GB\)/);
        }
        assert.equal((await extend(id, 501)).status, 400);
        assert.equal((await extend(id, 8)).status, 200);
        assert.match((await extend(id, 6)).body.error ?? "", /current size \(8GB\)/);
    });

    it("accepts an extend while the volume is still being made (Fly refuses none): the state goes on, the size grows", async () => {
        emu().configure({ fly: { timeToReadyMs: 80, timeToExtendMs: 20 } });
        const id = await createVolume(emu());
        const reply = await extend(id, 5);
        assert.equal(reply.status, 200);
        assert.deepEqual([reply.body.volume.state, reply.body.volume.size_gb], ["creating", 5]);
        clock.advance(40);
        const mid = await call<FlyVolume>(emu(), "GET", `${volumesPath}/${id}`);
        assert.deepEqual([mid.body.state, mid.body.size_gb], ["creating", 5]);
        clock.advance(60);
        assert.equal((await call<FlyVolume>(emu(), "GET", `${volumesPath}/${id}`)).body.state, "created");
    });

    it("reports needs_restart only when the needsRestart knob is on and a Machine holds the volume", async () => {
        const id = await createVolume(emu());
        clock.advance(60);
        emu().fly.attach("demo", id, "m_1");
        assert.equal((await extend(id, 6)).body.needs_restart, false, "off by default, even when attached");
        emu().configure({ fly: { needsRestart: true } });
        assert.equal((await extend(id, 7)).body.needs_restart, true);
        const free = await createVolume(emu(), "demo", { name: "free" });
        clock.advance(60);
        assert.equal((await extend(free, 6)).body.needs_restart, false, "no Machine to restart");
    });

    it("shows out-of-band growth from the resize hook at once", async () => {
        const id = await createVolume(emu());
        emu().fly.resize("demo", id, 9);
        assert.equal((await call<FlyVolume>(emu(), "GET", `${volumesPath}/${id}`)).body.size_gb, 9);
    });
});

describe("fly emulator: delete and soft delete", () => {
    const emu = useEmulator();

    it("soft-deletes: 200 `scheduling_destroy`, then `pending_destroy`, still listed, 404 on a second delete", async () => {
        const id = await createVolume(emu());
        const del = await call<FlyVolume>(emu(), "DELETE", `${volumesPath}/${id}`);
        assert.equal(del.status, 200);
        assert.equal(del.body.state, "scheduling_destroy");
        clock.advance(30);
        const list = await call<FlyVolume[]>(emu(), "GET", volumesPath);
        assert.deepEqual(
            list.body.map((v) => [v.id, v.state]),
            [[id, "pending_destroy"]],
        );
        const get = await call<FlyVolume>(emu(), "GET", `${volumesPath}/${id}`);
        assert.equal(get.status, 200);
        assert.equal(get.body.state, "pending_destroy");
        assert.equal((await call(emu(), "DELETE", `${volumesPath}/${id}`)).status, 404);
        assert.equal(emu().inventory().fly[0]?.state, "pending_destroy");
    });

    it('answers 404 for a soft-deleted id when softDeletedGet is "404", while the list keeps it', async () => {
        emu().configure({ fly: { softDeletedGet: "404" } });
        const id = await createVolume(emu());
        await call(emu(), "DELETE", `${volumesPath}/${id}`);
        assert.equal((await call(emu(), "GET", `${volumesPath}/${id}`)).status, 404);
        assert.equal((await call<FlyVolume[]>(emu(), "GET", volumesPath)).body.length, 1);
    });

    it("purges a soft-deleted volume after softDeleteRetentionMs", async () => {
        emu().configure({ fly: { softDeleteRetentionMs: 30 } });
        const id = await createVolume(emu());
        await call(emu(), "DELETE", `${volumesPath}/${id}`);
        clock.advance(40);
        assert.deepEqual((await call(emu(), "GET", volumesPath)).body, []);
        assert.equal((await call(emu(), "GET", `${volumesPath}/${id}`)).status, 404);
    });

    it("refuses to delete a bound volume with 412 naming the machine, and keeps refusing for detachLagMs", async () => {
        assert.equal(emu().knobs().fly.detachLagMs, 3_000, "a realistic lag by default (Fly: about a minute)");
        emu().configure({ fly: { detachLagMs: 80 } });
        const id = await createVolume(emu());
        emu().fly.attach("demo", id, "3d8d9e1c2b7e18");
        const bound = await call(emu(), "DELETE", `${volumesPath}/${id}`);
        assert.equal(bound.status, 412);
        assert.deepEqual(bound.body, { error: "failed_precondition: volume is currently bound to machine: 3d8d9e1c2b7e18" });

        emu().fly.detach("demo", id);
        assert.equal((await call<FlyVolume>(emu(), "GET", `${volumesPath}/${id}`)).body.attached_machine_id, "3d8d9e1c2b7e18");
        assert.equal((await call(emu(), "DELETE", `${volumesPath}/${id}`)).status, 412);
        clock.advance(100);
        assert.equal((await call<FlyVolume>(emu(), "GET", `${volumesPath}/${id}`)).body.attached_machine_id, null);
        assert.equal((await call(emu(), "DELETE", `${volumesPath}/${id}`)).status, 200);
    });

    it("deletes out of band with the destroy hook, and forces states with setState", async () => {
        const a = await createVolume(emu());
        const b = await createVolume(emu());
        emu().fly.attach("demo", a, "m_1");
        emu().fly.destroy("demo", a);
        emu().fly.setState("demo", b, "recovering");
        const states = (await call<FlyVolume[]>(emu(), "GET", volumesPath)).body.map((v) => v.state);
        assert.deepEqual(states, ["scheduling_destroy", "recovering"]);
    });

    it("migrates a host: a new id takes over the attachment and the old one is `pending_destroy`", async () => {
        const old = await createVolume(emu());
        clock.advance(60);
        emu().fly.attach("demo", old, "m_1");
        const fresh = emu().fly.migrateHost("demo", old);
        assert.notEqual(fresh, old);
        const byId = new Map(
            emu()
                .inventory()
                .fly.map((v) => [v.id, v]),
        );
        assert.equal(byId.get(old)?.state, "pending_destroy");
        assert.equal(byId.get(old)?.attached_machine_id, null);
        assert.equal(byId.get(fresh)?.name, "data");
        assert.equal(byId.get(fresh)?.attached_machine_id, "m_1");
    });
});

describe("fly emulator: listing", () => {
    const emu = useEmulator();

    it("lists the inventory sorted by app, then creation order, with the app on each record", async () => {
        const z = await createVolume(emu(), "zeta");
        const a1 = await createVolume(emu(), "alpha");
        const a2 = await createVolume(emu(), "alpha");
        assert.deepEqual(
            emu()
                .inventory()
                .fly.map((v) => [v.app, v.id]),
            [
                ["alpha", a1],
                ["alpha", a2],
                ["zeta", z],
            ],
        );
    });
});
