import { strict as assert } from "node:assert";
import { spawnSync } from "node:child_process";
import * as path from "node:path";
import { Deadline, realClock } from "../../provider/core/deadline";
import { AmbiguousRequestError, ApiError, DeadlineError } from "../../provider/core/errors";
import { HttpClient, type HttpClientOptions, type HttpRequest } from "../../provider/core/http";
import { closeAllPools, endpointUrl } from "../../provider/core/transport";
import { FlyClient } from "../../provider/fly/client";
import { fakeClock, json, type Loopback, loopback } from "./httpLoopback";

function client(server: Loopback, extra: Partial<HttpClientOptions> = {}): HttpClient {
    return new HttpClient({
        cloud: "fly",
        baseUrl: server.url,
        headers: () => ({ authorization: "Bearer test-token-123" }),
        requestIdHeaders: ["x-request-id"],
        parseError: (_s, body) => ({ message: (body as { error?: string }).error }),
        random: () => 0.5,
        ...extra,
    });
}

function get(deadline: Deadline, extra: Partial<HttpRequest> = {}): HttpRequest {
    return { method: "GET", kind: "read", path: "/v", operation: "read volume", target: "app/vol_1", deadline, ...extra };
}

async function failure(p: Promise<unknown>): Promise<Error> {
    return p.then(
        () => assert.fail("expected a failure"),
        (e: unknown) => e as Error,
    );
}

