/**
 * The AgentBay client against the official transport. `@alicloud/openapi-core` (what every
 * official AgentBay SDK sends through) sends GetVolume, ListVolumes and DeleteVolume with
 * `doRPCRequest`, exactly as the SDK's generated client calls it (auth `Anonymous`, body `json`,
 * the parameters as a form body with `Authorization: "Bearer <key>"` in it, `NextToken` in the
 * query); our client sends the same actions with the same arguments; one loopback capture server
 * receives both, and every request pair must match field for field.
 *
 * Protocol `HTTP` is the only change from the SDK (which says `HTTPS`): the capture server is plain
 * loopback HTTP.
 *
 * Compared: method, path, query keys in order, query values (Timestamp and SignatureNonce by
 * format, being fresh per request), the raw query encoding, form keys, values and their raw
 * encoding, `x-acs-action`, `x-acs-version`, `content-type` and `host`. Not compared, as the
 * server cannot act on them: the order of form fields (the transport writes the SDK's field order,
 * our core puts the per-attempt `Authorization` last; a form is read as a map), header order,
 * `user-agent`, our `accept: application/json`, chunked (theirs) vs `content-length` (ours), and
 * `x-acs-retry-attempts`/`x-acs-retry-delay`, which the transport adds only on its own retries.
 *
 * The raw encodings are compared too: the core encodes the query and the form as the transport
 * does (`encodeURIComponent` on both sides: a space is `%20`, never `+`). The page token (base64,
 * with `+`, `/` and `=`) and the volume name (a space, `ü`, `+&=` and `~'()*!`) would show any
 * difference.
 */
import { strict as assert } from "node:assert";
import { dirname } from "node:path";
import type * as Dara from "@darabonba/typescript";
import OpenApi, { $OpenApiUtil, OpenApiUtil } from "@alicloud/openapi-core";
import { AgentBayClient } from "../../provider/agentbay/client";
import { Deadline } from "../../provider/core/deadline";
import { closeAllPools } from "../../provider/core/transport";
import { json, type Loopback, loopback, type Seen } from "../unit/httpLoopback";
import { present } from "../support/present";

// The transport's runtime, resolved where openapi-core resolves it (a dependency of it, not of ours).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const $dara = require(
    require.resolve("@darabonba/typescript", { paths: [dirname(require.resolve("@alicloud/openapi-core"))] }),
) as typeof Dara;

const key = "akm-contract_key_0123";
const version = "2025-05-06";
const image = "imgc-contract";
// Space, slash, plus, ampersand, equals, non-ASCII: every character the two encoders might treat differently in a form.
const name = "data set/ü+&=~'()*!";
// The token a page hands back: base64 with `+`, `/` and `=`.
const token = "dG9rZW4rLz0+Pz8/";

/** The capture server: answers each action as AgentBay would, so both senders run to completion. */
function answer(req: Seen, res: Parameters<typeof json>[0]): void {
    const url = new URL(req.url, "http://x");
    const action = url.searchParams.get("Action");
    const base = { RequestId: "RID-contract", Success: true, Code: "ok", Message: "", HttpStatusCode: 200 };
    if (action === "GetVolume") return json(res, 200, { ...base, Data: { VolumeId: "vol-1", VolumeName: name, BelongingImageId: image } });
    // The first page hands back a token; the page asked for with it is the last.
    if (action === "ListVolumes")
        return json(res, 200, {
            ...base,
            Data: [{ VolumeId: "vol-1" }],
            NextToken: url.searchParams.get("NextToken") ? "" : token,
            MaxResults: 10,
        });
    return json(res, 200, base);
}

/** Sends one action as the SDK's generated client does (`ListVolumesWithOptions` & co.). */
async function official(port: number, action: string, query: Record<string, unknown>, body: Record<string, unknown>): Promise<void> {
    const client = new OpenApi(new $OpenApiUtil.Config({ endpoint: `127.0.0.1:${port}` }));
    const req = new $OpenApiUtil.OpenApiRequest({ query: OpenApiUtil.query(query), body: OpenApiUtil.parseToMap(body) });
    await client.doRPCRequest(action, version, "HTTP", "POST", "Anonymous", "json", req, new $dara.RuntimeOptions({}));
}

/** `k=v` pairs as they were on the wire, undecoded. */
function rawPairs(text: string): string[] {
    return text === "" ? [] : text.split("&");
}

const fresh: Record<string, RegExp> = {
    Timestamp: /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/,
    // The transport's nonce is a SHA-256 in hex.
    SignatureNonce: /^[0-9a-f]{64}$/,
};

