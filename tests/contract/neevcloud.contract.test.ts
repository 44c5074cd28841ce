/**
 * The NeevCloud contract: the client (provider/neevcloud) and the emulator
 * (emulator/neevcloud) both held to the normative OpenAPI document
 * (tests/contract/neevcloud-network-volumes.openapi.json, a verbatim copy of
 * tests/contract/neevcloud-network-volumes.openapi.json).
 *
 * A realistic session runs through the real client and provider against the
 * emulator, through a capturing proxy (real HTTP on both sides). Every request
 * must be a spec operation with conforming path/query parameters, bearer auth
 * and body; every response a declared status with a conforming body (204: none).
 * Deliberately invalid requests are marked as probes: only their responses are
 * held to the spec (and the validator must find their requests invalid).
 * neevcloud-wire.contract.test.ts holds the client's zod schemas to the spec.
 */
import { strict as assert } from "node:assert";
import { startEmulator, type Emulator } from "../../emulator";
import { setStackConfig } from "../../provider/core/config";
import { Deadline } from "../../provider/core/deadline";
import { ApiError } from "../../provider/core/errors";
import { closeAllPools } from "../../provider/core/transport";
import { NeevcloudClient } from "../../provider/neevcloud/client";
import { networkVolumeProvider as p } from "../../provider/neevcloud/provider";
import type { NetworkVolumeOutputs } from "../../provider/neevcloud/schema";
import { probeHeader, startCaptureProxy, type CaptureProxy, type Exchange } from "./capture";
import { conformanceReport, exchangeProblems, neevcloudSpec } from "./openapi";
import { sample } from "./zodMirror";

const { doc, spec } = neevcloudSpec();

const contractOrg = "org-contract";
const contractProject = "proj-contract";
const volumesPath = `/api/v1beta1/orgs/${contractOrg}/projects/${contractProject}/volumes`;
const scope = { orgId: contractOrg, projectId: contractProject };
const deadline = (): Deadline => Deadline.in(30, "read");

const problemsOf = (ex: Exchange): string[] => exchangeProblems(spec, ex);
const report = (exchanges: readonly Exchange[]): string[] => conformanceReport(spec, exchanges);

