/** startEmulator, auth, the request log, rate limits, knobs and the CLI. */
import { strict as assert } from "node:assert";
import { startEmulator } from "../../emulator";
import { call, clock, createBody, createVolume, runCli, useEmulator } from "./helpers";

const volumesPath = "/v1/apps/demo/volumes";

describe("startEmulator", () => {
    it("listens on loopback and exports FLY_API_URL and a generated emulator-<32 hex> FLY_API_TOKEN", async () => {
        const emu = await startEmulator();
        try {
            assert.match(emu.urls.fly, /^http:\/\/127\.0\.0\.1:\d+$/);
            assert.match(emu.token, /^emulator-[0-9a-f]{32}$/);
            // Every cloud in the table adds its own variables; Fly's are these two.
            assert.equal(emu.env["FLY_API_URL"], emu.urls.fly);
            assert.equal(emu.env["FLY_API_TOKEN"], emu.token);
        } finally {
            await emu.close();
        }
        await emu.close(); // idempotent
        await assert.rejects(fetch(`${emu.urls.fly}${volumesPath}`));
    });

    it("accepts the token it is given and starts from the default knobs merged with options.knobs", async () => {
        const emu = await startEmulator({ token: "emulator-test", knobs: { latencyMs: 1, fly: { timeToReadyMs: 7 } } });
        try {
            assert.equal(emu.env["FLY_API_TOKEN"], "emulator-test");
            const knobs = emu.knobs();
            assert.equal(knobs.latencyMs, 1);
            assert.equal(knobs.fly.timeToReadyMs, 7);
            assert.equal(knobs.fly.timeToExtendMs, 500);
            assert.deepEqual(knobs.fly.rateLimit, { perSecond: 1, burst: 3 });
            assert.equal(knobs.fly.softDeletedGet, "200");
            assert.equal(knobs.fly.retryAfterOn429, undefined);
            emu.configure({ fly: { rateLimit: false } });
            emu.configure({ fly: { rateLimit: { burst: 5 } } });
            assert.deepEqual(emu.knobs().fly.rateLimit, { perSecond: 1, burst: 5 });
            emu.configure({ fly: { timeToReadyMs: undefined } });
            assert.equal(emu.knobs().fly.timeToReadyMs, 500);
        } finally {
            await emu.close();
        }
    });
});

describe("fly emulator: auth and the request log", () => {
    const emu = useEmulator();

    it("accepts `FlyV1 <token>` and `Bearer <token>` and refuses anything else with 401", async () => {
        const t = emu().token;
        assert.equal((await call(emu(), "GET", volumesPath, { auth: `FlyV1 ${t}` })).status, 200);
        assert.equal((await call(emu(), "GET", volumesPath, { auth: `Bearer ${t}` })).status, 200);
        for (const auth of [null, `Bearer ${t}x`, `Basic ${t}`, t, "Bearer "]) {
            const reply = await call<{ error: string }>(emu(), "GET", volumesPath, { auth });
            assert.equal(reply.status, 401, String(auth));
            assert.match(reply.body.error, /unauthorized/);
        }
        assert.deepEqual(emu().inventory().fly, []);
    });

    it("logs the auth scheme of each request but never the token or Authorization value", async () => {
        const t = emu().token;
        await call(emu(), "GET", volumesPath, { auth: `FlyV1 ${t}` });
        await call(emu(), "GET", volumesPath, { auth: `Bearer ${t}` });
        await call(emu(), "GET", volumesPath, { auth: null });
        await call(emu(), "GET", volumesPath, { auth: `Basic ${t}` });
        await call(emu(), "GET", volumesPath, { auth: t });
        await call(emu(), "GET", `/v1/apps/${t}/volumes?x=${t}`);
        const log = emu().requests();
        assert.deepEqual(
            log.map((r) => r.authScheme),
            ["FlyV1", "Bearer", "none", "Basic", "malformed", "Bearer"],
        );
        assert.ok(!JSON.stringify(log).includes(t));
        assert.equal(log[5]?.path, "/v1/apps/[redacted]/volumes");
    });

    it("records cloud, method, path, query, status, time and duration of every request, in order", async () => {
        const before = Date.now();
        await call(emu(), "GET", `${volumesPath}?summary=true`);
        await call(emu(), "POST", volumesPath, { body: createBody({ size_gb: 0 }) });
        const [list, create] = emu().requests();
        assert.deepEqual(
            { cloud: list?.cloud, method: list?.method, path: list?.path, query: list?.query, status: list?.status },
            { cloud: "fly", method: "GET", path: volumesPath, query: { summary: "true" }, status: 200 },
        );
        assert.equal(create?.status, 400);
        assert.ok((list?.at ?? 0) >= before && (list?.durationMs ?? -1) >= 0);
        emu().clearRequests();
        assert.deepEqual(emu().requests(), []);
    });

    it("sends a unique fly-request-id on every response, errors included, and logs it", async () => {
        const replies = [
            await call(emu(), "GET", volumesPath),
            await call(emu(), "GET", volumesPath, { auth: null }),
            await call(emu(), "GET", "/v1/unknown"),
        ];
        const ids = replies.map((r) => r.headers.get("fly-request-id"));
        assert.equal(new Set(ids).size, 3);
        assert.deepEqual(
            emu()
                .requests()
                .map((r) => r.requestId),
            ids,
        );
    });

    it("adds latencyMs to every request", async () => {
        emu().configure({ latencyMs: 50 });
        const started = Date.now();
        await call(emu(), "GET", volumesPath);
        assert.ok(Date.now() - started >= 45);
    });

    it("forgets volumes, the log and faults on reset, keeping knobs", async () => {
        emu().configure({ fly: { timeToReadyMs: 5 } });
        await createVolume(emu());
        emu().setFaults([{ status: 500, times: Infinity }]);
        emu().reset();
        assert.deepEqual(emu().inventory().fly, []);
        assert.deepEqual(emu().requests(), []);
        assert.equal((await call(emu(), "GET", volumesPath)).status, 200);
        assert.equal(emu().knobs().fly.timeToReadyMs, 5);
    });
});