describe("http core", () => {
    let server: Loopback | undefined;
    afterEach(async () => {
        await server?.close();
        server = undefined;
    });
    after(closeAllPools);

    describe("retries", () => {
        it("a server answering 503 + Retry-After: 0 for 3 s sees a few requests, not a tight loop", async () => {
            server = await loopback((_r, res) => json(res, 503, { error: "busy" }, { "retry-after": "0" }));
            const clock = fakeClock();
            const deadline = Deadline.in(3, "update", clock);
            const e = await failure(client(server, { clock }).request(get(deadline)));
            assert.ok(e instanceof ApiError && e.status === 503, e.message);
            assert.ok(server.seen.length >= 3 && server.seen.length <= 6, `${server.seen.length} requests`);
            assert.ok(
                clock.slept.every((ms) => ms >= 125),
                `slept ${clock.slept}`,
            );
            assert.ok(clock.now() <= deadline.at, "the loop ends within the deadline");
        });

        it("junk Retry-After falls back to backoff", async () => {
            server = await loopback((_r, res, n) => (n < 2 ? json(res, 503, {}, { "retry-after": "soon 1" }) : json(res, 200, { ok: 1 })));
            const clock = fakeClock();
            const res = await client(server, { clock }).request(get(Deadline.in(60, "read", clock)));
            assert.deepEqual(res.body, { ok: 1 });
            assert.deepEqual(clock.slept, [125, 250], "full jitter (random 0.5) below 250 then 500 ms");
        });

        it("sends nothing once the deadline has passed", async () => {
            server = await loopback((_r, res) => json(res, 200, {}));
            const clock = fakeClock();
            const deadline = Deadline.in(1, "create", clock);
            await clock.sleep(1000);
            const e = await failure(client(server, { clock }).request(get(deadline)));
            assert.ok(e instanceof DeadlineError, e.message);
            assert.match(e.message, /fly read volume app\/vol_1: gave up after 1 s; raise timeouts.create/);
            assert.equal(server.seen.length, 0);
        });

        it("a read is resent after a 5xx and a reset; a write too", async () => {
            server = await loopback((_r, res, n) =>
                n === 0 ? json(res, 502, {}) : n === 1 ? res.socket?.destroy() : json(res, 200, { n }),
            );
            const clock = fakeClock();
            const res = await client(server, { clock }).request(get(Deadline.in(60, "read", clock)));
            assert.deepEqual(res.body, { n: 2 });
            server.seen.length = 0;
            const put = await client(server, { clock }).request(get(Deadline.in(60, "update", clock), { method: "PUT", kind: "write" }));
            assert.equal(put.status, 200);
        });

        it("a create is never resent after a 5xx or a reset: the failure is ambiguous", async () => {
            for (const answer of ["503", "reset"]) {
                server = await loopback((_r, res) => (answer === "503" ? json(res, 503, { error: "oops" }) : res.socket?.destroy()));
                const clock = fakeClock();
                const req = get(Deadline.in(60, "create", clock), { method: "POST", kind: "create", json: { name: "v" } });
                const e = await failure(client(server, { clock }).request(req));
                assert.ok(e instanceof AmbiguousRequestError, `${answer}: ${e.message}`);
                assert.equal(server.seen.length, 1, answer);
                await server.close();
            }
            server = undefined;
        });

        it("a create is resent after a 429 (not processed); a 4xx is final and not ambiguous", async () => {
            server = await loopback((_r, res, n) => (n === 0 ? json(res, 429, {}) : json(res, 422, { error: "bad size" })));
            const clock = fakeClock();
            const req = get(Deadline.in(60, "create", clock), { method: "POST", kind: "create", json: {} });
            const e = await failure(client(server, { clock }).request(req));
            assert.ok(e instanceof ApiError && !(e instanceof AmbiguousRequestError), e.message);
            assert.equal(e.status, 422);
            assert.equal(server.seen.length, 2);
        });
    });

    describe("the deadline bounds the whole response", () => {
        it("a body trickling one byte at a time cannot keep a request past its deadline", async () => {
            server = await loopback((_r, res) => {
                res.writeHead(200, { "content-type": "application/json", "content-length": "100000" });
                const timer = setInterval(() => (res.destroyed ? clearInterval(timer) : res.write(" ")), 50);
                res.on("close", () => clearInterval(timer));
            });
            const started = Date.now();
            const req = get(Deadline.in(1, "create", realClock), { method: "POST", kind: "create" });
            const e = await failure(client(server).request(req));
            const took = Date.now() - started;
            // The trickle would take 83 minutes; room for a busy machine, not a race with it.
            assert.ok(took < 10_000, `took ${took} ms`);
            assert.ok(e instanceof AmbiguousRequestError, e.message);
            assert.match(e.message, /no complete response within 1 s from http:\/\/127\.0\.0\.1:\d+/);
        });

        it("a create on a reserved deadline leaves the rest of the operation's time for the lookup", async () => {
            server = await loopback(() => undefined); // never answers
            const operation = Deadline.in(4, "create", realClock);
            const req = get(operation.reserve(2000), { method: "POST", kind: "create" });
            const e = await failure(client(server).request(req));
            assert.ok(e instanceof AmbiguousRequestError, e.message);
            // The attempt was bounded by the reserved 2 s (the operation's would say 4 s), and ended
            // with time left: a margin of 2 s, not a race with a busy machine.
            assert.match(e.message, /no complete response within 2 s/);
            assert.ok(operation.remaining() > 0, `left ${operation.remaining()} ms`);
        });
    });

    describe("a wrong API URL", () => {
        it("fails in seconds, naming the URL and where it is set", async () => {
            const dead = await loopback(() => undefined);
            const url = dead.url;
            await dead.close();
            const http = new HttpClient({
                cloud: "fly",
                baseUrl: url,
                endpointSource: "`fly:apiUrl` or FLY_API_URL",
                headers: () => ({}),
                requestIdHeaders: [],
                parseError: () => ({}),
                random: () => 0.5,
            });
            const started = Date.now();
            const e = await failure(http.request(get(Deadline.in(300, "read"))));
            assert.ok(Date.now() - started < 5000);
            assert.ok(e instanceof ApiError && e.code === "ECONNREFUSED", e.message);
            assert.equal(e.message, `fly read volume app/vol_1: cannot reach ${url} (ECONNREFUSED). check \`fly:apiUrl\` or FLY_API_URL`);
        });

        it("a bare host is https, a full URL is kept", () => {
            assert.equal(endpointUrl("wuyingai.cn-shanghai.aliyuncs.com")?.href, "https://wuyingai.cn-shanghai.aliyuncs.com/");
            assert.equal(endpointUrl("127.0.0.1:8443")?.origin, "https://127.0.0.1:8443");
            assert.equal(endpointUrl(" localhost:4000/storage ")?.href, "https://localhost:4000/storage");
            assert.equal(endpointUrl("http://127.0.0.1:4000/storage")?.href, "http://127.0.0.1:4000/storage");
            assert.equal(endpointUrl("ftp://x"), undefined);
            assert.equal(endpointUrl("http://"), undefined);
            assert.throws(
                () =>
                    new HttpClient({
                        cloud: "fly",
                        baseUrl: "http://",
                        endpointSource: "`fly:apiUrl`",
                        requestIdHeaders: [],
                        parseError: () => ({}),
                    }),
                /fly: the API URL 'http:\/\/' is not an http\(s\) URL or host; check `fly:apiUrl`/,
            );
        });
    });

    describe("what reaches the caller", () => {
        it("a JSON error body not in the cloud's shape still gives its message or error (a gateway's answer)", async () => {
            server = await loopback((req, res) =>
                req.url.endsWith("/m")
                    ? json(res, 400, { message: "bad gateway payload" })
                    : json(res, 400, { error: "quota exceeded", detail: 1 }),
            );
            const clock = fakeClock();
            const strict = client(server, { clock, parseError: () => ({}) });
            const e1 = await failure(strict.request(get(Deadline.in(5, "read", clock), { path: "/m" })));
            assert.match(e1.message, /: bad gateway payload \(400/);
            const e2 = await failure(strict.request(get(Deadline.in(5, "read", clock), { path: "/e" })));
            assert.match(e2.message, /: quota exceeded \(400/);
            const own = client(server, { clock, parseError: () => ({ message: "the cloud's own reading" }) });
            assert.match(
                (await failure(own.request(get(Deadline.in(5, "read", clock), { path: "/m" })))).message,
                /the cloud's own reading/,
            );
        });

        it("no raw library error: a hook that throws, a header undici refuses", async () => {
            server = await loopback((_r, res) => json(res, 200, { Success: false }));
            const clock = fakeClock();
            const broken = client(server, {
                clock,
                classify: () => {
                    throw new TypeError("cannot read properties of undefined");
                },
            });
            const e1 = await failure(broken.request(get(Deadline.in(5, "read", clock))));
            assert.ok(e1 instanceof ApiError, e1.message);
            assert.match(e1.message, /^fly read volume app\/vol_1: unexpected failure: cannot read properties of undefined/);
            const badHeader = client(server, { clock, headers: () => ({ authorization: "Bearer abc\r\ninjected: 1" }) });
            const e2 = await failure(badHeader.request(get(Deadline.in(5, "read", clock))));
            assert.ok(e2 instanceof ApiError, e2.message);
            assert.match(e2.message, /^fly read volume app\/vol_1: unexpected failure/);
        });

        it("a create whose hook throws before sending is a plain error, sent never and not 'maybe created' (issue 14 §3)", async () => {
            server = await loopback((_r, res) => json(res, 200, { id: "vol_1" }));
            const clock = fakeClock();
            const broken = client(server, {
                clock,
                prepare: () => {
                    throw new TypeError("cannot read properties of undefined (reading 'sign')");
                },
            });
            const e = await failure(broken.request(get(Deadline.in(60, "create", clock), { method: "POST", kind: "create" })));
            assert.ok(e instanceof ApiError && !(e instanceof AmbiguousRequestError), `${e.constructor.name}: ${e.message}`);
            assert.match(e.message, /the request could not be built, so nothing was sent: cannot read properties/);
            assert.equal(server.seen.length, 0);
            assert.deepEqual(clock.slept, [], "not retried");
            // A header undici refuses is refused before a byte is written: not ambiguous either.
            const badHeader = client(server, { clock, headers: () => ({ authorization: "Bearer abc\r\ninjected: 1" }) });
            const e2 = await failure(badHeader.request(get(Deadline.in(60, "create", clock), { method: "POST", kind: "create" })));
            assert.ok(e2 instanceof ApiError && !(e2 instanceof AmbiguousRequestError), e2.message);
            assert.equal(server.seen.length, 0);
        });

        it("beforeSend runs after the rate-limit slot is granted, right before the attempt (issue 14 §3)", async () => {
            server = await loopback((_r, res) => json(res, 200, { id: "vol_1" }));
            const clock = fakeClock();
            const c = client(server, { clock, rateLimit: { perSecond: 1, burst: 1 } });
            const start = clock.now();
            const ran: number[] = [];
            const beforeSend = async () => void ran.push(clock.now() - start);
            await c.request(get(Deadline.in(60, "create", clock), { rateKey: "k-slot", beforeSend }));
            await c.request(get(Deadline.in(60, "create", clock), { rateKey: "k-slot", beforeSend }));
            assert.deepEqual(ran, [0, 1000], "the second ran once its slot came, a second later");
        });

        it("a 404 is 'not found' only in the cloud's error shape: an HTML one is thrown even where 404 is allowed", async () => {
            server = await loopback((req, res) =>
                req.url.endsWith("/ours")
                    ? json(res, 404, { error: "volume not found" })
                    : void res.writeHead(404, { "content-type": "text/html" }).end("<html><body>Not Found</body></html>"),
            );
            const clock = fakeClock();
            const c = client(server, { clock, endpointSource: "`fly:apiUrl` or FLY_API_URL" });
            const ours = await c.request(get(Deadline.in(5, "read", clock), { path: "/ours", allowStatuses: [404] }));
            assert.equal(ours.status, 404);
            const e = await failure(c.request(get(Deadline.in(5, "read", clock), { path: "/theirs", allowStatuses: [404] })));
            assert.ok(e instanceof ApiError && e.status === 404 && e.details.cloudShaped === false, e.message);
            assert.match(e.message, /\/theirs answered 404 with an HTML page not in fly's error shape/);
            assert.match(e.message, /check `fly:apiUrl` or FLY_API_URL/);
            assert.equal(server.seen.length, 2, "not retried");
        });

        it("a null body is null, an empty one undefined; Fly's null list is an empty list", async () => {
            server = await loopback((req, res) => {
                if (req.url.endsWith("/empty")) return void res.writeHead(204).end();
                res.writeHead(200, { "content-type": "application/json" });
                res.end("null");
            });
            const clock = fakeClock();
            assert.equal((await client(server, { clock }).request(get(Deadline.in(5, "read", clock)))).body, null);
            const empty = await client(server, { clock }).request(get(Deadline.in(5, "read", clock), { path: "/empty" }));
            assert.equal(empty.body, undefined);
            assert.deepEqual(await new FlyClient(server.url, "tok").listVolumes("app", Deadline.in(5, "read")), []);
        });

        it("undici is not loaded until the first request", () => {
            const root = path.resolve(__dirname, "../..");
            const script = `
                const p = require(${JSON.stringify(path.join(root, "provider/index.js"))});
                require(${JSON.stringify(path.join(root, "provider/core/http.js"))});
                require(${JSON.stringify(path.join(root, "provider/fly/client.js"))});
                p.providerFor("fly:Volume"); p.providerFor("neevcloud:NetworkVolume");
                new (require(${JSON.stringify(path.join(root, "provider/fly/client.js"))}).FlyClient)("http://127.0.0.1:1", "t");
                const loaded = Object.keys(require.cache).some((k) => /[\\\\/]undici[\\\\/]/.test(k));
                process.stdout.write(String(loaded));`;
            const out = spawnSync(process.execPath, ["-e", script], { encoding: "utf8" });
            assert.equal(out.stderr, "");
            assert.equal(out.stdout, "false");
        });
    });
});
