/**
 * The NeevCloud network volumes emulator: wiring, auth, routes, validation, states, extend lag, in-use
 * delete, retention. (List, hooks, faults: neevcloudListHooks.test.ts.)
 */
import { strict as assert } from "node:assert";
import { startEmulator } from "../../emulator";
import { neevcloudCloud, type NeevErrorBody, type NeevListResponse } from "../../emulator/neevcloud";
import { clock, runCli, useEmulator } from "./helpers";
import { create, createBody, fast, get, instance, neev, testOrg, testProject, settle, uuidShape, volumesPath } from "./neevHelpers";

describe("neevcloud emulator: wiring", () => {
    it("serves under /storage; exports NEEVCLOUD_API_URL (with /storage), the token, and an org and project it serves", async () => {
        const emu = await startEmulator({ token: "emulator-neev" });
        try {
            assert.match(emu.urls.neevcloud, /^http:\/\/127\.0\.0\.1:\d+\/storage$/);
            assert.equal(emu.env["NEEVCLOUD_API_URL"], emu.urls.neevcloud);
            assert.equal(emu.env["NEEVCLOUD_API_TOKEN"], "emulator-neev");
            assert.deepEqual(
                Object.keys(emu.env)
                    .filter((k) => k.startsWith("NEEVCLOUD_"))
                    .sort(),
                ["NEEVCLOUD_API_TOKEN", "NEEVCLOUD_API_URL", "NEEVCLOUD_ORG_ID", "NEEVCLOUD_PROJECT_ID"],
            );
            const org = emu.env["NEEVCLOUD_ORG_ID"] ?? "";
            const project = emu.env["NEEVCLOUD_PROJECT_ID"] ?? "";
            const list = await neev(emu, "GET", `/api/v1beta1/orgs/${org}/projects/${project}/volumes`);
            assert.equal(list.status, 200);
            const knobs = emu.knobs().neevcloud;
            assert.deepEqual(knobs, {
                timeToBoundMs: 500,
                createOutcome: "bound",
                timeToExtendMs: 500,
                extendOutcome: "succeeded",
                terminatedRetentionMs: 0,
                uniqueNames: true,
                planId: "plan-standard",
                rateLimit: false,
            });
        } finally {
            await emu.close();
        }
    });

    it("maps the CLI's common flags to its knobs", () => {
        assert.deepEqual(neevcloudCloud.fromCommonOptions({ readyMs: 7, extendMs: 9, noRateLimit: true }), {
            timeToBoundMs: 7,
            timeToExtendMs: 9,
            rateLimit: false,
        });
        assert.deepEqual(neevcloudCloud.fromCommonOptions({}), {});
    });

    it("the CLI prints the NEEVCLOUD export lines and the URL serves the API", async function () {
        this.timeout(15_000);
        const { lines, stop } = await runCli(["--token", "emulator-cli", "--ready-ms", "10"]);
        assert.ok(lines.includes("export NEEVCLOUD_API_TOKEN=emulator-cli"), lines.join("\n"));
        const urlLine = lines.find((l) => l.startsWith("export NEEVCLOUD_API_URL=")) ?? "";
        assert.match(urlLine, /^export NEEVCLOUD_API_URL=http:\/\/127\.0\.0\.1:\d+\/storage$/);
        const res = await fetch(`${urlLine.slice("export NEEVCLOUD_API_URL=".length)}${volumesPath}`, {
            headers: { authorization: "Bearer emulator-cli" },
        });
        assert.equal(res.status, 200);
        await res.text();
        assert.equal(await stop(), 0);
    });
});