function assertSame(theirs: Seen, ours: Seen, what: string): void {
    const at = (s: string) => `${what}: ${s}`;
    assert.equal(ours.method, theirs.method, at("method"));
    const [theirPath, theirQuery = ""] = theirs.url.split("?");
    const [ourPath, ourQuery = ""] = ours.url.split("?");
    assert.equal(ourPath, theirPath, at("path"));

    const tq = new URLSearchParams(theirQuery);
    const oq = new URLSearchParams(ourQuery);
    assert.deepEqual([...oq.keys()], [...tq.keys()], at("query keys, in order"));
    for (const [k, v] of tq) {
        if (fresh[k]) {
            assert.match(v, fresh[k], at(`their ${k}`));
            assert.match(oq.get(k) ?? "", fresh[k], at(`our ${k}`));
        } else assert.equal(oq.get(k), v, at(`query ${k}`));
    }
    // The raw encoding too, with the fresh values masked.
    const mask = (q: string) =>
        rawPairs(q).map((p) => {
            const [field = ""] = p.split("=");
            return fresh[field] ? `${field}=…` : p;
        });
    assert.deepEqual(mask(ourQuery), mask(theirQuery), at("raw query"));

    assert.deepEqual(rawPairs(ours.body).sort(), rawPairs(theirs.body).sort(), at("raw form fields"));
    assert.deepEqual(Object.fromEntries(new URLSearchParams(ours.body)), Object.fromEntries(new URLSearchParams(theirs.body)), at("form"));

    for (const h of ["x-acs-action", "x-acs-version", "content-type", "host"]) {
        assert.equal(ours.headers[h], theirs.headers[h], at(`header ${h}`));
    }
    assert.equal(theirs.headers.authorization, undefined, at("no Authorization header from them"));
    assert.equal(ours.headers.authorization, undefined, at("no Authorization header from us"));
}

describe("agentbay contract: the client sends what the official transport (@alicloud/openapi-core) sends", function () {
    this.timeout(30_000);
    let server: Loopback;
    let client: AgentBayClient;
    const deadline = (): Deadline => Deadline.in(20, "read");

    before(async () => {
        server = await loopback((req, res) => answer(req, res));
        client = new AgentBayClient(server.url, key);
    });
    beforeEach(() => server.seen.splice(0));
    after(async () => {
        await server.close();
        await closeAllPools();
    });

    it("GetVolume (create-or-get): AllowCreate=true, ImageId, VolumeName, the key in the form", async () => {
        await official(
            server.port,
            "GetVolume",
            {},
            { AllowCreate: true, Authorization: `Bearer ${key}`, ImageId: image, VolumeName: name },
        );
        await client.getOrCreateVolume(image, name, deadline());
        assert.equal(server.seen.length, 2);
        const theirs = present(server.seen[0]);
        const ours = present(server.seen[1]);
        assertSame(theirs, ours, "GetVolume");
        assert.ok(theirs.body.includes(`Authorization=Bearer%20${key}`) && theirs.body.includes("AllowCreate=true"), theirs.body);
    });

    it("ListVolumes: VolumeIds.N, VolumeName and MaxResults in the form, NextToken in the query", async () => {
        const body = { Authorization: `Bearer ${key}`, ImageId: image, MaxResults: 10, VolumeIds: ["vol-1", "vol-2"], VolumeName: name };
        // The SDK's two pages: without a token, then with the one the first page gave.
        await official(server.port, "ListVolumes", {}, body);
        await official(server.port, "ListVolumes", { NextToken: token }, body);
        const list = await client.listVolumes({ imageId: image, name, volumeIds: ["vol-1", "vol-2"], maxResults: 10 }, deadline());
        assert.equal(list.length, 0, "vol-1 has another name: filtered out here");
        assert.equal(server.seen.length, 4, "two pages each");
        const theirFirst = present(server.seen[0]);
        const theirNext = present(server.seen[1]);
        const ourFirst = present(server.seen[2]);
        const ourNext = present(server.seen[3]);
        assertSame(theirFirst, ourFirst, "ListVolumes, first page");
        assertSame(theirNext, ourNext, "ListVolumes, next page");
        assert.ok(theirNext.body.includes("VolumeIds.1=vol-1&VolumeIds.2=vol-2"), theirNext.body);
        assert.ok(theirNext.url.endsWith(`&NextToken=${encodeURIComponent(token)}`), theirNext.url);
    });

    it("DeleteVolume: VolumeId and the key, no ImageId", async () => {
        await official(server.port, "DeleteVolume", {}, { Authorization: `Bearer ${key}`, VolumeId: "vol-1" });
        assert.equal(await client.deleteVolume("vol-1", deadline()), true);
        const theirs = present(server.seen[0]);
        const ours = present(server.seen[1]);
        assertSame(theirs, ours, "DeleteVolume");
        assert.deepEqual([...new URLSearchParams(ours.body).keys()].sort(), ["Authorization", "VolumeId"]);
    });
});
