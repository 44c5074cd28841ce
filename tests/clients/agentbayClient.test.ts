import { strict as assert } from "node:assert";
import { AgentBayClient, agentbayApiVersion } from "../../provider/agentbay/client";
import { agentbayEndpoint, agentbaySession } from "../../provider/agentbay/session";
import { setStackConfig } from "../../provider/core/config";
import { Deadline } from "../../provider/core/deadline";
import { AmbiguousRequestError, ApiError, MissingCredentialError } from "../../provider/core/errors";
import { closeAllPools } from "../../provider/core/transport";
import { defaultRetryPolicy } from "../../provider/core/retry";
import { fakeClock, json, type Loopback, loopback } from "../unit/httpLoopback";
import { rejection, useEmulator } from "./support";
import { present } from "../support/present";

const key = "akm-client_test_key_0123";
const image = "imgc-test";
const deadline = (): Deadline => Deadline.in(30, "read");

/**
 * The emulator does not record headers or form bodies, so the exact bytes on the wire are checked
 * against a plain loopback server with canned answers (and, field for field against the official
 * transport, by tests/contract/agentbay-client.contract.test.ts).
 */
describe("agentbay client: the request on the wire (loopback)", () => {
    let server: Loopback;
    const form = (body: string) => new URLSearchParams(body);
    const query = (url: string) => new URL(url, "http://x").searchParams;
    before(async () => {
        server = await loopback((req, res) => {
            const action = query(req.url).get("Action");
            const record = {
                VolumeId: "vol-1",
                VolumeName: "data",
                Status: "Available",
                BelongingImageId: image,
                CreateTime: "2026-01-01T00:00:00Z",
            };
            const envelope = { RequestId: `R-${action}`, Success: true, Code: "ok", Message: "", HttpStatusCode: 200 };
            if (action === "GetVolume") return json(res, 200, { ...envelope, Data: record });
            if (action === "ListVolumes") return json(res, 200, { ...envelope, Data: [record], NextToken: "" });
            return json(res, 200, envelope);
        });
    });
    after(async () => {
        await server.close();
        await closeAllPools();
    });

    it("sends every action as POST /?Action=… with the envelope query, the x-acs headers, and the key only in the form body", async () => {
        const client = new AgentBayClient(server.url, key);
        const made = await client.getOrCreateVolume(image, "data", deadline());
        await client.listVolumes({ imageId: image }, deadline());
        assert.equal(await client.deleteVolume(made.id, deadline()), true);
        assert.deepEqual(
            server.seen.map((s) => query(s.url).get("Action")),
            ["GetVolume", "ListVolumes", "DeleteVolume"],
        );
        for (const s of server.seen) {
            const q = query(s.url);
            assert.equal(s.method, "POST");
            assert.match(s.url, /^\/\?Action=\w+&Format=json&Version=2025-05-06&Timestamp=[^&]+&SignatureNonce=[0-9a-f]{64}($|&)/);
            assert.match(q.get("Timestamp") ?? "", /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
            assert.equal(s.headers["x-acs-action"], q.get("Action"));
            assert.equal(s.headers["x-acs-version"], agentbayApiVersion);
            assert.equal(s.headers["content-type"], "application/x-www-form-urlencoded");
            assert.ok(s.body.includes(`Authorization=Bearer%20${key}`), s.body);
            assert.ok(!JSON.stringify(s.headers).includes(key) && !s.url.includes(key), "the key is only in the body");
        }
        const get = present(server.seen[0]);
        const list = present(server.seen[1]);
        const del = present(server.seen[2]);
        assert.deepEqual(Object.fromEntries(form(get.body)), {
            AllowCreate: "true",
            ImageId: image,
            VolumeName: "data",
            Authorization: `Bearer ${key}`,
        });
        assert.deepEqual(Object.fromEntries(form(list.body)), { ImageId: image, MaxResults: "10", Authorization: `Bearer ${key}` });
        assert.deepEqual(Object.fromEntries(form(del.body)), { VolumeId: made.id, Authorization: `Bearer ${key}` });
    });

    it("findVolumeByName sends GetVolume with AllowCreate=false", async () => {
        server.seen.length = 0;
        const found = await new AgentBayClient(server.url, key).findVolumeByName(image, "data", deadline());
        assert.equal(found?.id, "vol-1");
        assert.equal(form(present(server.seen[0]).body).get("AllowCreate"), "false");
    });
});

describe("agentbay client against the emulator", function () {
    this.timeout(30_000);
    const { emu } = useEmulator({ agentbay: { listLagMs: 0, allowlisted: true } });
    let client: AgentBayClient;
    beforeEach(() => {
        client = new AgentBayClient(emu().urls.agentbay, emu().env.AGENTBAY_API_KEY!);
    });
    const seen = () =>
        emu()
            .requests()
            .filter((r) => r.cloud === "agentbay");
    const inventory = () => emu().inventory().agentbay;
    const answer = (action: string, body: unknown, status = 200, extra: Record<string, unknown> = {}) =>
        emu().setFaults([{ cloud: "agentbay", action, status, body, ...extra }]);

    it("create-or-get returns the record in camelCase, and the same volume for the same name", async () => {
        const a = await client.getOrCreateVolume(image, "data", deadline());
        assert.match(a.id, /^vol-[a-z0-9]{16}$/);
        assert.equal(a.name, "data");
        assert.equal(a.status, "Available");
        assert.equal(a.imageId, image);
        assert.match(String(a.createdAt), /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
        const b = await client.getOrCreateVolume(image, "data", deadline());
        assert.equal(b.id, a.id);
        assert.equal(inventory().length, 1);
    });

    it("findVolumeByName: the volume, or undefined on the cloud's volume not-found (nothing created)", async () => {
        assert.equal(await client.findVolumeByName(image, "data", deadline()), undefined);
        assert.equal(inventory().length, 0);
        const id = emu().agentbay.create(image, "data");
        assert.equal((await client.findVolumeByName(image, "data", deadline()))?.id, id);
    });

    it("pages through NextToken (in the query) and returns every volume once", async () => {
        for (let i = 0; i < 25; i++) emu().agentbay.create(image, `v${i}`);
        emu().clearRequests();
        const all = await client.listVolumes({ imageId: image }, deadline());
        assert.equal(all.length, 25);
        assert.equal(new Set(all.map((v) => v.id)).size, 25);
        const pages = seen();
        assert.equal(pages.length, 3, "10 + 10 + 5");
        assert.equal(pages[0]?.query.NextToken, undefined);
        assert.ok(pages[1]?.query.NextToken, "the second page names its token");
        assert.ok(pages[2]?.query.NextToken && pages[2]?.query.NextToken !== pages[1]?.query.NextToken);
    });

    it("a NextToken that comes back again is an error after a bounded number of requests, not a partial list", async () => {
        const page = { RequestId: "R", Success: true, Code: "ok", Data: [{ VolumeId: "vol-a" }], NextToken: "same" };
        answer("ListVolumes", page, 200, { times: 5 });
        const e = await rejection(client.listVolumes({ imageId: image }, deadline()));
        assert.ok(e instanceof ApiError, e.message);
        assert.match(e.message, /^agentbay list volumes in image imgc-test: the list did not end: NextToken 'same' came back/);
        assert.equal(seen().length, 2);
    });

    it("filters names exactly, whatever the server's filter does, and checks ids", async () => {
        const mine = emu().agentbay.create(image, "data");
        emu().agentbay.create(image, "data-2");
        emu().agentbay.create("imgc-other", "data");
        // A server whose VolumeName filter is fuzzy: it answers near names too.
        answer("ListVolumes", {
            RequestId: "R",
            Success: true,
            Data: [
                { VolumeId: mine, VolumeName: "data" },
                { VolumeId: "vol-near", VolumeName: "data-2" },
                { VolumeId: "vol-my", VolumeName: "mydata" },
            ],
            NextToken: "",
        });
        const named = await client.listVolumes({ imageId: image, name: "data" }, deadline());
        assert.deepEqual(
            named.map((v) => v.id),
            [mine],
        );
        assert.equal(seen()[0]?.query.VolumeName, undefined, "VolumeName travels in the form body");
        assert.equal((await client.getVolumeById(image, mine, deadline()))?.name, "data");
        assert.equal(await client.getVolumeById(image, "vol-none", deadline()), undefined);
        assert.equal(await client.getVolumeById("imgc-other", mine, deadline()), undefined, "ids are per image");
    });

    it("reads leniently: entries without VolumeId dropped, nulls, numbers, unknown fields and new statuses kept", async () => {
        answer("ListVolumes", {
            RequestId: "R",
            Success: true,
            Data: [
                { VolumeName: "no-id" },
                null,
                { VolumeId: "vol-x", VolumeName: null, Status: "Migrating", CreateTime: 1767225600, Extra: { a: 1 } },
            ],
        });
        const list = await client.listVolumes({ imageId: image }, deadline());
        assert.deepEqual(list, [{ id: "vol-x", name: undefined, status: "Migrating", imageId: undefined, createdAt: "1767225600" }]);
    });

    it("Success:false is a one-line error with the code, message and request id, not retried when not transient", async () => {
        answer("ListVolumes", {
            RequestId: "RID-77",
            Success: false,
            Code: "InvalidParameter.ImageId",
            Message: "The image\nis not valid",
            HttpStatusCode: 400,
        });
        const e = await rejection(client.listVolumes({ imageId: image }, deadline()));
        assert.ok(e instanceof ApiError);
        assert.equal(
            e.message,
            "agentbay list volumes in image imgc-test: The image is not valid (400 InvalidParameter.ImageId, request RID-77)",
        );
        assert.equal(seen().length, 1);
    });

    it("a key off the allowlist (the emulator's Success:false) says the beta is allowlist only", async () => {
        emu().configure({ agentbay: { allowlisted: false } });
        const e = await rejection(client.listVolumes({ imageId: image }, deadline()));
        assert.ok(e instanceof ApiError);
        assert.equal((e as unknown as ApiError).code, "Forbidden.NotInAllowlist");
        assert.match(e.message, /allowlist only/);
    });

    it("a 200 without Success is read as a success when it carries Data; with only an error Code it is a failure", async () => {
        answer("ListVolumes", { RequestId: "R1", Data: [{ VolumeId: "vol-9" }] });
        assert.deepEqual(
            (await client.listVolumes({ imageId: image }, deadline())).map((v) => v.id),
            ["vol-9"],
        );
        answer("ListVolumes", { RequestId: "R2", Code: "Forbidden.NotInAllowlist", Message: "no" });
        const e = await rejection(client.listVolumes({ imageId: image }, deadline()));
        assert.equal((e as unknown as ApiError).code, "Forbidden.NotInAllowlist");
        assert.match(e.message, /allowlist only/);
    });

    it("a 2xx that says nothing is an error, never an empty list or a done delete (a refresh would drop a live volume)", async () => {
        const id = emu().agentbay.create(image, "data");
        answer("ListVolumes", {});
        const e = await rejection(client.getVolumeById(image, id, deadline()));
        assert.match(e.message, /^agentbay list volumes in image imgc-test: the answer has neither Data nor Success: true/);
        emu().setFaults([{ cloud: "agentbay", action: "ListVolumes", status: 200, rawBody: "<html>portal</html>" }]);
        assert.match((await rejection(client.listVolumes({ imageId: image }, deadline()))).message, /unexpected response shape/);
        emu().setFaults([{ cloud: "agentbay", action: "DeleteVolume", status: 200, rawBody: "<html>portal</html>" }]);
        assert.match(
            (await rejection(client.deleteVolume(id, deadline()))).message,
            /^agentbay delete volume vol-\w+: unexpected response shape/,
        );
        assert.equal(inventory().length, 1, "the fault answered instead: the volume is still there");
        // A success that carries an empty Data is an empty page.
        answer("ListVolumes", { Success: true, RequestId: "R", Data: null });
        assert.deepEqual(await client.listVolumes({ imageId: image }, deadline()), []);
    });

    it("NOT_LOGIN names the key's config key, env var and the endpoint used, never the key", async () => {
        const wrong = "akm-wrongKey9876543210";
        const url = emu().urls.agentbay;
        const e = await rejection(new AgentBayClient(url, wrong).listVolumes({ imageId: image }, deadline()));
        assert.ok(e instanceof ApiError);
        assert.equal((e as unknown as ApiError).code, "NOT_LOGIN");
        for (const part of ["`agentbay:apiKey`", "AGENTBAY_API_KEY", url, "AGENTBAY_ENDPOINT", "not logged in", "400 NOT_LOGIN"]) {
            assert.ok(e.message.includes(part), `${part} in: ${e.message}`);
        }
        assert.ok(!e.message.includes(wrong) && !e.message.includes("akm-"), e.message);
        assert.ok(!e.message.includes("\n"));
        assert.equal(seen().length, 1, "a refused key is not retried");
    });

    it("a transient code is retried with a fresh Timestamp and SignatureNonce on every attempt", async () => {
        const clock = fakeClock();
        const slow = new AgentBayClient(emu().urls.agentbay, emu().env.AGENTBAY_API_KEY!, {
            clock,
            policy: { ...defaultRetryPolicy, firstMs: 2000 },
            random: () => 0.9,
        });
        emu().setFaults(
            ["Throttling.User", "ServiceUnavailable"].map((code, i) => ({
                cloud: "agentbay" as const,
                action: "ListVolumes",
                skip: i,
                status: 200,
                body: { RequestId: "R", Success: false, Code: code, Message: "later" },
            })),
        );
        emu().agentbay.create(image, "data");
        assert.equal((await slow.listVolumes({ imageId: image }, Deadline.in(60, "read", clock))).length, 1);
        const attempts = seen();
        assert.equal(attempts.length, 3);
        const nonces = attempts.map((s) => s.query.SignatureNonce);
        const stamps = attempts.map((s) => s.query.Timestamp);
        assert.equal(new Set(nonces).size, 3, String(nonces));
        assert.equal(new Set(stamps).size, 3, String(stamps));
        assert.equal(stamps[0], "2026-01-01T00:00:00Z");
    });

    it("a lost GetVolume response is ambiguous and not resent; a lost ListVolumes response is", async () => {
        emu().setFaults([{ cloud: "agentbay", action: "GetVolume", loseResponse: true }]);
        const e = await rejection(client.getOrCreateVolume(image, "data", deadline()));
        assert.ok(e instanceof AmbiguousRequestError, e.message);
        assert.equal(seen().length, 1);
        assert.equal(inventory().length, 1, "the server made it");
        emu().setFaults([{ cloud: "agentbay", action: "ListVolumes", loseResponse: true }]);
        assert.equal((await client.listVolumes({ imageId: image, name: "data" }, deadline())).length, 1);
        assert.equal(seen().length, 3);
    });

    it("a GetVolume that hangs gives up at the deadline it is given, keeping the rest for the provider's lookup", async () => {
        // Dropped after the delay, so nothing lands in a later test.
        emu().setFaults([{ cloud: "agentbay", action: "GetVolume", delayMs: 6_000, drop: true }]);
        const create = Deadline.in(4, "create");
        // The provider sends on the operation's deadline less the lookup's reserve (core/ownership.ts).
        const e = await rejection(client.getOrCreateVolume(image, "data", create.reserve(2_000)));
        assert.ok(e instanceof AmbiguousRequestError, e.message);
        // Bounded by the reserved 2 s (the operation's would say 4 s), with time left: a margin of
        // 2 s, not a race with a busy machine.
        assert.match(e.message, /within 2 s/);
        assert.ok(create.remaining() > 0, `left ${create.remaining()} ms`);
        assert.equal(seen().filter((r) => r.action === "GetVolume").length <= 1, true);
    });

    it("GetVolume that succeeds without a VolumeId is ambiguous: a volume may exist", async () => {
        answer("GetVolume", { RequestId: "R5", Success: true, Data: { VolumeId: "" } });
        const e = await rejection(client.getOrCreateVolume(image, "data", deadline()));
        assert.ok(e instanceof AmbiguousRequestError, e.message);
        assert.match(e.message, /GetVolume succeeded but its Data has no VolumeId.*request R5/);
    });

    it("DeleteVolume of a volume already gone is done; an action the endpoint does not serve is an error, not 'gone'", async () => {
        const id = emu().agentbay.create(image, "data");
        assert.equal(await client.deleteVolume(id, deadline()), true);
        assert.equal(await client.deleteVolume(id, deadline()), false);
        answer("DeleteVolume", { RequestId: "R6", Code: "InvalidAction.NotFound", Message: "Specified api is not found" }, 404);
        const e = await rejection(client.deleteVolume(id, deadline()));
        assert.ok(e instanceof ApiError);
        assert.match(e.message, /does not serve this action/);
    });

    it("DeleteVolume of a mounted volume is the cloud's in-use error, naming the session", async () => {
        const id = emu().agentbay.create(image, "data");
        emu().agentbay.attach(id, "s-1");
        const e = await rejection(client.deleteVolume(id, deadline()));
        assert.ok(e instanceof ApiError);
        assert.equal((e as unknown as ApiError).code, "InvalidVolume.InUse");
        assert.match(e.message, /mounted by session s-1/);
    });
});

describe("agentbay endpoint and session", () => {
    const saved = { key: process.env.AGENTBAY_API_KEY, endpoint: process.env.AGENTBAY_ENDPOINT };
    afterEach(() => {
        for (const [name, v] of [
            ["AGENTBAY_API_KEY", saved.key],
            ["AGENTBAY_ENDPOINT", saved.endpoint],
        ] as const) {
            if (v === undefined) delete process.env[name];
            else process.env[name] = v;
        }
        setStackConfig(undefined);
    });

    it("takes a bare host as the official SDK does (https), a URL as given, and defaults to Shanghai", () => {
        assert.equal(
            new AgentBayClient("wuyingai.ap-southeast-1.aliyuncs.com", key).endpoint,
            "https://wuyingai.ap-southeast-1.aliyuncs.com",
        );
        assert.equal(new AgentBayClient("http://127.0.0.1:4000", key).endpoint, "http://127.0.0.1:4000");
        assert.equal(new AgentBayClient("http://127.0.0.1:4000/agentbay/", key).endpoint, "http://127.0.0.1:4000/agentbay");
        assert.equal(agentbayEndpoint.defaultApiUrl, "https://wuyingai.cn-shanghai.aliyuncs.com");
    });

    it("reads the key and endpoint when asked, from config before the environment, and names both when the key is missing", () => {
        delete process.env.AGENTBAY_API_KEY;
        const e = (() => {
            try {
                agentbaySession();
            } catch (err) {
                return err as Error;
            }
            assert.fail("expected a missing credential");
        })();
        assert.ok(e instanceof MissingCredentialError);
        assert.match(e.message, /agentbay:apiKey.*AGENTBAY_API_KEY/);
        process.env.AGENTBAY_API_KEY = key;
        process.env.AGENTBAY_ENDPOINT = "http://127.0.0.1:1";
        setStackConfig({ get: (k) => (k === "agentbay:endpoint" ? "wuyingai.ap-southeast-1.aliyuncs.com" : undefined) });
        assert.equal(agentbaySession().client.endpoint, "https://wuyingai.ap-southeast-1.aliyuncs.com");
        setStackConfig(undefined);
        assert.equal(agentbaySession().client.endpoint, "http://127.0.0.1:1");
    });
});