describe("neevcloud emulator: auth, routes and errors", () => {
    const emu = useEmulator({ neevcloud: fast });

    it("accepts only `Bearer <token>` (scheme case-insensitive); anything else is 401 {code, message}", async () => {
        const t = emu().token;
        assert.equal((await neev(emu(), "GET", volumesPath, { auth: `bearer ${t}` })).status, 200);
        for (const auth of [null, `Bearer ${t}x`, `Basic ${t}`, t, "Bearer "]) {
            const reply = await neev<NeevErrorBody>(emu(), "GET", volumesPath, { auth });
            assert.equal(reply.status, 401, String(auth));
            assert.deepEqual(Object.keys(reply.body).sort(), ["code", "message"]);
            assert.equal(reply.body.code, "UNAUTHORIZED");
        }
        const log = emu().requests();
        assert.deepEqual(
            log.map((r) => r.authScheme),
            ["Bearer", "none", "Bearer", "Basic", "malformed", "malformed"],
        );
        assert.ok(!JSON.stringify(log).includes(t));
    });

    it("sends a unique x-request-id on every response, errors included, and logs it", async () => {
        const replies = [
            await neev(emu(), "GET", volumesPath),
            await neev(emu(), "GET", volumesPath, { auth: null }),
            await neev(emu(), "GET", "/nope"),
        ];
        const ids = replies.map((r) => r.headers.get("x-request-id"));
        for (const id of ids) assert.match(id ?? "", uuidShape);
        assert.equal(new Set(ids).size, 3);
        assert.deepEqual(
            emu()
                .requests()
                .map((r) => r.requestId),
            ids,
        );
    });

    it("answers 404 NOT_FOUND off the spec's routes, for a non-uuid id and for another project's volume", async () => {
        const v = await create(emu());
        const paths: [string, string][] = [
            ["GET", "/api/v1beta1/orgs/o/projects/p"],
            ["GET", `/api/v1/orgs/${testOrg}/projects/${testProject}/volumes`],
            ["PUT", `${volumesPath}/${v.id}`],
            ["PATCH", `${volumesPath}/${v.id}`],
            ["GET", `${volumesPath}/not-a-uuid`],
            ["DELETE", `${volumesPath}/not-a-uuid`],
            ["POST", `${volumesPath}/not-a-uuid/extend`],
            ["GET", `/api/v1beta1/orgs/${testOrg}/projects/other/volumes/${v.id}`],
            ["GET", `/api/v1beta1/orgs/other/projects/${testProject}/volumes/${v.id}`],
            ["GET", `${volumesPath}/00000000-0000-4000-8000-000000000000`],
        ];
        for (const [method, path] of paths) {
            const reply = await neev<NeevErrorBody>(emu(), method, path);
            assert.equal(reply.status, 404, `${method} ${path}`);
            assert.equal(reply.body.code, "NOT_FOUND");
        }
        const outside = await fetch(`${new URL(emu().urls.neevcloud).origin}${volumesPath}`, {
            headers: { authorization: `Bearer ${emu().token}` },
        });
        assert.equal(outside.status, 404, "the API lives only under /storage");
        assert.equal((await get(emu(), v.id.toUpperCase())).status, 200, "uuids compare case-insensitively");
    });

    it("validates the create body: 400 INVALID_ARGUMENT naming the field", async () => {
        const cases: [Record<string, unknown>, string][] = [
            [{ sizeGB: 0 }, "sizeGB"],
            [{ sizeGB: 1001 }, "sizeGB"],
            [{ sizeGB: 2.5 }, "sizeGB"],
            [{ sizeGB: "10" }, "sizeGB"],
            [{ sizeGB: undefined }, "sizeGB"],
            [{ regionID: undefined }, "regionID"],
            [{ regionID: "" }, "regionID"],
            [{ regionID: 5 }, "regionID"],
            [{ volumeMode: undefined }, "volumeMode"],
            [{ volumeMode: "ssd" }, "volumeMode"],
            [{ name: 5 }, "name"],
            [{ mountPath: false }, "mountPath"],
            [{ attachedTo: {} }, "attachedTo"],
            [{ attachedTo: [{ ...instance, instance_id: "nope" }] }, "attachedTo[0].instance_id"],
            [{ attachedTo: [{ instance_id: instance.instance_id, instance_name: "a" }] }, "attachedTo[0].instance_type"],
        ];
        for (const [overrides, field] of cases) {
            const reply = await neev<NeevErrorBody>(emu(), "POST", volumesPath, { body: createBody(overrides) });
            assert.equal(reply.status, 400, JSON.stringify(overrides));
            assert.equal(reply.body.code, "INVALID_ARGUMENT");
            assert.deepEqual(reply.body.details, { field }, JSON.stringify(overrides));
        }
        for (const rawBody of ["", "{nope", "[1]"]) {
            assert.equal((await neev(emu(), "POST", volumesPath, { rawBody })).status, 400, rawBody);
        }
        assert.deepEqual(emu().inventory().neevcloud, []);
        // The spec does not close its schemas: unknown fields are accepted and ignored.
        const v = await create(emu(), { tier: "gold", sizeGB: 1000 });
        assert.equal((v as unknown as Record<string, unknown>)["tier"], undefined);
        assert.equal(v.sizeGB, 1000);
    });

    it("refuses a region not in the `regions` knob", async () => {
        emu().configure({ neevcloud: { regions: ["in-bom-1"] } });
        await create(emu());
        const reply = await neev<NeevErrorBody>(emu(), "POST", volumesPath, { body: createBody({ name: "b", regionID: "us-east-1" }) });
        assert.deepEqual([reply.status, reply.body.code, reply.body.details], [400, "INVALID_ARGUMENT", { field: "regionID" }]);
    });
});

