/** The NeevCloud network volumes emulator: list paging and filters, test hooks, inventory, faults, rate limits. */
import { strict as assert } from "node:assert";
import type { NeevErrorBody, NeevListResponse } from "../../emulator/neevcloud";
import { clock, useEmulator } from "./helpers";
import { create, createBody, fast, get, instance, neev, testOrg, testProject, settle, uuidShape, volumesPath } from "./neevHelpers";

describe("neevcloud emulator: list", () => {
    const emu = useEmulator({ neevcloud: fast });

    it("pages by number in creation order with accurate totals; default limit 20", async () => {
        for (let i = 0; i < 23; i++) await create(emu(), { name: `v${String(i).padStart(2, "0")}` });
        await create(emu(), { name: "elsewhere" }, `/api/v1beta1/orgs/${testOrg}/projects/other/volumes`);
        const first = (await neev<NeevListResponse>(emu(), "GET", volumesPath)).body;
        assert.equal(first.volumes.length, 20);
        assert.deepEqual(first.pagination, { current_page: 1, items_per_page: 20, total_items: 23, total_pages: 2 });
        const second = (await neev<NeevListResponse>(emu(), "GET", `${volumesPath}?page=2`)).body;
        assert.deepEqual(
            second.volumes.map((v) => v.name),
            ["v20", "v21", "v22"],
        );
        const names: string[] = [];
        for (let page = 1; page <= 5; page++) {
            const body = (await neev<NeevListResponse>(emu(), "GET", `${volumesPath}?page=${page}&limit=5`)).body;
            assert.deepEqual(body.pagination, { current_page: page, items_per_page: 5, total_items: 23, total_pages: 5 });
            names.push(...body.volumes.map((v) => v.name));
        }
        assert.deepEqual(
            names,
            Array.from({ length: 23 }, (_, i) => `v${String(i).padStart(2, "0")}`),
        );
        const past = (await neev<NeevListResponse>(emu(), "GET", `${volumesPath}?page=9&limit=100`)).body;
        assert.deepEqual(past, { volumes: [], pagination: { current_page: 9, items_per_page: 100, total_items: 23, total_pages: 1 } });
    });

    it("an empty project: no volumes, total_pages 0", async () => {
        const body = (await neev<NeevListResponse>(emu(), "GET", volumesPath)).body;
        assert.deepEqual(body, { volumes: [], pagination: { current_page: 1, items_per_page: 20, total_items: 0, total_pages: 0 } });
    });

    it("available=true lists only bound volumes, with totals to match", async () => {
        const a = await create(emu(), { name: "a" });
        clock.advance(settle);
        emu().configure({ neevcloud: { timeToBoundMs: 60_000 } });
        await create(emu(), { name: "b" });
        const c = await create(emu(), { name: "c" });
        emu().neevcloud.setStatus(testOrg, testProject, c.id, "failed");
        const body = (await neev<NeevListResponse>(emu(), "GET", `${volumesPath}?available=true&limit=1`)).body;
        assert.deepEqual(
            body.volumes.map((v) => v.id),
            [a.id],
        );
        assert.deepEqual(body.pagination, { current_page: 1, items_per_page: 1, total_items: 1, total_pages: 1 });
        assert.equal((await neev<NeevListResponse>(emu(), "GET", `${volumesPath}?available=false`)).body.volumes.length, 3);
    });

    it("refuses page < 1, limit outside 1–100 and a non-boolean available with 400", async () => {
        for (const query of ["page=0", "page=-1", "page=1.5", "page=x", "limit=0", "limit=101", "limit=ten", "available=maybe"]) {
            const reply = await neev<NeevErrorBody>(emu(), "GET", `${volumesPath}?${query}`);
            assert.deepEqual([reply.status, reply.body.code], [400, "INVALID_ARGUMENT"], query);
        }
        for (const query of ["limit=1", "limit=100", "available=1", "available=FALSE", "other=ignored"]) {
            assert.equal((await neev(emu(), "GET", `${volumesPath}?${query}`)).status, 200, query);
        }
    });
});