describe("fly emulator: rate limits", () => {
    const emu = useEmulator({ fly: { rateLimit: { perSecond: 1, burst: 3 } } });

    it("allows a burst of 3 per (app, action), then answers 429 without Retry-After and logs it", async () => {
        const statuses: number[] = [];
        for (let i = 0; i < 4; i++) statuses.push((await call(emu(), "GET", volumesPath)).status);
        assert.deepEqual(statuses, [200, 200, 200, 429]);
        const limited = await call(emu(), "GET", volumesPath);
        assert.deepEqual(limited.body, { error: "rate limit exceeded" });
        assert.equal(limited.headers.get("retry-after"), null);
        assert.equal(emu().requests()[3]?.status, 429);
        // other actions and other apps have their own buckets
        assert.equal((await call(emu(), "POST", volumesPath, { body: createBody() })).status, 200);
        assert.equal((await call(emu(), "GET", "/v1/apps/other/volumes")).status, 200);
    });

    it("recovers as the bucket refills at perSecond", async () => {
        emu().configure({ fly: { rateLimit: { perSecond: 20, burst: 1 } } });
        assert.equal((await call(emu(), "GET", volumesPath)).status, 200);
        assert.equal((await call(emu(), "GET", volumesPath)).status, 429);
        clock.advance(70);
        assert.equal((await call(emu(), "GET", volumesPath)).status, 200);
    });

    it("sends Retry-After when retryAfterOn429 is set", async () => {
        emu().configure({ fly: { rateLimit: { perSecond: 0.001, burst: 1 }, retryAfterOn429: 2 } });
        await call(emu(), "GET", volumesPath);
        const limited = await call(emu(), "GET", volumesPath);
        assert.equal(limited.status, 429);
        assert.equal(limited.headers.get("retry-after"), "2");
    });
});

describe("pulumi-volumes-emulator CLI", () => {
    it("prints only export lines on stdout, serves requests, and exits 0 on SIGTERM", async function () {
        this.timeout(15_000);
        // One export line per variable of every cloud in the table.
        const probe = await startEmulator({ token: "emulator-cli" });
        await probe.close();
        const expected = Object.keys(probe.env).map((name) => `export ${name}=`);
        const { lines, stop } = await runCli(["--token", "emulator-cli", "--ready-ms", "10", "--no-rate-limit"]);
        assert.deepEqual(
            lines.map((l) => l.slice(0, l.indexOf("=") + 1)),
            expected,
        );
        const flyUrl = lines.find((l) => l.startsWith("export FLY_API_URL=")) ?? "";
        assert.match(flyUrl, /^export FLY_API_URL=http:\/\/127\.0\.0\.1:\d+$/);
        assert.ok(lines.includes("export FLY_API_TOKEN=emulator-cli"));
        // Everything a program needs to run against it unchanged, NeevCloud's org and project and AgentBay's key included.
        for (const line of [
            "export NEEVCLOUD_ORG_ID=emulator-org",
            "export NEEVCLOUD_PROJECT_ID=emulator-project",
            "export AGENTBAY_API_KEY=akm-emu_emulator-cli",
        ]) {
            assert.ok(lines.includes(line), line);
        }
        assert.ok(lines.some((l) => /^export AGENTBAY_ENDPOINT=http:\/\/127\.0\.0\.1:\d+$/.test(l)));
        const url = flyUrl.slice("export FLY_API_URL=".length);
        const res = await fetch(`${url}${volumesPath}`, { headers: { authorization: "Bearer emulator-cli" } });
        assert.equal(res.status, 200);
        await res.text();
        assert.equal(await stop(), 0);
    });
});
