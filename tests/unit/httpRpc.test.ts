import { strict as assert } from "node:assert";
import { randomUUID } from "node:crypto";
import { type Clock, Deadline } from "../../provider/core/deadline";
import { AmbiguousRequestError, ApiError } from "../../provider/core/errors";
import { flattenForm } from "../../provider/agentbay/client";
import { type CloudErrorInfo, formBody, HttpClient, type HttpClientOptions, type HttpRequest, queryString } from "../../provider/core/http";
import { defaultRetryPolicy, type RetryPolicy } from "../../provider/core/retry";
import { closeAllPools } from "../../provider/core/transport";
import { registerSecret } from "../../provider/core/secrets";
import { fakeClock, json, type Loopback, loopback, type Seen } from "./httpLoopback";
import { present } from "../support/present";

/**
 * The RPC seams, as AgentBay's POP RPC uses them: every action a `POST /?Action=…`, a fresh
 * Timestamp and SignatureNonce per attempt, the key in the FORM BODY, failures as HTTP 200 with
 * `Success: false`, HTTP 4xx with a POP error body.
 */
const key = "akm-rpc_test_key_0123456789";

function envelope(body: unknown): CloudErrorInfo {
    const b = body as { Code?: string; Message?: string; RequestId?: string; HttpStatusCode?: number };
    return { code: b.Code, message: b.Message, requestId: b.RequestId, status: b.HttpStatusCode };
}

function rpcClient(
    url: string,
    clock: Clock,
    policy: RetryPolicy = defaultRetryPolicy,
    extra: Partial<HttpClientOptions> = {},
): HttpClient {
    return new HttpClient({
        cloud: "agentbay",
        baseUrl: url,
        endpointSource: "`agentbay:endpoint` or AGENTBAY_ENDPOINT",
        prepare: () => ({
            query: {
                Format: "json",
                Version: "2025-05-06",
                Timestamp: new Date(clock.now()).toISOString().replace(/\.\d{3}Z$/, "Z"),
                SignatureNonce: randomUUID(),
            },
            form: { Authorization: `Bearer ${key}` },
        }),
        requestIdHeaders: [],
        parseError: (_status, body) => envelope(body),
        classify: (res) => {
            const b = res.body as { Success?: unknown } | undefined;
            return b && typeof b === "object" && b.Success === true ? undefined : envelope(res.body);
        },
        retryCodes: ["ServiceUnavailable", "Throttling"],
        clock,
        policy,
        random: () => 0.9,
        ...extra,
    });
}

function action(name: string, deadline: Deadline, extra: Partial<HttpRequest> = {}): HttpRequest {
    return {
        method: "POST",
        kind: "read",
        path: "/",
        query: { Action: name },
        form: { ImageId: "imgc-1", MaxResults: "10" },
        operation: "list volumes",
        target: "in image imgc-1",
        deadline,
        ...extra,
    };
}

function query(s: Seen): URLSearchParams {
    return new URL(s.url, "http://x").searchParams;
}

