import { strict as assert } from "node:assert";
import { AgentBayClient, agentbayApiVersion } from "../../provider/agentbay/client";
import { agentbayEndpoint, agentbaySession } from "../../provider/agentbay/endpoint";
import { setStackConfig } from "../../provider/core/config";
import { Deadline } from "../../provider/core/deadline";
import { AmbiguousRequestError, ApiError, MissingCredentialError } from "../../provider/core/errors";
import { closeAllPools } from "../../provider/core/http";
import { defaultRetryPolicy } from "../../provider/core/retry";
import { fakeClock } from "../unit/httpLoopback";
import { FakeAgentBay, startFakeAgentBay } from "./agentbayFakeServer";
import { rejection } from "./support";

const key = "akm-clientTestKey0123456789";
const image = "imgc-test";
const deadline = (): Deadline => Deadline.in(30, "read");

describe("agentbay client (POP RPC on loopback)", () => {
    let fake: FakeAgentBay;
    let client: AgentBayClient;

    beforeEach(async () => {
        fake = await startFakeAgentBay(key);
        client = new AgentBayClient(fake.url, key);
    });
    afterEach(() => fake.close());
    after(closeAllPools);

    it("sends every action as POST /?Action=… with the envelope query, the x-acs headers, and the key only in the form body", async () => {
        const made = await client.getOrCreateVolume(image, "data", deadline());
        await client.listVolumes({ imageId: image }, deadline());
        assert.equal(await client.deleteVolume(made.id, deadline()), true);
        assert.deepEqual(
            fake.seen.map((s) => s.query.get("Action")),
            ["GetVolume", "ListVolumes", "DeleteVolume"],
        );
        for (const s of fake.seen) {
            assert.equal(s.method, "POST");
            assert.match(s.url, /^\/\?Action=\w+&Format=json&Version=2025-05-06&Timestamp=[^&]+&SignatureNonce=[0-9a-f]{64}($|&)/);
            assert.match(s.query.get("Timestamp") ?? "", /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
            assert.equal(s.headers["x-acs-action"], s.query.get("Action"));
            assert.equal(s.headers["x-acs-version"], agentbayApiVersion);
            assert.equal(s.headers["content-type"], "application/x-www-form-urlencoded");
            assert.ok(s.body.includes(`Authorization=Bearer%20${key}`), s.body);
            assert.ok(!JSON.stringify(s.headers).includes(key) && !s.url.includes(key), "the key is only in the body");
        }
        const [get, , del] = fake.seen;
        assert.deepEqual(Object.fromEntries(get.form), {
            AllowCreate: "true",
            ImageId: image,
            VolumeName: "data",
            Authorization: `Bearer ${key}`,
        });
        assert.deepEqual(Object.fromEntries(del.form), { VolumeId: made.id, Authorization: `Bearer ${key}` });
    });

    it("create-or-get returns the record in camelCase, and the same volume for the same name", async () => {
        const a = await client.getOrCreateVolume(image, "data", deadline());
        assert.deepEqual(a, { id: "vol-1", name: "data", status: "Available", imageId: image, createdAt: "2026-01-01T00:00:00Z" });
        const b = await client.getOrCreateVolume(image, "data", deadline());
        assert.equal(b.id, a.id);
        assert.equal(fake.volumes.size, 1);
    });

    it("pages through NextToken (in the query, never the form) and returns every volume once", async () => {
        for (let i = 0; i < 25; i++) fake.add(image, `v${i}`);
        const all = await client.listVolumes({ imageId: image }, deadline());
        assert.equal(all.length, 25);
        assert.equal(new Set(all.map((v) => v.id)).size, 25);
        assert.equal(fake.seen.length, 3, "10 + 10 + 5");
        assert.deepEqual(
            fake.seen.map((s) => s.query.get("NextToken")),
            [null, fake.seen[1].query.get("NextToken"), fake.seen[2].query.get("NextToken")],
        );
        assert.ok(fake.seen[1].query.get("NextToken"), "the second page names its token");
        for (const s of fake.seen) {
            assert.equal(s.form.get("NextToken"), null);
            assert.equal(s.form.get("MaxResults"), "10");
            assert.equal(s.form.get("ImageId"), image);
        }
    });

    it("a NextToken that comes back again is an error after a bounded number of requests, not a partial list", async () => {
        for (let i = 0; i < 25; i++) fake.add(image, `v${i}`);
        fake.repeatToken = "same";
        const e = await rejection(client.listVolumes({ imageId: image }, deadline()));
        assert.ok(e instanceof ApiError, e.message);
        assert.match(e.message, /^agentbay list volumes in image imgc-test: the list did not end: NextToken 'same' came back/);
        assert.equal(fake.seen.length, 2);
    });

    it("filters names exactly, whatever the server's filter does, and checks ids", async () => {
        fake.nameMatch = "substring";
        const mine = fake.add(image, "data");
        fake.add(image, "data-2");
        fake.add(image, "mydata");
        fake.add("imgc-other", "data");
        const named = await client.listVolumes({ imageId: image, name: "data" }, deadline());
        assert.deepEqual(
            named.map((v) => v.id),
            [mine.VolumeId],
        );
        assert.equal(fake.seen[0].form.get("VolumeName"), "data", "the server filter is sent too");
        assert.equal((await client.getVolumeById(image, mine.VolumeId, deadline()))?.name, "data");
        assert.equal(fake.seen[1].form.get("VolumeIds.1"), mine.VolumeId);
        assert.equal(await client.getVolumeById(image, "vol-none", deadline()), undefined);
    });

    it("reads leniently: entries without VolumeId dropped, nulls, numbers, unknown fields and new statuses kept", async () => {
        fake.extraEntries = [
            { VolumeName: "no-id" },
            null,
            { VolumeId: "vol-x", VolumeName: null, Status: "Migrating", CreateTime: 1767225600, Extra: { a: 1 } },
        ];
        const list = await client.listVolumes({ imageId: image }, deadline());
        assert.deepEqual(list, [{ id: "vol-x", name: undefined, status: "Migrating", imageId: undefined, createdAt: "1767225600" }]);
    });

    it("Success:false is a one-line error with the code, message and request id, not retried when not transient", async () => {
        fake.faults.push({
            action: "ListVolumes",
            kind: "answer",
            status: 200,
            body: {
                RequestId: "RID-77",
                Success: false,
                Code: "InvalidParameter.ImageId",
                Message: "The image\nis not valid",
                HttpStatusCode: 400,
            },
        });
        const e = await rejection(client.listVolumes({ imageId: image }, deadline()));
        assert.ok(e instanceof ApiError);
        assert.equal(
            e.message,
            "agentbay list volumes in image imgc-test: The image is not valid (400 InvalidParameter.ImageId, request RID-77)",
        );
        assert.equal(fake.seen.length, 1);
    });

    it("a 200 without Success is read as a success when it carries Data; with only an error Code it is a failure", async () => {
        fake.faults.push({ action: "ListVolumes", kind: "answer", status: 200, body: { RequestId: "R1", Data: [{ VolumeId: "vol-9" }] } });
        assert.deepEqual(
            (await client.listVolumes({ imageId: image }, deadline())).map((v) => v.id),
            ["vol-9"],
        );
        fake.faults.push({
            action: "ListVolumes",
            kind: "answer",
            status: 200,
            body: { RequestId: "R2", Code: "Forbidden.NotInAllowlist", Message: "no" },
        });
        const e = await rejection(client.listVolumes({ imageId: image }, deadline()));
        assert.equal((e as unknown as ApiError).code, "Forbidden.NotInAllowlist");
        assert.match(e.message, /allowlist only/);
    });

    it("a 2xx that says nothing is an error, never an empty list or a done delete (a refresh would drop a live volume)", async () => {
        const v = fake.add(image, "data");
        fake.faults.push({ action: "ListVolumes", kind: "answer", status: 200, body: {} });
        const e = await rejection(client.getVolumeById(image, v.VolumeId, deadline()));
        assert.match(e.message, /^agentbay list volumes in image imgc-test: the answer has neither Data nor Success: true/);
        fake.faults.push({ action: "ListVolumes", kind: "answer", status: 200, body: "<html>portal</html>" });
        assert.match((await rejection(client.listVolumes({ imageId: image }, deadline()))).message, /unexpected response shape/);
        fake.faults.push({ action: "DeleteVolume", kind: "answer", status: 200, body: "<html>portal</html>" });
        assert.match(
            (await rejection(client.deleteVolume(v.VolumeId, deadline()))).message,
            /^agentbay delete volume vol-1: unexpected response shape/,
        );
        assert.ok(fake.volumes.has(v.VolumeId));
        // A success that carries an empty Data is an empty page.
        fake.faults.push({ action: "ListVolumes", kind: "answer", status: 200, body: { Success: true, RequestId: "R", Data: null } });
        assert.deepEqual(await client.listVolumes({ imageId: image }, deadline()), []);
    });

    it("NOT_LOGIN names the key's config key, env var and the endpoint used, never the key", async () => {
        const wrong = "akm-wrongKey9876543210";
        const e = await rejection(new AgentBayClient(fake.url, wrong).listVolumes({ imageId: image }, deadline()));
        assert.ok(e instanceof ApiError);
        assert.equal((e as unknown as ApiError).code, "NOT_LOGIN");
        for (const part of ["`agentbay:apiKey`", "AGENTBAY_API_KEY", fake.url, "AGENTBAY_ENDPOINT", "not logged in", "400 NOT_LOGIN"]) {
            assert.ok(e.message.includes(part), `${part} in: ${e.message}`);
        }
        assert.ok(!e.message.includes(wrong) && !e.message.includes(key) && !e.message.includes("akm-"), e.message);
        assert.ok(!e.message.includes("\n"));
        assert.equal(fake.seen.length, 1, "a refused key is not retried");
    });

    it("a transient code is retried with a fresh Timestamp and SignatureNonce on every attempt", async () => {
        const clock = fakeClock();
        const slow = new AgentBayClient(fake.url, key, { clock, policy: { ...defaultRetryPolicy, baseDelayMs: 2000 }, random: () => 0.9 });
        for (const code of ["Throttling.User", "ServiceUnavailable"]) {
            fake.faults.push({
                action: "ListVolumes",
                kind: "answer",
                status: 200,
                body: { RequestId: "R", Success: false, Code: code, Message: "later" },
            });
        }
        fake.add(image, "data");
        assert.equal((await slow.listVolumes({ imageId: image }, Deadline.in(60, "read", clock))).length, 1);
        assert.equal(fake.seen.length, 3);
        const nonces = fake.seen.map((s) => s.query.get("SignatureNonce"));
        const stamps = fake.seen.map((s) => s.query.get("Timestamp"));
        assert.equal(new Set(nonces).size, 3, String(nonces));
        assert.equal(new Set(stamps).size, 3, String(stamps));
        assert.equal(stamps[0], "2026-01-01T00:00:00Z");
    });

    it("a lost GetVolume response is ambiguous and not resent; a lost ListVolumes response is", async () => {
        fake.faults.push({ action: "GetVolume", kind: "lose" });
        const e = await rejection(client.getOrCreateVolume(image, "data", deadline()));
        assert.ok(e instanceof AmbiguousRequestError, e.message);
        assert.equal(fake.seen.length, 1);
        assert.equal(fake.volumes.size, 1, "the server made it");
        fake.faults.push({ action: "ListVolumes", kind: "lose" });
        assert.equal((await client.listVolumes({ imageId: image, name: "data" }, deadline())).length, 1);
        assert.equal(fake.seen.length, 3);
    });

    it("a GetVolume that hangs gives up early, keeping part of the deadline for the provider's lookup", async () => {
        fake.faults.push({ action: "GetVolume", kind: "hang" });
        const create = Deadline.in(2, "create");
        const e = await rejection(client.getOrCreateVolume(image, "data", create));
        assert.ok(e instanceof AmbiguousRequestError, e.message);
        assert.ok(create.remaining() >= 500, `left ${create.remaining()} ms`);
        assert.equal(fake.seen.length, 1);
    });

    it("GetVolume that succeeds without a VolumeId is ambiguous: a volume may exist", async () => {
        fake.faults.push({
            action: "GetVolume",
            kind: "answer",
            status: 200,
            body: { RequestId: "R5", Success: true, Data: { VolumeId: "" } },
        });
        const e = await rejection(client.getOrCreateVolume(image, "data", deadline()));
        assert.ok(e instanceof AmbiguousRequestError, e.message);
        assert.match(e.message, /GetVolume succeeded but its Data has no VolumeId.*request R5/);
    });

    it("DeleteVolume of a volume already gone is done; an action the endpoint does not serve is an error, not 'gone'", async () => {
        const v = fake.add(image, "data");
        assert.equal(await client.deleteVolume(v.VolumeId, deadline()), true);
        assert.equal(await client.deleteVolume(v.VolumeId, deadline()), false);
        fake.faults.push({
            action: "DeleteVolume",
            kind: "answer",
            status: 404,
            body: { RequestId: "R6", Code: "InvalidAction.NotFound", Message: "Specified api is not found" },
        });
        const e = await rejection(client.deleteVolume("vol-1", deadline()));
        assert.ok(e instanceof ApiError);
        assert.match(e.message, /does not serve this action/);
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
        assert.equal(agentbaySession().endpoint, "https://wuyingai.ap-southeast-1.aliyuncs.com");
        setStackConfig(undefined);
        assert.equal(agentbaySession().endpoint, "http://127.0.0.1:1");
    });
});