describe("neevcloud emulator: volume life cycle", () => {
    const emu = useEmulator({ neevcloud: fast });

    it("create answers 201 pending with server fields, then reads bound after timeToBoundMs", async () => {
        const before = clock.now();
        const v = await create(emu(), { mountPath: "/mnt/data" });
        assert.match(v.id, uuidShape);
        assert.deepEqual(
            [v.name, v.orgID, v.projectID, v.regionID, v.sizeGB, v.volumeMode, v.planID, v.status],
            ["data", testOrg, testProject, "in-bom-1", 10, "filesystem", "plan-standard", "pending"],
        );
        assert.equal(v.extension_status, undefined);
        assert.equal(v.actual_sizeGB, undefined);
        assert.deepEqual([v.airuntime_instances, v.volumeAttachments], [[], []]);
        assert.ok(Date.parse(v.createdAt) === before && v.updatedAt === v.createdAt);
        assert.equal((await get(emu(), v.id)).body.status, "pending");
        clock.advance(settle);
        const bound = (await get(emu(), v.id)).body;
        assert.equal(bound.status, "bound");
        assert.ok(Date.parse(bound.updatedAt) > Date.parse(bound.createdAt));
    });

    it("createOutcome failed: pending → failed", async () => {
        emu().configure({ neevcloud: { createOutcome: "failed" } });
        const v = await create(emu());
        clock.advance(settle);
        assert.equal((await get(emu(), v.id)).body.status, "failed");
    });

    it("generates a pvc-<8 hex> name when none (or an empty one) is given", async () => {
        const a = await create(emu(), { name: undefined });
        const b = await create(emu(), { name: "" });
        assert.match(a.name, /^pvc-[0-9a-f]{8}$/);
        assert.match(b.name, /^pvc-[0-9a-f]{8}$/);
        assert.notEqual(a.name, b.name);
    });

    it("names are unique per (org, project) among non-terminated volumes, unless uniqueNames is off", async () => {
        const first = await create(emu());
        const dup = await neev<NeevErrorBody>(emu(), "POST", volumesPath, { body: createBody() });
        assert.deepEqual([dup.status, dup.body.code], [400, "ALREADY_EXISTS"]);
        await create(emu(), {}, `/api/v1beta1/orgs/${testOrg}/projects/other/volumes`);
        await create(emu(), {}, `/api/v1beta1/orgs/other/projects/${testProject}/volumes`);
        emu().configure({ neevcloud: { terminatedRetentionMs: 60_000 } });
        assert.equal((await neev(emu(), "DELETE", `${volumesPath}/${first.id}`)).status, 204);
        assert.equal((await get(emu(), first.id)).body.status, "terminated");
        const again = await create(emu());
        assert.notEqual(again.id, first.id);
        emu().configure({ neevcloud: { uniqueNames: false } });
        await create(emu());
    });

    it("attachedTo at create shows as airuntime_instances and as mounted airuntime volumeAttachments", async () => {
        const v = await create(emu(), { mountPath: "/mnt/data", attachedTo: [instance] });
        assert.deepEqual(v.airuntime_instances, [instance]);
        assert.equal(v.volumeAttachments.length, 1);
        const [a] = v.volumeAttachments;
        assert.match(a?.id ?? "", uuidShape);
        assert.deepEqual(
            [a?.volume_id, a?.resource_type, a?.resource_id, a?.resource_name, a?.mount_path, a?.status],
            [v.id, "airuntime", instance.instance_id, "rt-1", "/mnt/data", "mounted"],
        );
    });

    it("extend: 400 unless bound; 202 resizing with the old size; the new size only after timeToExtendMs", async () => {
        const v = await create(emu());
        const early = await neev<NeevErrorBody>(emu(), "POST", `${volumesPath}/${v.id}/extend`, { body: { sizeGB: 20 } });
        assert.deepEqual([early.status, early.body.code], [400, "FAILED_PRECONDITION"]);
        assert.match(early.body.message, /cannot be extended in its current state \(pending\)/);
        clock.advance(settle);
        const queued = await neev(emu(), "POST", `${volumesPath}/${v.id}/extend`, { body: { sizeGB: 20 } });
        assert.equal(queued.status, 202);
        assert.deepEqual(
            [queued.body.extension_status, queued.body.sizeGB, queued.body.actual_sizeGB, queued.body.status],
            ["resizing", 10, 10, "bound"],
        );
        const again = await neev<NeevErrorBody>(emu(), "POST", `${volumesPath}/${v.id}/extend`, { body: { sizeGB: 30 } });
        assert.deepEqual([again.status, again.body.code], [400, "FAILED_PRECONDITION"]);
        assert.equal((await get(emu(), v.id)).body.sizeGB, 10);
        clock.advance(settle);
        const done = (await get(emu(), v.id)).body;
        assert.deepEqual([done.extension_status, done.sizeGB, done.actual_sizeGB], ["succeeded", 20, 20]);
        // No maximum on extend (the 1000 GB cap is on create only).
        assert.equal((await neev(emu(), "POST", `${volumesPath}/${v.id}/extend`, { body: { sizeGB: 5000 } })).status, 202);
    });

    it("extend: 400 when the size is not greater or not an integer ≥ 1; 404 for an unknown id before the body", async () => {
        const v = await create(emu());
        clock.advance(settle);
        for (const body of [{ sizeGB: 10 }, { sizeGB: 5 }, { sizeGB: 0 }, { sizeGB: 12.5 }, { sizeGB: "20" }, {}]) {
            const reply = await neev<NeevErrorBody>(emu(), "POST", `${volumesPath}/${v.id}/extend`, { body });
            assert.deepEqual([reply.status, reply.body.code], [400, "INVALID_ARGUMENT"], JSON.stringify(body));
        }
        const unknown = await neev(emu(), "POST", `${volumesPath}/00000000-0000-4000-8000-000000000000/extend`, { rawBody: "{" });
        assert.equal(unknown.status, 404);
    });

    it("extendOutcome failed: extension_status failed, size unchanged; a later extend may succeed", async () => {
        emu().configure({ neevcloud: { extendOutcome: "failed" } });
        const v = await create(emu());
        clock.advance(settle);
        assert.equal((await neev(emu(), "POST", `${volumesPath}/${v.id}/extend`, { body: { sizeGB: 20 } })).status, 202);
        clock.advance(settle);
        const failed = (await get(emu(), v.id)).body;
        assert.deepEqual([failed.extension_status, failed.sizeGB, failed.actual_sizeGB, failed.status], ["failed", 10, 10, "bound"]);
        emu().configure({ neevcloud: { extendOutcome: "succeeded" } });
        assert.equal((await neev(emu(), "POST", `${volumesPath}/${v.id}/extend`, { body: { sizeGB: 20 } })).status, 202);
        clock.advance(settle);
        assert.equal((await get(emu(), v.id)).body.sizeGB, 20);
    });

    it("delete: 204 without a body, then 404 everywhere", async () => {
        const v = await create(emu());
        const reply = await neev(emu(), "DELETE", `${volumesPath}/${v.id}`);
        assert.equal(reply.status, 204);
        assert.equal(reply.text, "");
        assert.equal(reply.headers.get("content-type"), null);
        assert.equal(reply.headers.get("content-length"), null);
        assert.equal((await get(emu(), v.id)).status, 404);
        assert.equal((await neev(emu(), "DELETE", `${volumesPath}/${v.id}`)).status, 404);
        assert.deepEqual(emu().inventory().neevcloud, []);
    });

    it("delete of a volume in use: 400 VOLUME_IN_USE until detached", async () => {
        const v = await create(emu(), { attachedTo: [instance] });
        const refused = await neev<NeevErrorBody>(emu(), "DELETE", `${volumesPath}/${v.id}`);
        assert.deepEqual([refused.status, refused.body.code], [400, "VOLUME_IN_USE"]);
        assert.match(refused.body.message, /cannot be deleted because it is in use by airuntime rt-1/);
        emu().neevcloud.detach(testOrg, testProject, v.id);
        const attachmentId = emu().neevcloud.attach(testOrg, testProject, v.id, {
            resourceType: "vm",
            resourceName: "box",
            mountPath: "/data",
        });
        const mounted = (await get(emu(), v.id)).body;
        assert.deepEqual(mounted.airuntime_instances, []);
        assert.deepEqual(
            mounted.volumeAttachments.map((a) => [a.id, a.resource_type, a.resource_name, a.mount_path, a.status]),
            [[attachmentId, "vm", "box", "/data", "mounted"]],
        );
        assert.match((await neev<NeevErrorBody>(emu(), "DELETE", `${volumesPath}/${v.id}`)).body.message, /in use by vm box/);
        emu().neevcloud.detach(testOrg, testProject, v.id);
        emu().neevcloud.attach(testOrg, testProject, v.id, { status: "unmounted" });
        assert.equal((await neev(emu(), "DELETE", `${volumesPath}/${v.id}`)).status, 204, "an unmounted attachment does not hold it");
    });

    it("terminatedRetentionMs: a deleted volume reads terminated (GET and list, not available) for that long, then 404", async () => {
        emu().configure({ neevcloud: { terminatedRetentionMs: 200 } });
        const v = await create(emu());
        clock.advance(settle);
        assert.equal((await neev(emu(), "DELETE", `${volumesPath}/${v.id}`)).status, 204);
        assert.equal((await get(emu(), v.id)).body.status, "terminated");
        assert.deepEqual(
            (await neev<NeevListResponse>(emu(), "GET", volumesPath)).body.volumes.map((x) => x.status),
            ["terminated"],
        );
        assert.equal((await neev<NeevListResponse>(emu(), "GET", `${volumesPath}?available=true`)).body.volumes.length, 0);
        assert.equal((await neev(emu(), "DELETE", `${volumesPath}/${v.id}`)).status, 404, "deleting it again: already gone");
        assert.equal((await neev(emu(), "POST", `${volumesPath}/${v.id}/extend`, { body: { sizeGB: 20 } })).status, 400);
        assert.equal(emu().inventory().neevcloud[0]?.status, "terminated");
        clock.advance(220);
        assert.equal((await get(emu(), v.id)).status, 404);
        assert.deepEqual(emu().inventory().neevcloud, []);
    });
});