describe("http core: RPC", () => {
    let server: Loopback | undefined;
    before(() => registerSecret(key));
    afterEach(async () => {
        await server?.close();
        server = undefined;
    });
    after(closeAllPools);

    it("classifies Success:false, retries a transient code with a fresh nonce and timestamp, key only in the form body", async () => {
        server = await loopback((_req, res, n) =>
            n < 2
                ? json(res, 200, { Success: false, Code: "ServiceUnavailable", Message: "busy", RequestId: `R${n}`, HttpStatusCode: 503 })
                : json(res, 200, { Success: true, Code: "ok", RequestId: "R2", Data: [{ VolumeId: "vol-1" }] }),
        );
        const clock = fakeClock();
        // Backoff of whole seconds, so the second-resolution Timestamp must change between attempts.
        const slow = { ...defaultRetryPolicy, firstMs: 2000 };
        const res = await rpcClient(server.url, clock, slow).request(action("ListVolumes", Deadline.in(60, "read", clock)));
        assert.deepEqual((res.body as { Data: unknown }).Data, [{ VolumeId: "vol-1" }]);
        assert.equal(server.seen.length, 3);
        const nonces = server.seen.map((s) => query(s).get("SignatureNonce"));
        const stamps = server.seen.map((s) => query(s).get("Timestamp"));
        assert.equal(new Set(nonces).size, 3, `nonces ${nonces}`);
        assert.equal(new Set(stamps).size, 3, `timestamps ${stamps}`);
        for (const s of server.seen) {
            assert.equal(query(s).get("Action"), "ListVolumes");
            assert.match(query(s).get("Timestamp") ?? "", /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
            assert.equal(s.headers["content-type"], "application/x-www-form-urlencoded");
            assert.ok(s.body.includes(`Authorization=Bearer%20${key}`), s.body);
            assert.equal(new URLSearchParams(s.body).get("ImageId"), "imgc-1");
            assert.ok(!JSON.stringify(s.headers).includes(key), "the key is never in a header");
            assert.ok(!s.url.includes(key), "nor in the query");
        }
    });

    it("a failure names the code, message and request id, and never the key", async () => {
        server = await loopback((req, res) =>
            json(res, 200, {
                Success: false,
                Code: "InvalidParameter",
                Message: `bad request body: ${req.body}\nsee docs`,
                RequestId: "REQ-42",
                HttpStatusCode: 400,
            }),
        );
        const clock = fakeClock();
        const e = await rpcClient(server.url, clock)
            .request(action("ListVolumes", Deadline.in(60, "read", clock)))
            .then(
                () => assert.fail("should fail"),
                (err: unknown) => err as Error,
            );
        assert.ok(e instanceof ApiError, e.message);
        assert.equal(e.code, "InvalidParameter");
        assert.equal(e.details.requestId, "REQ-42");
        assert.equal(server.seen.length, 1, "a non-transient code is not retried");
        assert.match(
            e.message,
            /^agentbay list volumes in image imgc-1: bad request body: .* see docs \(400 InvalidParameter, request REQ-42\)$/,
        );
        assert.ok(!e.message.includes(key) && !e.message.includes("akm-"), e.message);
    });

    it("an HTTP 400 POP error (NOT_LOGIN) is read from the error body", async () => {
        server = await loopback((_req, res) =>
            json(res, 400, {
                RequestId: "R9",
                HostId: "h",
                Code: "NOT_LOGIN",
                Message: "You are not logged in or your login token has expired",
            }),
        );
        const clock = fakeClock();
        const e = await rpcClient(server.url, clock)
            .request(action("ListVolumes", Deadline.in(60, "read", clock)))
            .then(
                () => assert.fail("should fail"),
                (err: unknown) => err as ApiError,
            );
        assert.equal(e.status, 400);
        assert.equal(e.code, "NOT_LOGIN");
        assert.equal(e.details.requestId, "R9");
    });

    it("a create-like action answered with a transient code is not resent: it is ambiguous", async () => {
        server = await loopback((_req, res) =>
            json(res, 200, { Success: false, Code: "ServiceUnavailable", Message: "busy", RequestId: "R1" }),
        );
        const clock = fakeClock();
        const req = action("GetVolume", Deadline.in(60, "create", clock), { kind: "create", operation: "create volume" });
        const e = await rpcClient(server.url, clock)
            .request(req)
            .then(
                () => assert.fail("should fail"),
                (err: unknown) => err as Error,
            );
        assert.ok(e instanceof AmbiguousRequestError, e.message);
        assert.equal(server.seen.length, 1);
    });

    it("a create answered with a not-processed code (throttling) is resent, never ambiguous", async () => {
        server = await loopback((_req, res, n) =>
            n === 0
                ? json(res, 200, { Success: false, Code: "Throttling.User", Message: "slow down", RequestId: "R1", HttpStatusCode: 400 })
                : json(res, 200, { Success: true, Code: "ok", Data: { VolumeId: "vol-1" } }),
        );
        const clock = fakeClock();
        const req = action("GetVolume", Deadline.in(60, "create", clock), { kind: "create", operation: "create volume" });
        const res = await rpcClient(server.url, clock, defaultRetryPolicy, { notProcessedCodes: ["Throttling.User"] }).request(req);
        assert.deepEqual((res.body as { Data: unknown }).Data, { VolumeId: "vol-1" });
        assert.equal(server.seen.length, 2);
    });

    it("without notProcessedCodes the same throttled create is ambiguous (a transient code only), and not resent", async () => {
        server = await loopback((_req, res) =>
            json(res, 200, { Success: false, Code: "Throttling", Message: "slow down", RequestId: "R1", HttpStatusCode: 400 }),
        );
        const clock = fakeClock();
        const req = action("GetVolume", Deadline.in(60, "create", clock), { kind: "create", operation: "create volume" });
        const e = await rpcClient(server.url, clock)
            .request(req)
            .then(
                () => assert.fail("should fail"),
                (err: unknown) => err as Error,
            );
        assert.ok(e instanceof AmbiguousRequestError, e.message);
        assert.equal(server.seen.length, 1);
    });

    it("the query string is encoded with encodeURIComponent: a space is %20, never +", async () => {
        assert.equal(
            queryString({ Action: "ListVolumes", NextToken: "a b+c/d=e&f", Skip: undefined }),
            "?Action=ListVolumes&NextToken=a%20b%2Bc%2Fd%3De%26f",
        );
        assert.equal(queryString({}), "");
        assert.equal(queryString(undefined), "");
        server = await loopback((_req, res) => json(res, 200, { Success: true, Data: [] }));
        const clock = fakeClock();
        await rpcClient(server.url, clock).request(
            action("ListVolumes", Deadline.in(60, "read", clock), { query: { Action: "ListVolumes", NextToken: "x y" } }),
        );
        assert.match(present(server.seen[0]).url, /[?&]NextToken=x%20y(&|$)/);
        assert.ok(!present(server.seen[0]).url.includes("+"), present(server.seen[0]).url);
    });

    it("flattens RPC parameters and encodes them as the official transport does", () => {
        const form = flattenForm({
            ImageId: "imgc-1",
            MaxResults: 10,
            AllowCreate: false,
            VolumeIds: ["vol-1", "vol-2"],
            Tag: { A: "x y" },
            No: undefined,
        });
        assert.deepEqual(form, {
            ImageId: "imgc-1",
            MaxResults: "10",
            AllowCreate: "false",
            "VolumeIds.1": "vol-1",
            "VolumeIds.2": "vol-2",
            "Tag.A": "x y",
        });
        assert.equal(formBody({ Authorization: "Bearer akm-x", "Tag.A": "x y&z" }), "Authorization=Bearer%20akm-x&Tag.A=x%20y%26z");
    });
});
