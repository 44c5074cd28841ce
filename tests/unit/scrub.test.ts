import { strict as assert } from "node:assert";
import { ApiError } from "../../provider/core/errors";
import { HttpClient } from "../../provider/core/http";
import { closeAllPools } from "../../provider/core/transport";
import { Deadline } from "../../provider/core/deadline";
import { oneLine, registerSecret, safeText, scrub } from "../../provider/core/secrets";
import { loopback } from "./httpLoopback";

describe("scrubbing credentials", () => {
    after(closeAllPools);

    it("masks a registered secret raw, URL-encoded and form-encoded", () => {
        const secret = "Sekr3t+val/ue=with space";
        registerSecret(secret);
        const uri = encodeURIComponent(secret);
        const form = new URLSearchParams({ k: secret }).toString().slice(2);
        assert.notEqual(uri, form);
        const lowerHex = uri.replace(/%[0-9A-F]{2}/g, (m) => m.toLowerCase());
        for (const encoded of [secret, uri, form, lowerHex]) {
            const out = scrub(`before ${encoded} after`);
            assert.equal(out, "before *** after", `${encoded} leaked`);
        }
        assert.equal(scrub(`x=${uri}&y=1`), "x=***&y=1");
        assert.equal(scrub(`x=${form}&y=1`), "x=***&y=1");
    });

    it("masks the whole auth value in every encoding, even unregistered", () => {
        assert.equal(scrub("Authorization=Bearer%20akm-abcdefghijklmnop&ImageId=x"), "Authorization=Bearer ***&ImageId=x");
        assert.equal(scrub("Authorization=Bearer+akm-abcdefghijklmnop&ImageId=x"), "Authorization=Bearer ***&ImageId=x");
        assert.equal(scrub("key akm-abcdefghijklmnop used"), "key *** used");
        assert.equal(scrub("FlyV1%20fm2_abcdefgh%2Cfm2_ijklmnop"), "FlyV1 ***");
        assert.equal(scrub("got fm2_abc%2Bdefghijkl%2F and more"), "got *** and more");
        assert.equal(scrub("Authorization: Bearer abcdefghijkl"), "Authorization: Bearer ***");
    });

    it("masks the credential parameters of a presigned URL", () => {
        const url = "https://bucket.s3.amazonaws.com/a/archive.tar.gz?X-Amz-Credential=AKIA%2F1&X-Amz-Signature=deadbeef01&x-id=PutObject";
        assert.equal(
            scrub(url),
            "https://bucket.s3.amazonaws.com/a/archive.tar.gz?X-Amz-Credential=***&X-Amz-Signature=***&x-id=PutObject",
        );
    });

    it("scrubs first, then cuts: a token straddling the cut leaks no part of it", () => {
        const token = "akm-01234567_89abcdefghij";
        const text = `${"x".repeat(290)} ${token} trailing`;
        const out = safeText(text, 300);
        assert.ok(out.length <= 300);
        assert.ok(!out.includes("akm-"), out);
        assert.ok(!out.includes("012345"), out);
        // What cutting first did: the token's head survives and no pattern matches it any more.
        assert.ok(scrub(text.slice(0, 300)).includes("akm-0123"));
    });

    it("keeps a message on one line", () => {
        assert.equal(oneLine("  volume busy\n\tretry\r\n later  "), "volume busy retry later");
        const e = new ApiError({
            cloud: "fly",
            operation: "delete volume",
            target: "a/v",
            status: 412,
            cloudMessage: "line one\nline two",
        });
        assert.equal(e.message, "fly delete volume a/v: line one line two (412)");
    });

    it("a long text error body reaches the message scrubbed, on one line, cut after scrubbing", async () => {
        const token = "akm-ZYXWVUTS_RQPONMLKJIHG";
        const server = await loopback((_req, res) => {
            res.writeHead(400, { "content-type": "text/plain" });
            res.end(`${"y".repeat(495)}\n${token}\n${"z".repeat(100)}`);
        });
        try {
            const client = new HttpClient({ cloud: "fly", baseUrl: server.url, requestIdHeaders: [], parseError: () => ({}) });
            const error = await client
                .request({
                    method: "GET",
                    kind: "read",
                    path: "/",
                    operation: "read volume",
                    target: "a/v",
                    deadline: Deadline.in(5, "read"),
                })
                .then(
                    () => assert.fail("should fail"),
                    (e: unknown) => e,
                );
            assert.ok(error instanceof ApiError);
            assert.ok(!error.message.includes("akm-"), error.message);
            assert.ok(!error.message.includes("ZYXW"), error.message);
            assert.ok(!error.message.includes("\n"));
            assert.match(error.message, /^fly read volume a\/v: y+ \*\*\*/);
        } finally {
            await server.close();
        }
    });
});
