import { strict as assert } from "node:assert";
import { flyVolumeProvider } from "../../provider/fly/provider";
import { networkVolumeProvider } from "../../provider/neevcloud/provider";
import { useEmulator } from "./support";
import { present } from "../support/present";

/** Seeds volumes straight through the API (rate limit off), as another tool would have made them. */
async function post(url: string, token: string, body: unknown): Promise<{ id: string }> {
    const res = await fetch(url, {
        method: "POST",
        headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
        body: JSON.stringify(body),
    });
    const text = await res.text();
    assert.ok(res.ok, `seed: ${res.status} ${text}`);
    return JSON.parse(text) as { id: string };
}

let apps = 0;

describe("refresh at scale and ownership, against the emulator", function () {
    this.timeout(60_000);
    const flyLimit = { perSecond: 1, burst: 3 };
    const { emu } = useEmulator({ fly: { timeToReadyMs: 0, rateLimit: flyLimit }, neevcloud: { timeToBoundMs: 0 } });
    const fly = () =>
        emu()
            .requests()
            .filter((r) => r.cloud === "fly");
    const neev = () =>
        emu()
            .requests()
            .filter((r) => r.cloud === "neevcloud");

    it("200 concurrent Fly reads in one app share a few lists: 0 × 429, far fewer than 200 requests", async () => {
        const app = `reads${++apps}`;
        emu().configure({ fly: { rateLimit: false } });
        const url = `${process.env.FLY_API_URL}/v1/apps/${app}/volumes`;
        const ids: string[] = [];
        for (let i = 0; i < 200; i++) {
            ids.push((await post(url, process.env.FLY_API_TOKEN!, { name: `v${i}`, region: "iad", size_gb: 1 })).id);
        }
        emu().fly.destroy(app, present(ids[7]));
        emu().configure({ fly: { rateLimit: flyLimit } });
        emu().clearRequests();

        const missing = `${app}/vol_doesnotexist00`;
        const results = await Promise.all([
            ...ids.map((id) => flyVolumeProvider.read!(`${app}/${id}`, { app, region: "iad", sizeGb: 1 })),
            flyVolumeProvider.read!(missing, { app }),
        ]);
        assert.equal(results.filter((r) => r.id !== "").length, 199, "every live volume read back");
        assert.equal(results[7]?.id, "", "the destroyed one is gone");
        assert.equal(results[200]?.id, "", "one missing from the list is gone once a GET confirms it");
        const reqs = fly();
        assert.equal(reqs.filter((r) => r.status === 429).length, 0, "no 429");
        const lists = reqs.filter((r) => r.method === "GET" && r.path === `/v1/apps/${app}/volumes`).length;
        const gets = reqs.filter((r) => r.method === "GET" && r.path !== `/v1/apps/${app}/volumes`).map((r) => r.path);
        assert.ok(lists >= 1 && lists <= 3, `${lists} lists`);
        assert.deepEqual(gets, [`/v1/apps/${app}/volumes/vol_doesnotexist00`], "one GET, for the volume missing from the list");
        assert.ok(reqs.length <= 4, `${reqs.length} requests for 201 reads`);
    });

    it("a read in an app that no longer exists (the list answers 404) drops the volume after its GET says so", async () => {
        emu().configure({ fly: { apps: ["some-other-app"] } });
        const app = `gone${++apps}`;
        try {
            assert.deepEqual(await flyVolumeProvider.read!(`${app}/vol_abcdefgh12345678`, { app }), { id: "", props: {} });
        } finally {
            emu().configure({ fly: { apps: undefined } });
        }
        const paths = fly().map((r) => `${r.method} ${r.path} ${r.status}`);
        assert.deepEqual(paths, [`GET /v1/apps/${app}/volumes 404`, `GET /v1/apps/${app}/volumes/vol_abcdefgh12345678 404`]);
    });

    it("150 concurrent NeevCloud reads in one project share one list (two pages)", async () => {
        const org = "org-r";
        const project = `proj${++apps}`;
        const url = `${process.env.NEEVCLOUD_API_URL}/api/v1beta1/orgs/${org}/projects/${project}/volumes`;
        const ids: string[] = [];
        for (let i = 0; i < 150; i++) {
            const body = { name: `v${i}`, sizeGB: 1, regionID: "in-bom-1", volumeMode: "filesystem" };
            ids.push((await post(url, process.env.NEEVCLOUD_API_TOKEN!, body)).id);
        }
        emu().clearRequests();
        const results = await Promise.all(
            ids.map((id) => networkVolumeProvider.read!(`${org}/${project}/${id}`, { orgId: org, projectId: project })),
        );
        assert.equal(results.filter((r) => r.id !== "").length, 150);
        const reqs = neev();
        assert.ok(
            reqs.every((r) => r.method === "GET" && r.path.endsWith(`/projects/${project}/volumes`)),
            "lists only, no GET per volume",
        );
        assert.ok(reqs.length <= 4, `${reqs.length} requests for 150 reads`);
    });

    for (const [what, fault] of [
        ["a 503 that made nothing", { status: 503 }],
        ["a response lost after Fly made it", { loseResponse: true }],
    ] as const) {
        it(`a Fly create beside a stranger's same-named volume made a moment before never takes it: ${what}`, async () => {
            const app = `own${++apps}`;
            const stranger = await post(`${process.env.FLY_API_URL}/v1/apps/${app}/volumes`, process.env.FLY_API_TOKEN!, {
                name: "data",
                region: "iad",
                size_gb: 3,
            });
            emu().setFaults([{ cloud: "fly", method: "POST", ...fault }]);
            const { inputs } = await flyVolumeProvider.check({}, { app, region: "iad", sizeGb: 3, name: "data" });
            const { id } = await flyVolumeProvider.create(inputs);
            assert.notEqual(id, `${app}/${stranger.id}`, "the stranger's volume is never taken");
            const vols = emu()
                .inventory()
                .fly.map((v) => v.id);
            assert.ok(vols.includes(present(id.split("/")[1])));
            assert.equal(vols.length, 2, "no duplicate");
        });
    }

    it("a NeevCloud create after a 503 beside a stranger's same-named volume never takes it; the resend finds the name taken", async () => {
        const project = `own${++apps}`;
        const url = `${process.env.NEEVCLOUD_API_URL}/api/v1beta1/orgs/org-o/projects/${project}/volumes`;
        const stranger = await post(url, process.env.NEEVCLOUD_API_TOKEN!, {
            name: "data",
            sizeGB: 1,
            regionID: "in-bom-1",
            volumeMode: "filesystem",
        });
        emu().setFaults([{ cloud: "neevcloud", method: "POST", status: 503 }]);
        const { inputs } = await networkVolumeProvider.check(
            {},
            { orgId: "org-o", projectId: project, regionId: "in-bom-1", sizeGb: 1, name: "data", volumeMode: "filesystem" },
        );
        const err = await networkVolumeProvider.create(inputs).then(
            () => assert.fail("took a volume"),
            (e: Error & { id?: string }) => e,
        );
        assert.equal(err.id, undefined, "no partial state: nothing of ours was made");
        assert.match(err.message, /already exists/);
        assert.deepEqual(
            emu()
                .inventory()
                .neevcloud.map((v) => v.id),
            [stranger.id],
        );
    });

    it("request counts with the cloud ready at once: Fly create and read, NeevCloud create and read", async () => {
        const app = `count${++apps}`;
        emu().clearRequests();
        const { inputs } = await flyVolumeProvider.check({}, { app, region: "iad", sizeGb: 3, name: "data" });
        const made = await flyVolumeProvider.create(inputs);
        const flyCreate = fly().map((r) => `${r.method} ${r.status}`);
        emu().clearRequests();
        await flyVolumeProvider.read!(made.id, made.outs);
        const flyRead = fly().length;

        emu().clearRequests();
        const neevInputs = (
            await networkVolumeProvider.check(
                {},
                { orgId: "org-c", projectId: `p${apps}`, regionId: "in-bom-1", sizeGb: 1, name: "data", volumeMode: "filesystem" },
            )
        ).inputs;
        const neevMade = await networkVolumeProvider.create(neevInputs);
        const neevCreate = neev().map((r) => `${r.method} ${r.status}`);
        emu().clearRequests();
        await networkVolumeProvider.read!(neevMade.id, neevMade.outs);
        const neevRead = neev().length;
        console.log(
            `      requests: fly create ${flyCreate.join(", ")}; fly read ${flyRead}; ` +
                `neevcloud create ${neevCreate.join(", ")}; neevcloud read ${neevRead}`,
        );
        // The snapshot list and the POST: with a 0 ms ready time the emulators answer the create
        // 'created'/'bound' at once, so no poll follows.
        assert.deepEqual(flyCreate, ["GET 200", "POST 200"]);
        assert.equal(flyRead, 1);
        assert.deepEqual(neevCreate, ["GET 200", "POST 201", "GET 200"]);
        assert.equal(neevRead, 1);
    });
});
