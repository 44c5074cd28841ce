/** The AgentBay emulator speaks POP RPC as docs/apis/agentbay.md describes; raw HTTP only. */
import { strict as assert } from "node:assert";
import { request } from "node:http";
import { startEmulator, type AgentBayListVolumesResponse, type AgentBayVolume, type Emulator } from "../../emulator";
import { clock, useEmulator } from "./helpers";

/** A reply: HTTP status and the parsed JSON body. */
interface RpcReply<T> {
    status: number;
    body: T & { RequestId: string; Success?: boolean; Code: string; Message: string; HttpStatusCode?: number };
}

interface RpcOptions {
    /** Extra query parameters (`NextToken`). */
    query?: Record<string, string>;
    /** `Authorization` form value; default `Bearer <the emulator's key>`; null sends none. */
    authorization?: string | null;
    version?: string | null;
    method?: string;
}

const testImage = "imgc-emu";

function key(emu: Emulator): string {
    return emu.env["AGENTBAY_API_KEY"] ?? "";
}

/** The form body as the official transport encodes it (`%20`, 1-based `VolumeIds.N`). */
function form(params: Record<string, string | number | boolean | readonly string[]>): string {
    const pairs: string[] = [];
    for (const [k, v] of Object.entries(params)) {
        if (Array.isArray(v)) v.forEach((item: string, i) => pairs.push(`${k}.${i + 1}=${encodeURIComponent(item)}`));
        else pairs.push(`${k}=${encodeURIComponent(String(v))}`);
    }
    return pairs.join("&");
}

async function rpc<T = Record<string, unknown>>(
    emu: Emulator,
    action: string,
    params: Record<string, string | number | boolean | readonly string[]> = {},
    options: RpcOptions = {},
): Promise<RpcReply<T>> {
    const query = new URLSearchParams({ Action: action, Format: "json", Timestamp: new Date().toISOString(), SignatureNonce: "n1" });
    if (options.version !== null) query.set("Version", options.version ?? "2025-05-06");
    for (const [k, v] of Object.entries(options.query ?? {})) query.set(k, v);
    const authorization = options.authorization === undefined ? `Bearer ${key(emu)}` : options.authorization;
    const body = form({ ...(authorization !== null ? { Authorization: authorization } : {}), ...params });
    const res = await fetch(`${emu.urls.agentbay}/?${query}`, {
        method: options.method ?? "POST",
        headers: { "content-type": "application/x-www-form-urlencoded", "x-acs-action": action, "x-acs-version": "2025-05-06" },
        body: (options.method ?? "POST") === "GET" ? undefined : body,
    });
    return { status: res.status, body: (await res.json()) as RpcReply<T>["body"] };
}

const getVolume = (emu: Emulator, name: string, allowCreate: boolean | string, imageId = testImage) =>
    rpc<{ Data?: AgentBayVolume }>(emu, "GetVolume", { AllowCreate: allowCreate, ImageId: imageId, VolumeName: name });

async function createVolume(emu: Emulator, name: string, imageId = testImage): Promise<string> {
    const reply = await getVolume(emu, name, true, imageId);
    assert.equal(reply.body.Success, true, JSON.stringify(reply.body));
    return reply.body.Data?.VolumeId ?? "";
}

const listVolumes = (emu: Emulator, params: Record<string, string | number | readonly string[]>, nextToken?: string) =>
    rpc<AgentBayListVolumesResponse>(
        emu,
        "ListVolumes",
        { ImageId: testImage, ...params },
        nextToken !== undefined ? { query: { NextToken: nextToken } } : {},
    );