describe("neevcloud contract: client and emulator against the OpenAPI spec", function () {
    this.timeout(30_000);
    let emu: Emulator;
    let proxy: CaptureProxy;
    let apiUrl: string;
    let checked = 0;
    const saved: Record<string, string | undefined> = {};

    /** Fail with every problem in the exchanges since the last call. */
    const assertConforms = (): void => {
        const all = proxy.exchanges();
        const fresh = all.slice(checked);
        checked = all.length;
        const lines = report(fresh);
        if (lines.length > 0) assert.fail(`exchanges that do not conform to the spec:\n${lines.join("\n")}`);
    };

    /** A raw request through the proxy (`probe` marks one the spec forbids). */
    const raw = async (
        method: string,
        path: string,
        opts: { body?: unknown; rawBody?: string; auth?: string | null; probe?: boolean } = {},
    ): Promise<{ status: number; body: Record<string, unknown> | undefined }> => {
        const headers: Record<string, string> = {};
        const auth = opts.auth === undefined ? `Bearer ${emu.token}` : opts.auth;
        if (auth !== null) headers["authorization"] = auth;
        if (opts.probe) headers[probeHeader] = "1";
        const payload = opts.rawBody ?? (opts.body !== undefined ? JSON.stringify(opts.body) : undefined);
        if (payload !== undefined) headers["content-type"] = "application/json";
        const res = await fetch(`${apiUrl}${path}`, { method, headers, body: payload });
        const text = await res.text();
        return { status: res.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : undefined };
    };

    const client = (): NeevcloudClient => new NeevcloudClient(apiUrl, emu.token);
    const inputs = async (extra: Record<string, unknown> = {}) => {
        const news = { orgId: contractOrg, projectId: contractProject, regionId: "in-bom-1", sizeGb: 10, name: "train-data", ...extra };
        const { inputs: checkedInputs, failures } = await p.check({}, news);
        assert.deepEqual(failures, []);
        return checkedInputs;
    };
    const rejection = async (promise: Promise<unknown>): Promise<ApiError> => {
        try {
            await promise;
        } catch (err) {
            if (err instanceof ApiError) return err;
            throw err;
        }
        throw new Error("expected an ApiError");
    };

    before(async () => {
        emu = await startEmulator({ knobs: { neevcloud: { timeToBoundMs: 100, timeToExtendMs: 200 } } });
        proxy = await startCaptureProxy(new URL(emu.urls.neevcloud).origin);
        apiUrl = proxy.url + spec.basePath;
        for (const [k, v] of Object.entries({ NEEVCLOUD_API_URL: apiUrl, NEEVCLOUD_API_TOKEN: emu.token })) {
            saved[k] = process.env[k];
            process.env[k] = v;
        }
        setStackConfig(undefined);
    });

    after(async () => {
        for (const [k, v] of Object.entries(saved)) {
            if (v === undefined) delete process.env[k];
            else process.env[k] = v;
        }
        await closeAllPools();
        await proxy?.close();
        await emu?.close();
    });

    let trainId = ""; // <org>/<project>/<uuid> of the provider's volume
    let trainOuts = {} as NetworkVolumeOutputs; // set by the provider's create below
    const uuidOf = (id: string): string => id.split("/")[2] ?? "";

    it("the emulator serves under the spec's server path", () => {
        assert.equal(spec.basePath, "/storage");
        assert.equal(new URL(emu.urls.neevcloud).pathname, spec.basePath);
        assert.equal(emu.env["NEEVCLOUD_API_URL"], emu.urls.neevcloud);
    });

    it("provider create: 201 pending, then GET until bound", async () => {
        const { id, outs } = await p.create(
            await inputs({
                mountPath: "/mnt/data",
                attachedTo: [{ instanceId: "6d2c9a4e-1f3b-4c5d-8e7f-90a1b2c3d4e5", instanceName: "rt-1", instanceType: "gpu.a100" }],
            }),
        );
        assert.match(id, new RegExp(`^${contractOrg}/${contractProject}/[0-9a-f-]{36}$`));
        assert.equal(outs.status, "bound");
        trainId = id;
        trainOuts = outs;
        const posted = proxy.exchanges().find((e) => e.method === "POST");
        assert.equal(posted?.status, 201);
        assert.equal(JSON.parse(posted?.responseBody ?? "{}").status, "pending");
        assertConforms();
    });

    it("provider update: extend 202 (resizing, old size), then GET until succeeded", async () => {
        const { outs } = await p.update(
            trainId,
            trainOuts,
            await inputs({ sizeGb: 20, mountPath: "/mnt/data", attachedTo: trainOuts.attachedTo }),
        );
        assert.equal(outs.sizeGb, 20);
        assert.equal(outs.extensionStatus, "succeeded");
        assert.equal(outs.actualSizeGb, 20);
        const extend = proxy.exchanges().find((e) => e.path.endsWith("/extend"));
        assert.equal(extend?.status, 202);
        const queued = JSON.parse(extend?.responseBody ?? "{}") as Record<string, unknown>;
        assert.deepEqual([queued.extension_status, queued.sizeGB, queued.actual_sizeGB], ["resizing", 10, 10]);
        trainOuts = outs;
        assertConforms();
    });

    it("provider read returns the live volume", async () => {
        const res = await p.read!(trainId, trainOuts);
        assert.equal(res.id, trainId);
        assert.equal(res.props.sizeGb, 20);
        assertConforms();
    });

    it("client lists page by page with accurate totals, and available=true", async () => {
        emu.configure({ neevcloud: { timeToBoundMs: 60_000 } }); // the next ones stay pending
        for (const name of ["vol-a", "vol-b", "vol-c", "vol-d"]) {
            await client().createVolume(
                scope,
                { name, sizeGb: 5, regionId: "in-bom-1", volumeMode: name === "vol-d" ? "block" : "filesystem" },
                deadline(),
            );
        }
        const names: string[] = [];
        for (let page = 1; page <= 3; page++) {
            const res = await client().listPage(scope, page, deadline(), { limit: 2 });
            assert.equal(res.totalPages, 3);
            names.push(...res.volumes.map((v) => String(v.name)));
        }
        assert.deepEqual(names, ["train-data", "vol-a", "vol-b", "vol-c", "vol-d"]);
        assert.equal((await client().listVolumes(scope, deadline())).length, 5);
        const bound = await client().listPage(scope, 1, deadline(), { available: true });
        assert.deepEqual(
            bound.volumes.map((v) => v.name),
            ["train-data"],
        );
        assert.equal(bound.totalPages, 1);
        const past = await raw("GET", `${volumesPath}?page=9&limit=2`);
        assert.deepEqual(past.body?.pagination, { current_page: 9, items_per_page: 2, total_items: 5, total_pages: 3 });
        assertConforms();
    });

    it("a create without a name gets one", async () => {
        const res = await raw("POST", volumesPath, { body: { sizeGB: 1, regionID: "in-bom-1", volumeMode: "filesystem" } });
        assert.equal(res.status, 201);
        assert.match(String(res.body?.name), /^pvc-[0-9a-f]{8}$/);
        assertConforms();
    });

    it("400 for an extend in the wrong state or not larger, and for a duplicate name", async () => {
        const pending = (await client().listVolumes(scope, deadline())).find((v) => v.name === "vol-a");
        const wrongState = await rejection(client().extendVolume(scope, pending?.id ?? "", 50, deadline()));
        assert.deepEqual([wrongState.status, wrongState.code], [400, "FAILED_PRECONDITION"]);
        const notLarger = await rejection(client().extendVolume(scope, uuidOf(trainId), 20, deadline()));
        assert.deepEqual([notLarger.status, notLarger.code], [400, "INVALID_ARGUMENT"]);
        const duplicate = await rejection(
            client().createVolume(scope, { name: "vol-b", sizeGb: 5, regionId: "in-bom-1", volumeMode: "filesystem" }, deadline()),
        );
        assert.deepEqual([duplicate.status, duplicate.code], [400, "ALREADY_EXISTS"]);
        assertConforms();
    });

    it("delete in use: 400 VOLUME_IN_USE; the provider waits out the detach; then 404s", async () => {
        const inUse = await rejection(client().deleteVolume(scope, uuidOf(trainId), deadline()));
        assert.deepEqual([inUse.status, inUse.code], [400, "VOLUME_IN_USE"]);
        assert.match(inUse.message, /cannot be deleted because it is in use/);
        const timer = setTimeout(() => emu.neevcloud.detach(contractOrg, contractProject, uuidOf(trainId)), 300);
        try {
            await p.delete(trainId, trainOuts);
        } finally {
            clearTimeout(timer);
        }
        const deletes = proxy
            .exchanges()
            .filter((e) => e.method === "DELETE")
            .map((e) => e.status);
        assert.deepEqual([deletes[0], deletes[deletes.length - 1]], [400, 204]);
        assert.equal(await client().getVolume(scope, uuidOf(trainId), deadline()), undefined);
        assert.equal(await client().deleteVolume(scope, uuidOf(trainId), deadline()), false);
        assert.deepEqual(await p.read!(trainId, trainOuts), { id: "", props: {} });
        assert.equal((await raw("POST", `${volumesPath}/${uuidOf(trainId)}/extend`, { body: { sizeGB: 30 } })).status, 404);
        assertConforms();
    });

    it("a failed extension is reported by the provider", async () => {
        emu.configure({ neevcloud: { timeToBoundMs: 50, extendOutcome: "failed" } });
        const { id, outs } = await p.create(await inputs({ name: "doomed" }));
        // A failure after the extend was accepted is Pulumi partial state: `{ message, id, properties }`, not an Error.
        await assert.rejects(
            p.update(id, outs, await inputs({ name: "doomed", sizeGb: 15 })),
            (err: { message?: string; properties?: Record<string, unknown> }) => {
                assert.match(String(err.message), /extension to 15 GB failed/);
                // Partial state holds what NeevCloud last reported: the failed extension, the old size.
                assert.equal(err.properties?.extensionStatus, "failed");
                assert.equal(err.properties?.sizeGb, 10);
                return true;
            },
        );
        const failed = proxy.exchanges().filter((e) => e.method === "GET" && e.responseBody.includes(`"extension_status":"failed"`));
        assert.ok(failed.length > 0);
        emu.configure({ neevcloud: { extendOutcome: "succeeded" } });
        assertConforms();
    });

    it("401 ErrorResponse for a wrong or missing token", async () => {
        const wrong = new NeevcloudClient(apiUrl, "not-the-token");
        const list = await rejection(wrong.listPage(scope, 1, deadline()));
        assert.deepEqual([list.status, list.code], [401, "UNAUTHORIZED"]);
        const vol = (await client().listVolumes(scope, deadline()))[0];
        assert.equal((await rejection(wrong.getVolume(scope, vol?.id ?? "", deadline()))).status, 401);
        assert.equal((await rejection(wrong.extendVolume(scope, vol?.id ?? "", 99, deadline()))).status, 401);
        assert.equal((await rejection(wrong.deleteVolume(scope, vol?.id ?? "", deadline()))).status, 401);
        assert.equal(
            (await rejection(wrong.createVolume(scope, { name: "x", sizeGb: 1, regionId: "r", volumeMode: "block" }, deadline()))).status,
            401,
        );
        assert.equal((await raw("GET", volumesPath, { auth: null, probe: true })).status, 401);
        assertConforms();
    });

    it("400 ErrorResponse for invalid bodies and queries; 404 for a non-uuid id", async () => {
        const vol = (await client().listVolumes(scope, deadline()))[0];
        const good = { name: "ok", sizeGB: 5, regionID: "in-bom-1", volumeMode: "filesystem" };
        const probes: [string, string, { body?: unknown; rawBody?: string }, number][] = [
            ["POST", volumesPath, { body: { ...good, sizeGB: 0 } }, 400],
            ["POST", volumesPath, { body: { ...good, sizeGB: 1001 } }, 400],
            ["POST", volumesPath, { body: { ...good, sizeGB: 2.5 } }, 400],
            ["POST", volumesPath, { body: { ...good, regionID: undefined } }, 400],
            ["POST", volumesPath, { body: { ...good, volumeMode: undefined } }, 400],
            ["POST", volumesPath, { body: { ...good, volumeMode: "ssd" } }, 400],
            [
                "POST",
                volumesPath,
                { body: { ...good, attachedTo: [{ instance_id: "nope", instance_name: "a", instance_type: "b" }] } },
                400,
            ],
            ["POST", volumesPath, { body: { ...good, attachedTo: [{ instance_name: "a" }] } }, 400],
            ["POST", volumesPath, { rawBody: "{not json" }, 400],
            ["POST", volumesPath, {}, 400],
            ["POST", `${volumesPath}/${vol?.id}/extend`, { body: { sizeGB: 0 } }, 400],
            ["POST", `${volumesPath}/${vol?.id}/extend`, { body: {} }, 400],
            ["POST", `${volumesPath}/${vol?.id}/extend`, { body: { sizeGB: "50" } }, 400],
            ["GET", `${volumesPath}?page=0`, {}, 400],
            ["GET", `${volumesPath}?limit=0`, {}, 400],
            ["GET", `${volumesPath}?limit=101`, {}, 400],
            ["GET", `${volumesPath}?page=two`, {}, 400],
            ["GET", `${volumesPath}?available=maybe`, {}, 400],
            ["GET", `${volumesPath}/not-a-uuid`, {}, 404],
            ["DELETE", `${volumesPath}/not-a-uuid`, {}, 404],
            ["POST", `${volumesPath}/not-a-uuid/extend`, { body: { sizeGB: 5 } }, 404],
        ];
        const before = proxy.exchanges().length;
        for (const [method, path, opts, status] of probes) {
            const res = await raw(method, path, { ...opts, probe: true });
            assert.equal(res.status, status, `${method} ${path} ${JSON.stringify(opts)}`);
        }
        // The validator must agree that each probe is invalid, or the probe proves nothing.
        for (const ex of proxy.exchanges().slice(before)) {
            assert.notDeepEqual(
                spec.requestProblems(ex),
                [],
                `probe #${ex.seq} ${ex.method} ${ex.path} ${ex.requestBody} passed request validation`,
            );
        }
        assertConforms();
    });

    it("500 ErrorResponse on every operation (injected); the client retries an idempotent read", async () => {
        const vol = (await client().listVolumes(scope, deadline())).find((v) => v.name === "vol-c");
        const id = vol?.id ?? "";
        const calls: [string, string, unknown][] = [
            ["GET", volumesPath, undefined],
            ["POST", volumesPath, { name: "five-hundred", sizeGB: 1, regionID: "in-bom-1", volumeMode: "block" }],
            ["GET", `${volumesPath}/${id}`, undefined],
            ["DELETE", `${volumesPath}/${id}`, undefined],
            ["POST", `${volumesPath}/${id}/extend`, { sizeGB: 50 }],
        ];
        for (const [method, path, body] of calls) {
            emu.setFaults([{ cloud: "neevcloud", method, status: 500 }]);
            assert.equal((await raw(method, path, { body })).status, 500, `${method} ${path}`);
        }
        emu.setFaults([{ cloud: "neevcloud", method: "GET", status: 500 }]);
        assert.equal((await client().getVolume(scope, id, deadline()))?.id, id);
        emu.setFaults([]);
        assertConforms();
    });

    it("off-spec routes: 404 ErrorResponse", async () => {
        for (const [method, path] of [
            ["GET", `/api/v1beta1/orgs/${contractOrg}/projects/${contractProject}`],
            ["PUT", `${volumesPath}/0b8f7c3e-2a51-4c8e-9d0a-5f3e1b2c4d6e`],
            ["GET", `/api/v1/orgs/${contractOrg}/projects/${contractProject}/volumes`],
        ] as const) {
            const res = await raw(method, path, { probe: true });
            assert.equal(res.status, 404, `${method} ${path}`);
            assert.equal(res.body?.code, "NOT_FOUND");
        }
        assertConforms();
    });

    it("every exchange of the session conforms, no token was on the wire, every declared status was exercised", () => {
        const all = proxy.exchanges();
        const lines = report(all);
        assert.equal(lines.length, 0, `exchanges that do not conform to the spec:\n${lines.join("\n")}`);
        assert.ok(!JSON.stringify(all).includes(emu.token), "the capture holds the token");
        const seen = new Set(all.map((ex) => `${spec.match(ex.method, ex.path)?.id} ${ex.status}`));
        const missing = spec
            .operations()
            .flatMap((op) => op.statuses.map((s) => `${op.id} ${s}`))
            .filter((k) => !seen.has(k));
        assert.deepEqual(missing, [], "declared responses the session never produced");
    });
});

