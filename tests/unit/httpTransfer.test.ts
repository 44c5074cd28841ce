import { strict as assert } from "node:assert";
import { Readable } from "node:stream";
import { Deadline, realClock } from "../../provider/core/deadline";
import { ApiError, VolumeError } from "../../provider/core/errors";
import { HttpClient } from "../../provider/core/http";
import { closeAllPools } from "../../provider/core/transport";
import { transfer } from "../../provider/core/transfer";
import { fakeClock, json, type Loopback, loopback } from "./httpLoopback";

const signed = "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAEXAMPLE%2F20260101&X-Amz-Signature=0123456789abcdef0123";

describe("http core: transfers to presigned URLs", () => {
    let server: Loopback | undefined;
    afterEach(async () => {
        await server?.close();
        server = undefined;
    });
    after(closeAllPools);

    it("PUTs a body made afresh per attempt, retried like a write, with no credential header", async () => {
        server = await loopback((req, res, n) => {
            if (req.url.startsWith("/api")) return json(res, 200, {});
            if (n === 1) return json(res, 503, {});
            res.writeHead(200, { etag: '"abc"' }).end();
        });
        // The API client talks to the same server with its token first.
        const api = new HttpClient({
            cloud: "vm0",
            baseUrl: server.url,
            headers: () => ({ authorization: "Bearer vm0_live_0123456789abcdef" }),
            requestIdHeaders: [],
            parseError: () => ({}),
        });
        await api.request({ method: "GET", kind: "read", path: "/api", operation: "prepare", deadline: Deadline.in(5, "update") });
        const clock = fakeClock();
        let made = 0;
        const res = await transfer({
            cloud: "vm0",
            url: `${server.url}/bucket/org/archive.tar.gz?${signed}`,
            method: "PUT",
            headers: { "content-type": "application/gzip", "content-length": "5" },
            body: () => {
                made++;
                return Readable.from([Buffer.from("he"), Buffer.from("llo")]);
            },
            deadline: Deadline.in(60, "update", clock),
            operation: "upload archive",
            target: "vol-1",
            clock,
            random: () => 0.5,
        });
        assert.equal(res.status, 200);
        assert.equal(made, 2, "a stream is made again for the retry");
        const puts = server.seen.filter((s) => s.method === "PUT");
        assert.equal(puts.length, 2);
        assert.equal(server.seen[0]?.headers.authorization, "Bearer vm0_live_0123456789abcdef");
        for (const p of puts) {
            assert.equal(p.body, "hello");
            assert.equal(p.headers.authorization, undefined, "the API token never rides along");
            assert.equal(p.url, `/bucket/org/archive.tar.gz?${signed}`);
            assert.equal(p.headers["content-type"], "application/gzip");
        }
    });

    it("an error names origin and path, never the presigned query", async () => {
        server = await loopback((_req, res) => {
            res.writeHead(403, { "content-type": "application/xml", "x-amz-request-id": "S3REQ1" });
            res.end(
                `<?xml version="1.0"?><Error><Code>SignatureDoesNotMatch</Code><Message>The ` +
                    `request signature we calculated does not match</Message>` +
                    `<CanonicalQueryString>${signed}</CanonicalQueryString><RequestId>S3REQ1</RequestId></Error>`,
            );
        });
        const clock = fakeClock();
        const e = await transfer({
            cloud: "vm0",
            url: `${server.url}/bucket/manifest.json?${signed}`,
            method: "PUT",
            body: () => "{}",
            deadline: Deadline.in(60, "update", clock),
            operation: "upload manifest",
            target: "vol-1",
            clock,
        }).then(
            () => assert.fail("should fail"),
            (err: unknown) => err as ApiError,
        );
        assert.ok(e instanceof ApiError);
        assert.equal(server.seen.length, 1, "a 403 is final");
        assert.equal(e.code, "SignatureDoesNotMatch");
        assert.ok(e.message.includes(`${server.url}/bucket/manifest.json:`), e.message);
        assert.ok(!e.message.includes("X-Amz") && !e.message.includes("0123456789abcdef"), e.message);
        assert.match(e.message, /\(403 SignatureDoesNotMatch, request S3REQ1\)\. the presigned URL was refused/);
    });

    it("a transfer that cannot connect names no query either, and GET returns the body", async () => {
        server = await loopback((_req, res) => {
            res.writeHead(200, { "content-type": "application/gzip" });
            res.end(Buffer.from([1, 2, 3]));
        });
        const got = await transfer({
            cloud: "vm0",
            url: `${server.url}/bucket/a.tar.gz?${signed}`,
            method: "GET",
            deadline: Deadline.in(5, "read", realClock),
            operation: "download archive",
        });
        assert.deepEqual([...got.body], [1, 2, 3]);
        const url = server.url;
        await server.close();
        server = undefined;
        const clock = fakeClock();
        const e = await transfer({
            cloud: "vm0",
            url: `${url}/bucket/a.tar.gz?${signed}`,
            method: "GET",
            deadline: Deadline.in(60, "read", clock),
            operation: "download archive",
            clock,
        }).then(
            () => assert.fail("should fail"),
            (err: unknown) => err as ApiError,
        );
        assert.equal(e.code, "ECONNREFUSED");
        assert.ok(e.message.includes(`cannot reach ${url}/bucket/a.tar.gz`), e.message);
        assert.ok(!e.message.includes("X-Amz"), e.message);
    });

    it("refuses a credential header", async () => {
        await assert.rejects(
            transfer({
                cloud: "vm0",
                url: "http://127.0.0.1:1/x",
                method: "PUT",
                headers: { Authorization: "Bearer x" },
                deadline: Deadline.in(5, "update"),
                operation: "upload archive",
            }),
            (e: unknown) => e instanceof VolumeError && /never carries credentials/.test(e.message),
        );
    });
});