describe("agentbay emulator: wiring", () => {
    it("exports AGENTBAY_ENDPOINT and an akm- key no credential scanner takes for a real one", async () => {
        const emu = await startEmulator({ token: "emulator-ab" });
        try {
            assert.match(emu.urls.agentbay, /^http:\/\/127\.0\.0\.1:\d+$/);
            assert.equal(emu.env["AGENTBAY_ENDPOINT"], emu.urls.agentbay);
            assert.match(key(emu), /^akm-/);
            assert.doesNotMatch(key(emu), /akm-[A-Za-z0-9]{20,}/);
            assert.deepEqual(emu.knobs().agentbay, { listLagMs: 1_000, allowlisted: true, lookupNotFound: "InvalidVolume.NotFound" });
        } finally {
            await emu.close();
        }
    });
});

describe("agentbay emulator: the RPC envelope and auth", () => {
    const emu = useEmulator({ agentbay: { listLagMs: 0 } });

    it("answers every action with RequestId, Success, Code, Message and HttpStatusCode, and logs the action", async () => {
        const reply = await rpc(emu(), "ListVolumes", { ImageId: testImage });
        assert.equal(reply.status, 200);
        assert.deepEqual(
            { ...reply.body, RequestId: typeof reply.body.RequestId },
            { RequestId: "string", Success: true, Code: "ok", Message: "", HttpStatusCode: 200, Data: [], NextToken: "", MaxResults: 10 },
        );
        const [entry] = emu().requests({ cloud: "agentbay" });
        assert.deepEqual([entry?.method, entry?.path, entry?.action, entry?.requestId], ["POST", "/", "ListVolumes", reply.body.RequestId]);
        assert.equal(entry?.authScheme, "Bearer");
    });

    it("answers NOT_LOGIN (HTTP 400, POP error) to a missing, unknown or misplaced key, and never logs it", async () => {
        const cases: Array<[string, RpcOptions]> = [
            ["none", { authorization: null }],
            ["unknown key", { authorization: "Bearer akm-emu_other" }],
            ["bare key", { authorization: key(emu()) }],
            ["key in the query", { authorization: null, query: { Authorization: `Bearer ${key(emu())}` } }],
        ];
        for (const [what, options] of cases) {
            const reply = await rpc(emu(), "ListVolumes", { ImageId: testImage }, options);
            assert.equal(reply.status, 400, what);
            assert.equal(reply.body.Code, "NOT_LOGIN", what);
            assert.equal(reply.body.Message, "You are not logged in or your login token has expired");
            assert.equal(typeof reply.body.RequestId, "string");
            assert.ok("HostId" in reply.body);
        }
        // The key in a header is not read either.
        const res = await fetch(`${emu().urls.agentbay}/?Action=ListVolumes&Version=2025-05-06`, {
            method: "POST",
            headers: { authorization: `Bearer ${key(emu())}`, "content-type": "application/x-www-form-urlencoded" },
            body: `ImageId=${testImage}`,
        });
        assert.equal(res.status, 400);
        assert.equal(((await res.json()) as { Code: string }).Code, "NOT_LOGIN");
        assert.equal((await rpc(emu(), "ListVolumes", { ImageId: testImage }, { authorization: `bearer ${key(emu())}` })).status, 200);
        // `+` for the space, as a form encoder other than Node's may send it.
        const plus = await fetch(`${emu().urls.agentbay}/?Action=ListVolumes&Version=2025-05-06`, {
            method: "POST",
            headers: { "content-type": "application/x-www-form-urlencoded" },
            body: `Authorization=Bearer+${key(emu())}&ImageId=${testImage}`,
        });
        assert.equal(plus.status, 200);
        await plus.text();
        assert.ok(!JSON.stringify(emu().requests()).includes(key(emu())));
        assert.ok(!JSON.stringify(emu().requests()).includes(emu().token));
    });

    it("requires Version=2025-05-06, a known Action and POST /", async () => {
        for (const version of [null, "2023-01-01"]) {
            const reply = await rpc(emu(), "ListVolumes", { ImageId: testImage }, { version });
            assert.deepEqual([reply.status, reply.body.Code], [400, "InvalidVersion"]);
        }
        const unknown = await rpc(emu(), "CreateVolume", { ImageId: testImage, VolumeName: "x" });
        assert.deepEqual([unknown.status, unknown.body.Code], [404, "InvalidAction.NotFound"]);
        assert.equal((await rpc(emu(), "ListVolumes", {}, { method: "GET" })).status, 404);
        const elsewhere = await fetch(`${emu().urls.agentbay}/v1/volumes?Action=ListVolumes&Version=2025-05-06`, { method: "POST" });
        assert.equal(elsewhere.status, 404);
        await elsewhere.text();
    });

    it("refuses a missing required parameter or a bad boolean with HTTP 400, before any change", async () => {
        assert.deepEqual((await rpc(emu(), "GetVolume", { AllowCreate: true, VolumeName: "x" })).body.Code, "MissingParameter");
        assert.deepEqual((await rpc(emu(), "GetVolume", { AllowCreate: true, ImageId: testImage })).body.Code, "MissingParameter");
        assert.equal((await rpc(emu(), "ListVolumes", {})).status, 400);
        assert.equal((await rpc(emu(), "DeleteVolume", {})).status, 400);
        const bad = await getVolume(emu(), "x", "yes");
        assert.deepEqual([bad.status, bad.body.Code], [400, "InvalidParameter"]);
        assert.equal((await listVolumes(emu(), { MaxResults: 0 })).status, 400);
        assert.deepEqual(emu().inventory().agentbay, []);
    });

    it("reads a chunked form body (Node sends no Content-Length)", async () => {
        const url = new URL(`${emu().urls.agentbay}/?Action=GetVolume&Version=2025-05-06&Format=json`);
        const body = form({ Authorization: `Bearer ${key(emu())}`, AllowCreate: true, ImageId: testImage, VolumeName: "chunked" });
        const reply = await new Promise<{ status: number; text: string }>((resolve, reject) => {
            const req = request(url, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" } }, (res) => {
                let text = "";
                res.setEncoding("utf8");
                res.on("data", (c: string) => (text += c));
                res.on("end", () => resolve({ status: res.statusCode ?? 0, text }));
            });
            req.on("error", reject);
            req.write(body.slice(0, 10));
            req.end(body.slice(10));
            assert.equal(req.getHeader("content-length"), undefined);
        });
        assert.equal(reply.status, 200);
        assert.equal((JSON.parse(reply.text) as { Data: AgentBayVolume }).Data.VolumeName, "chunked");
    });

    it("refuses every volume action with Success:false when the key is off the allowlist", async () => {
        emu().configure({ agentbay: { allowlisted: false } });
        for (const [action, params] of [
            ["GetVolume", { AllowCreate: true, ImageId: testImage, VolumeName: "x" }],
            ["ListVolumes", { ImageId: testImage }],
            ["DeleteVolume", { VolumeId: "vol-x" }],
        ] as const) {
            const reply = await rpc(emu(), action, params);
            assert.deepEqual(
                [reply.status, reply.body.Success, reply.body.Code, reply.body.HttpStatusCode],
                [200, false, "Forbidden.NotInAllowlist", 403],
            );
        }
        assert.deepEqual(emu().inventory().agentbay, []);
    });
});