describe("neevcloud contract: the validator itself catches drift", () => {
    const volume = sample(doc, { $ref: "#/components/schemas/NetworkVolumeResponse" }, "full") as Record<string, unknown>;
    const exchange = (over: Partial<Exchange>): Exchange => ({
        seq: 1,
        method: "GET",
        path: `/storage${volumesPath}/0b8f7c3e-2a51-4c8e-9d0a-5f3e1b2c4d6e`,
        query: {},
        authScheme: "Bearer",
        requestBody: "",
        probe: false,
        status: 200,
        responseContentType: "application/json; charset=utf-8",
        requestId: "r",
        responseBody: JSON.stringify(volume),
        ...over,
    });

    it("passes a conforming exchange", () => {
        assert.deepEqual(problemsOf(exchange({})), []);
    });

    it("flags a misspelt or extra property, a bad enum, a missing required field, a bad format", () => {
        const bodies: [Record<string, unknown>, RegExp][] = [
            [{ ...volume, actual_sizeGb: 3 }, /must NOT have additional properties \(actual_sizeGb\)/],
            [{ ...volume, status: "Bound" }, /\/status must be equal to one of the allowed values/],
            [{ ...volume, planID: undefined }, /must have required property 'planID'/],
            [{ ...volume, id: "vol-1" }, /\/id must match format "uuid"/],
            [{ ...volume, createdAt: "yesterday" }, /\/createdAt must match format "date-time"/],
            [{ ...volume, sizeGB: 1.5 }, /\/sizeGB must be integer/],
        ];
        for (const [body, expected] of bodies)
            assert.match(problemsOf(exchange({ responseBody: JSON.stringify(body) })).join("\n"), expected);
    });

    it("flags an undeclared status, a 204 with a body, an unknown operation, a bad query, a missing bearer", () => {
        assert.match(problemsOf(exchange({ status: 409 })).join(), /does not declare status 409/);
        assert.match(problemsOf(exchange({ method: "DELETE", status: 204, responseBody: "{}" })).join(), /declares no body/);
        assert.match(problemsOf(exchange({ method: "PATCH" })).join(), /not an operation of the spec/);
        assert.match(
            problemsOf(exchange({ path: `/storage${volumesPath}`, query: { limit: "500" }, responseBody: "{}" })).join(),
            /query parameters \/limit must be <= 100/,
        );
        assert.match(
            problemsOf(exchange({ path: `/storage${volumesPath}`, query: { cursor: "x" }, responseBody: "{}" })).join(),
            /query parameters.*additional properties \(cursor\)/,
        );
        assert.match(problemsOf(exchange({ authScheme: "none" })).join(), /expected Authorization: Bearer/);
    });
});
