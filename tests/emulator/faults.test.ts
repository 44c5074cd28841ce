/** Injected faults behave as documented on `Fault`, and every firing is logged. */
import { strict as assert } from "node:assert";
import type { FlyVolume } from "../../emulator";
import { call, createBody, createVolume, useEmulator } from "./helpers";

const volumesPath = "/v1/apps/demo/volumes";

describe("emulator faults", () => {
    const emu = useEmulator();

    it("answers an injected status with Retry-After and the cloud's error body, once by default", async () => {
        emu().setFaults([{ path: volumesPath, status: 503, retryAfter: 7 }]);
        const first = await call<{ error: string }>(emu(), "GET", volumesPath);
        assert.equal(first.status, 503);
        assert.equal(first.headers.get("retry-after"), "7");
        assert.match(first.headers.get("fly-request-id") ?? "", /.+/);
        assert.equal(typeof first.body.error, "string");
        assert.equal((await call(emu(), "GET", volumesPath)).status, 200);
        assert.deepEqual(
            emu()
                .requests()
                .map((r) => [r.status, r.fault]),
            [
                [503, "status 503"],
                [200, undefined],
            ],
        );
    });

    it("lets the first `skip` matching requests through, then fires `times` times", async () => {
        emu().setFaults([{ path: volumesPath, skip: 1, times: 2, status: 500 }]);
        const statuses: number[] = [];
        for (let i = 0; i < 4; i++) statuses.push((await call(emu(), "GET", volumesPath)).status);
        assert.deepEqual(statuses, [200, 500, 500, 200]);
    });

    it("fires for ever with times: Infinity", async () => {
        emu().setFaults([{ path: volumesPath, times: Infinity, status: 502 }]);
        for (let i = 0; i < 3; i++) assert.equal((await call(emu(), "GET", volumesPath)).status, 502);
    });

    it("injects a custom JSON body (no capacity) without applying the create", async () => {
        emu().setFaults([{ method: "POST", path: volumesPath, status: 400, body: { error: "no capacity" } }]);
        const reply = await call(emu(), "POST", volumesPath, { body: createBody() });
        assert.equal(reply.status, 400);
        assert.deepEqual(reply.body, { error: "no capacity" });
        assert.deepEqual(emu().inventory().fly, []);
    });

    it("injects a raw non-JSON body verbatim", async () => {
        emu().setFaults([{ path: volumesPath, status: 502, rawBody: "<html>Bad Gateway</html>" }]);
        const reply = await call(emu(), "GET", volumesPath);
        assert.equal(reply.status, 502);
        assert.equal(reply.text, "<html>Bad Gateway</html>");
        assert.match(reply.headers.get("content-type") ?? "", /^text\/plain/);
    });

    it("drops the connection before handling: the client sees a transport error and nothing is created", async () => {
        emu().setFaults([{ method: "POST", path: volumesPath, drop: true }]);
        await assert.rejects(call(emu(), "POST", volumesPath, { body: createBody() }));
        assert.deepEqual(emu().inventory().fly, []);
        const [entry] = emu().requests();
        assert.equal(entry?.fault, "drop");
        assert.equal(entry?.status, 0);
    });

    it("loses the response after committing: the client sees a transport error but the volume exists", async () => {
        emu().setFaults([{ method: "POST", path: volumesPath, loseResponse: true }]);
        await assert.rejects(call(emu(), "POST", volumesPath, { body: createBody() }));
        const inventory = emu().inventory().fly;
        assert.equal(inventory.length, 1);
        assert.equal(inventory[0]?.name, "data");
        const [entry] = emu().requests();
        assert.equal(entry?.fault, "loseResponse");
        assert.equal(entry?.status, 200);
        // the next request on a fresh connection is served normally
        assert.equal((await call<FlyVolume[]>(emu(), "GET", volumesPath)).body.length, 1);
    });

    it("afterCommit answers with the fault after committing: a 500 or a proxy's page, and the volume exists", async () => {
        emu().setFaults([{ method: "POST", path: volumesPath, status: 500, afterCommit: true }]);
        const reply = await call(emu(), "POST", volumesPath, { body: createBody() });
        assert.equal(reply.status, 500);
        assert.equal(emu().inventory().fly.length, 1);
        assert.equal(emu().requests()[0]?.fault, "status 500 after commit (200)");
        assert.throws(() => emu().setFaults([{ method: "POST", afterCommit: true, drop: true }]), /afterCommit/);
    });

    it("delays a request by delayMs and logs the delay", async () => {
        emu().setFaults([{ path: volumesPath, delayMs: 60 }]);
        const started = Date.now();
        assert.equal((await call(emu(), "GET", volumesPath)).status, 200);
        assert.ok(Date.now() - started >= 55);
        assert.equal(emu().requests()[0]?.fault, "delay 60ms");
        assert.ok((emu().requests()[0]?.durationMs ?? 0) >= 55);
    });

    it("matches paths exactly, by prefix ending in `*`, or by RegExp; and by method and cloud", async () => {
        const id = await createVolume(emu());
        const get = (): Promise<number> => call(emu(), "GET", `${volumesPath}/${id}`).then((r) => r.status);
        emu().setFaults([{ path: volumesPath, status: 500 }]);
        assert.equal(await get(), 200);
        emu().setFaults([{ path: `${volumesPath}*`, status: 500 }]);
        assert.equal(await get(), 500);
        emu().setFaults([{ path: /\/volumes\/vol_/, status: 501 }]);
        assert.equal(await get(), 501);
        emu().setFaults([{ method: "DELETE", path: `${volumesPath}*`, status: 500 }]);
        assert.equal(await get(), 200);
        emu().setFaults([{ cloud: "neevcloud", status: 500 }]);
        assert.equal(await get(), 200);
        emu().setFaults([{ cloud: "fly", method: "get", status: 504 }]);
        assert.equal(await get(), 504);
    });

    it("matches on query parameters and on the RPC action (a REST request has none); requests() filters the same way", async () => {
        emu().setFaults([
            { path: volumesPath, query: { x: "1" }, status: 500 },
            { cloud: "fly", action: "ListVolumes", status: 501 },
        ]);
        assert.equal((await call(emu(), "GET", `${volumesPath}?x=2`)).status, 200);
        assert.equal((await call(emu(), "GET", `${volumesPath}?y=0&x=1`)).status, 500);
        assert.deepEqual(
            emu()
                .requests({ query: { x: "1" } })
                .map((r) => r.status),
            [500],
        );
        assert.deepEqual(emu().requests({ cloud: "fly", method: "GET", path: volumesPath }).length, 2);
        assert.deepEqual(emu().requests({ action: "ListVolumes" }), []);
    });

    it("counts skip over all matching requests, so faults can be sequenced", async () => {
        emu().setFaults([
            { path: volumesPath, status: 503, times: 2 },
            { path: volumesPath, skip: 2, status: 429 },
        ]);
        const statuses: number[] = [];
        for (let i = 0; i < 4; i++) statuses.push((await call(emu(), "GET", volumesPath)).status);
        assert.deepEqual(statuses, [503, 503, 429, 200]);
    });

    it("replaces the fault list on setFaults and refuses invalid faults", async () => {
        emu().setFaults([{ path: volumesPath, status: 500, times: Infinity }]);
        emu().setFaults([]);
        assert.equal((await call(emu(), "GET", volumesPath)).status, 200);
        assert.throws(() => emu().setFaults([{ drop: true, status: 500 }]), TypeError);
        assert.throws(() => emu().setFaults([{ path: volumesPath }]), TypeError);
        assert.throws(() => emu().setFaults([{ status: 42 }]), TypeError);
        assert.throws(() => emu().setFaults([{ status: 500, times: -1 }]), TypeError);
    });

    it("applies faults before auth and rate limits, as a proxy in front of the API would", async () => {
        emu().setFaults([{ path: volumesPath, status: 503 }]);
        assert.equal((await call(emu(), "GET", volumesPath, { auth: null })).status, 503);
    });
});