describe("agentbay emulator: GetVolume is create-or-get, per image", () => {
    const emu = useEmulator({ agentbay: { listLagMs: 0 } });

    it("creates with AllowCreate=true, then returns the same volume whatever AllowCreate says", async () => {
        const created = await getVolume(emu(), "data", true);
        const v = created.body.Data as AgentBayVolume;
        assert.match(v.VolumeId, /^vol-[a-z0-9]{16}$/);
        assert.deepEqual([v.VolumeName, v.BelongingImageId, v.Status], ["data", testImage, "Available"]);
        assert.match(v.CreateTime, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
        for (const allowCreate of [true, false, "True", "FALSE"]) {
            const again = await getVolume(emu(), "data", allowCreate);
            assert.deepEqual(again.body.Data, v, String(allowCreate));
        }
        assert.equal(emu().inventory().agentbay.length, 1);
    });

    it("answers Success:false with a not-found code for a missing name and AllowCreate=false; creates nothing", async () => {
        for (const allowCreate of [false, "False"]) {
            const reply = await getVolume(emu(), "nope", allowCreate);
            assert.equal(reply.status, 200);
            assert.deepEqual([reply.body.Success, reply.body.Code, reply.body.HttpStatusCode], [false, "InvalidVolume.NotFound", 404]);
            assert.equal(reply.body.Data, undefined);
            assert.match(reply.body.Message, /nope/);
        }
        assert.deepEqual(emu().inventory().agentbay, []);
    });

    it("parses AllowCreate case-insensitively (Python sends True)", async () => {
        assert.equal((await getVolume(emu(), "py", "True")).body.Success, true);
        assert.equal(emu().inventory().agentbay.length, 1);
    });

    it("scopes names by image: the same name on another image is another volume", async () => {
        const a = await createVolume(emu(), "data", "img-a");
        const b = await createVolume(emu(), "data", "img-b");
        assert.notEqual(a, b);
    });

    it("returns a stranger's volume made out of band (the adoption hazard the provider guards against)", async () => {
        const theirs = emu().agentbay.create(testImage, "shared");
        const reply = await getVolume(emu(), "shared", true);
        assert.equal(reply.body.Data?.VolumeId, theirs);
        assert.throws(() => emu().agentbay.create(testImage, "shared"), /already has a volume named shared/);
    });
});

describe("agentbay emulator: ListVolumes", () => {
    const emu = useEmulator({ agentbay: { listLagMs: 0 } });

    it("filters by ImageId, VolumeIds.N and an exact VolumeName", async () => {
        const data = await createVolume(emu(), "data");
        const data2 = await createVolume(emu(), "data2");
        const logs = await createVolume(emu(), "logs");
        await createVolume(emu(), "data", "img-other");
        const ids = async (params: Record<string, string | readonly string[]>) =>
            (await listVolumes(emu(), params)).body.Data?.map((v) => v.VolumeId);
        assert.deepEqual(await ids({}), [data, data2, logs]);
        assert.deepEqual(await ids({ VolumeName: "data" }), [data]);
        assert.deepEqual(await ids({ VolumeIds: [logs, data] }), [data, logs]);
        assert.deepEqual(await ids({ VolumeIds: [logs], VolumeName: "data" }), []);
        assert.deepEqual(await ids({ VolumeIds: ["vol-unknown"] }), []);
    });

    it("pages with MaxResults and an opaque NextToken sent in the query, the last page's NextToken empty", async () => {
        const made: string[] = [];
        for (let i = 0; i < 5; i++) made.push(await createVolume(emu(), `v${i}`));
        const seen: string[] = [];
        let token: string | undefined;
        const tokens: string[] = [];
        for (let page = 0; page < 5; page++) {
            const reply = await listVolumes(emu(), { MaxResults: 2 }, token);
            assert.equal(reply.body.MaxResults, 2);
            seen.push(...(reply.body.Data ?? []).map((v) => v.VolumeId));
            token = reply.body.NextToken;
            if (!token) break;
            tokens.push(token);
        }
        assert.deepEqual(seen, made);
        assert.equal(tokens.length, 2);
        assert.deepEqual(
            emu()
                .requests({ action: "ListVolumes" })
                .map((r) => r.query["NextToken"]),
            [undefined, ...tokens],
        );
        const bad = await listVolumes(emu(), {}, "not-a-token");
        assert.deepEqual([bad.status, bad.body.Code], [400, "InvalidParameter.NextToken"]);
    });

    it("lags behind a create by listLagMs while GetVolume finds the volume at once; out-of-band volumes list at once", async () => {
        emu().configure({ agentbay: { listLagMs: 120 } });
        const id = await createVolume(emu(), "fresh");
        const stranger = emu().agentbay.create(testImage, "old");
        const listed = async () => (await listVolumes(emu(), {})).body.Data?.map((v) => v.VolumeId);
        assert.deepEqual(await listed(), [stranger]);
        assert.equal((await getVolume(emu(), "fresh", false)).body.Data?.VolumeId, id);
        clock.advance(150);
        assert.deepEqual(await listed(), [id, stranger]);
        assert.equal(emu().inventory().agentbay.length, 2, "the inventory shows it all along");
    });
});

describe("agentbay emulator: DeleteVolume and hooks", () => {
    const emu = useEmulator({ agentbay: { listLagMs: 0 } });

    it("deletes; an unknown id is Success:false with the not-found code", async () => {
        const id = await createVolume(emu(), "data");
        const reply = await rpc(emu(), "DeleteVolume", { VolumeId: id });
        assert.deepEqual([reply.status, reply.body.Success, reply.body.Code, "Data" in reply.body], [200, true, "ok", false]);
        assert.deepEqual(emu().inventory().agentbay, []);
        const again = await rpc(emu(), "DeleteVolume", { VolumeId: id });
        assert.deepEqual(
            [again.status, again.body.Success, again.body.Code, again.body.HttpStatusCode],
            [200, false, "InvalidVolume.NotFound", 404],
        );
    });

    it("refuses to delete a volume a session mounts, until it is detached", async () => {
        const id = await createVolume(emu(), "data");
        emu().agentbay.attach(id, "s-123");
        assert.equal(emu().inventory().agentbay[0]?.MountedBy, "s-123");
        const refused = await rpc(emu(), "DeleteVolume", { VolumeId: id });
        assert.deepEqual([refused.body.Success, refused.body.Code], [false, "InvalidVolume.InUse"]);
        assert.match(refused.body.Message, /s-123/);
        emu().agentbay.detach(id);
        assert.equal((await rpc(emu(), "DeleteVolume", { VolumeId: id })).body.Success, true);
    });

    it("destroys out of band and forgets everything on reset", async () => {
        const id = await createVolume(emu(), "data");
        await createVolume(emu(), "other");
        emu().agentbay.destroy(id);
        assert.deepEqual(
            emu()
                .inventory()
                .agentbay.map((v) => v.VolumeName),
            ["other"],
        );
        assert.throws(() => emu().agentbay.destroy(id), /no volume/);
        emu().reset();
        assert.deepEqual(emu().inventory().agentbay, []);
    });
});

describe("agentbay emulator: faults per action", () => {
    const emu = useEmulator({ agentbay: { listLagMs: 0 } });

    it("matches a fault on the RPC action: a lost GetVolume response still made the volume; other actions pass", async () => {
        emu().setFaults([{ cloud: "agentbay", action: "GetVolume", loseResponse: true }]);
        assert.equal((await listVolumes(emu(), {})).status, 200);
        await assert.rejects(getVolume(emu(), "data", true));
        assert.equal(emu().inventory().agentbay.length, 1);
        const [, lost] = emu().requests({ cloud: "agentbay" });
        assert.deepEqual([lost?.action, lost?.fault], ["GetVolume", "loseResponse"]);
        assert.equal((await getVolume(emu(), "data", true)).body.Data?.VolumeId, emu().inventory().agentbay[0]?.VolumeId);
    });

    it("answers an injected status with a POP error body (throttling code on 429), and matches on the query", async () => {
        emu().setFaults([
            { action: "ListVolumes", query: { NextToken: "t" }, status: 503 },
            { action: "DeleteVolume", status: 429 },
        ]);
        assert.equal((await listVolumes(emu(), {})).status, 200);
        const unavailable = await listVolumes(emu(), {}, "t");
        assert.deepEqual([unavailable.status, unavailable.body.Code], [503, "ServiceUnavailable"]);
        assert.equal(typeof unavailable.body.RequestId, "string");
        const throttled = await rpc(emu(), "DeleteVolume", { VolumeId: "vol-x" });
        assert.deepEqual([throttled.status, throttled.body.Code], [429, "Throttling"]);
    });
});