describe("neevcloud emulator: hooks, inventory, faults and rate limits", () => {
    const emu = useEmulator({ neevcloud: fast });

    it("setStatus forces a status and cancels the pending one; terminated set this way sticks", async () => {
        const v = await create(emu());
        emu().neevcloud.setStatus(testOrg, testProject, v.id, "failed");
        clock.advance(settle);
        assert.equal((await get(emu(), v.id)).body.status, "failed");
        emu().neevcloud.setStatus(testOrg, testProject, v.id, "terminated");
        clock.advance(10);
        assert.equal((await get(emu(), v.id)).body.status, "terminated");
        assert.throws(() => emu().neevcloud.setStatus(testOrg, testProject, v.id, "gone" as never), /unknown status/);
    });

    it("destroy deletes out of band, attachments or not; hooks throw for an unknown volume", async () => {
        const v = await create(emu(), { attachedTo: [instance] });
        emu().neevcloud.destroy(testOrg, testProject, v.id);
        assert.equal((await get(emu(), v.id)).status, 404);
        emu().configure({ neevcloud: { terminatedRetentionMs: 60_000 } });
        const w = await create(emu(), { name: "w" });
        emu().neevcloud.destroy(testOrg, testProject, w.id);
        const gone = (await get(emu(), w.id)).body;
        assert.deepEqual([gone.status, gone.volumeAttachments], ["terminated", []]);
        assert.throws(() => emu().neevcloud.attach(testOrg, testProject, w.id), /terminated/);
        for (const hook of [
            () => emu().neevcloud.attach(testOrg, testProject, v.id),
            () => emu().neevcloud.detach(testOrg, testProject, "nope"),
            () => emu().neevcloud.setStatus("other", testProject, w.id, "bound"),
            () => emu().neevcloud.destroy(testOrg, "other", w.id),
        ]) {
            assert.throws(hook, /neevcloud emulator: no volume/);
        }
    });

    it("inventory: wire-shaped records, terminated ones included, sorted by org, project, creation; reset forgets them", async () => {
        emu().configure({ neevcloud: { timeToBoundMs: 60_000 } }); // nothing changes between the inventory and the GET
        await create(emu(), { name: "z1" }, "/api/v1beta1/orgs/b-org/projects/p/volumes");
        await create(emu(), { name: "y1" }, "/api/v1beta1/orgs/a-org/projects/q/volumes");
        await create(emu(), { name: "y2" }, "/api/v1beta1/orgs/a-org/projects/p/volumes");
        await create(emu(), { name: "y3" }, "/api/v1beta1/orgs/a-org/projects/q/volumes");
        const inventory = emu().inventory().neevcloud;
        assert.deepEqual(
            inventory.map((v) => `${v.orgID}/${v.projectID}/${v.name}`),
            ["a-org/p/y2", "a-org/q/y1", "a-org/q/y3", "b-org/p/z1"],
        );
        const fetched = (await neev(emu(), "GET", `/api/v1beta1/orgs/a-org/projects/p/volumes/${inventory[0]?.id}`)).body;
        assert.deepEqual(inventory[0], fetched);
        emu().reset();
        assert.deepEqual(emu().inventory().neevcloud, []);
    });

    it("faults apply to it: injected status with its error body and request id, drop, faults before auth", async () => {
        emu().setFaults([{ cloud: "neevcloud", path: `/storage${volumesPath}`, status: 503, retryAfter: 2 }]);
        const injected = await neev<NeevErrorBody>(emu(), "GET", volumesPath, { auth: null });
        assert.equal(injected.status, 503);
        assert.equal(injected.headers.get("retry-after"), "2");
        assert.match(injected.headers.get("x-request-id") ?? "", uuidShape);
        assert.equal(injected.body.code, "UNAVAILABLE");
        assert.match(injected.body.message, /injected fault/);
        emu().setFaults([{ cloud: "neevcloud", status: 500 }]);
        assert.equal((await neev<NeevErrorBody>(emu(), "GET", volumesPath)).body.code, "INTERNAL");
        emu().setFaults([{ cloud: "neevcloud", method: "POST", drop: true }]);
        await assert.rejects(neev(emu(), "POST", volumesPath, { body: createBody() }));
        assert.deepEqual(emu().inventory().neevcloud, []);
        emu().setFaults([{ cloud: "neevcloud", method: "POST", loseResponse: true }]);
        await assert.rejects(neev(emu(), "POST", volumesPath, { body: createBody() }));
        assert.equal(emu().inventory().neevcloud.length, 1);
        emu().setFaults([{ cloud: "fly", status: 500, times: Infinity }]);
        assert.equal((await neev(emu(), "GET", volumesPath)).status, 200);
        assert.deepEqual(
            emu()
                .requests()
                .map((r) => [r.cloud, r.status, r.fault]),
            [
                ["neevcloud", 503, "status 503"],
                ["neevcloud", 500, "status 500"],
                ["neevcloud", 0, "drop"],
                ["neevcloud", 201, "loseResponse"],
                ["neevcloud", 200, undefined],
            ],
        );
    });

    it("no rate limit by default; the rateLimit knob answers 429 RATE_LIMITED per (org, project, action)", async () => {
        for (let i = 0; i < 30; i++) assert.equal((await neev(emu(), "GET", volumesPath)).status, 200);
        emu().configure({ neevcloud: { rateLimit: { perSecond: 0.001, burst: 2 }, retryAfterOn429: 3 } });
        const statuses: number[] = [];
        for (let i = 0; i < 3; i++) statuses.push((await neev(emu(), "GET", volumesPath)).status);
        assert.deepEqual(statuses, [200, 200, 429]);
        const limited = await neev<NeevErrorBody>(emu(), "GET", volumesPath);
        assert.deepEqual([limited.body.code, limited.headers.get("retry-after")], ["RATE_LIMITED", "3"]);
        assert.equal((await neev(emu(), "GET", `/api/v1beta1/orgs/${testOrg}/projects/other/volumes`)).status, 200);
        assert.equal((await neev(emu(), "POST", volumesPath, { body: createBody() })).status, 201);
    });
});
