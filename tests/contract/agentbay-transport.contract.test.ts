/**
 * The official transport (`@alicloud/openapi-core`'s `doRPCRequest`, as the AgentBay SDK calls
 * it) against the AgentBay emulator: the emulator answers every request it sends, and the wire
 * is what docs/apis/agentbay.md says. `agentbayWire.ts` exports the captured requests for the
 * comparison with the package's own client.
 */
import { ClientError } from "@alicloud/openapi-core";
import { strict as assert } from "node:assert";
import { startEmulator, type AgentBayVolume, type Emulator } from "../../emulator";
import {
    nonceSent,
    officialTransport,
    officialTransportRequests,
    scenarioImage,
    sendRpc,
    startRpcCapture,
    timestampSent,
    type RpcCapture,
    type RpcWireRequest,
} from "./agentbayWire";

const image = "imgc-contract";

describe("AgentBay emulator against the official transport (@alicloud/openapi-core doRPCRequest)", () => {
    let emu: Emulator;
    let capture: RpcCapture;
    let key: string;

    beforeEach(async () => {
        emu = await startEmulator({ knobs: { agentbay: { listLagMs: 0 } } });
        key = emu.env["AGENTBAY_API_KEY"] ?? "";
        capture = await startRpcCapture(emu.urls.agentbay, key);
    });
    afterEach(async () => {
        await capture.close();
        await emu.close();
    });

    const data = <T>(reply: { body: Record<string, unknown> }): T => reply.body["Data"] as T;

    it("creates with GetVolume AllowCreate=true, gets it back with AllowCreate=false, and not-found is Success:false", async () => {
        const t = officialTransport(capture.endpoint);
        const auth = `Bearer ${key}`;
        const created = await sendRpc(t, "GetVolume", { AllowCreate: true, Authorization: auth, ImageId: image, VolumeName: "data" });
        assert.equal(created.statusCode, 200);
        assert.equal(created.body["Success"], true);
        const volume = data<AgentBayVolume>(created);
        assert.deepEqual([volume.VolumeName, volume.BelongingImageId], ["data", image]);
        assert.deepEqual(
            emu.inventory().agentbay.map((v) => v.VolumeId),
            [volume.VolumeId],
        );

        const got = await sendRpc(t, "GetVolume", { AllowCreate: false, Authorization: auth, ImageId: image, VolumeName: "data" });
        assert.deepEqual(data(got), volume);
        const missing = await sendRpc(t, "GetVolume", { AllowCreate: false, Authorization: auth, ImageId: image, VolumeName: "nope" });
        assert.deepEqual([missing.statusCode, missing.body["Success"], missing.body["Code"]], [200, false, "InvalidVolume.NotFound"]);
        assert.equal(emu.inventory().agentbay.length, 1);

        const [first, second] = capture.requests();
        assert.deepEqual(first?.form, { AllowCreate: "true", Authorization: "Bearer%20<key>", ImageId: image, VolumeName: "data" });
        assert.equal(second?.form["AllowCreate"], "false");
    });

    it("lists by VolumeIds.N and VolumeName, pages with NextToken in the query, and deletes", async () => {
        const t = officialTransport(capture.endpoint);
        const auth = `Bearer ${key}`;
        const ids: string[] = [];
        for (const name of ["a", "b", "c"]) {
            const reply = await sendRpc(t, "GetVolume", { AllowCreate: true, Authorization: auth, ImageId: image, VolumeName: name });
            ids.push(data<AgentBayVolume>(reply).VolumeId);
        }
        const list = { Authorization: auth, ImageId: image, MaxResults: 2, VolumeIds: ids };
        const page1 = await sendRpc(t, "ListVolumes", list);
        const token = String(page1.body["NextToken"]);
        assert.notEqual(token, "");
        const page2 = await sendRpc(t, "ListVolumes", list, { NextToken: token });
        assert.deepEqual(
            [...data<AgentBayVolume[]>(page1), ...data<AgentBayVolume[]>(page2)].map((v) => v.VolumeId),
            ids,
        );
        assert.deepEqual([page2.body["NextToken"], page2.body["MaxResults"]], ["", 2]);
        const byName = await sendRpc(t, "ListVolumes", { Authorization: auth, ImageId: image, MaxResults: 10, VolumeName: "b" });
        assert.deepEqual(
            data<AgentBayVolume[]>(byName).map((v) => v.VolumeId),
            [ids[1]],
        );

        const deleted = await sendRpc(t, "DeleteVolume", { Authorization: auth, VolumeId: ids[0] });
        assert.deepEqual([deleted.body["Success"], deleted.body["Code"], "Data" in deleted.body], [true, "ok", false]);
        const again = await sendRpc(t, "DeleteVolume", { Authorization: auth, VolumeId: ids[0] });
        assert.deepEqual([again.body["Success"], again.body["Code"]], [false, "InvalidVolume.NotFound"]);
        assert.equal(emu.inventory().agentbay.length, 2);

        const sent = capture.requests();
        const [p1, p2] = sent.filter((r) => r.headers["x-acs-action"] === "ListVolumes");
        assert.deepEqual(p1?.formKeys, ["Authorization", "ImageId", "MaxResults", "VolumeIds.1", "VolumeIds.2", "VolumeIds.3"]);
        assert.deepEqual(p2?.queryKeys, ["Action", "Format", "Version", "Timestamp", "SignatureNonce", "NextToken"]);
        assert.equal(p2?.query["NextToken"], encodeURIComponent(token));
        assert.equal(p2?.form["NextToken"], undefined, "NextToken travels in the query only");
        assert.deepEqual(
            emu.requests({ cloud: "agentbay" }).map((r) => r.action),
            ["GetVolume", "GetVolume", "GetVolume", "ListVolumes", "ListVolumes", "ListVolumes", "DeleteVolume", "DeleteVolume"],
        );
    });

    it("surfaces a bad key's NOT_LOGIN as the transport's ClientError (HTTP 400), with the request id", async () => {
        const t = officialTransport(capture.endpoint);
        const err: unknown = await sendRpc(t, "ListVolumes", { Authorization: "Bearer akm-emu_wrong", ImageId: image }).then(
            () => assert.fail("a bad key was accepted"),
            (e: unknown) => e,
        );
        assert.ok(err instanceof ClientError, String(err));
        assert.deepEqual([err.code, err.statusCode], ["NOT_LOGIN", 400]);
        assert.match(err.message, /You are not logged in or your login token has expired request id: [0-9A-F-]{36}/);
        assert.equal(emu.inventory().agentbay.length, 0);
    });

    it("sends what docs/apis/agentbay.md says, and the scenario for the client comparison is stable between runs", async () => {
        const sent = await officialTransportRequests(emu);
        assert.deepEqual(
            sent.map((r) => r.headers["x-acs-action"]),
            ["GetVolume", "GetVolume", "GetVolume", "ListVolumes", "ListVolumes", "ListVolumes", "DeleteVolume", "DeleteVolume"],
        );
        for (const r of sent) checkEnvelope(r);
        assert.deepEqual(sent[0]?.form, {
            AllowCreate: "true",
            Authorization: "Bearer%20<key>",
            ImageId: scenarioImage,
            VolumeName: "wire_a",
        });
        assert.deepEqual(sent[3]?.form, {
            Authorization: "Bearer%20<key>",
            ImageId: scenarioImage,
            MaxResults: "1",
            "VolumeIds.1": "<vol:1>",
            "VolumeIds.2": "<vol:2>",
        });
        assert.deepEqual(sent[6]?.form, { Authorization: "Bearer%20<key>", VolumeId: "<vol:1>" });
        assert.equal(emu.inventory().agentbay.length, 0, "the scenario cleans up");

        // A second run, on a fresh emulator, sends the same requests field for field (but the nonces).
        const other = await startEmulator({ knobs: { agentbay: { listLagMs: 0 } } });
        try {
            const again = await officialTransportRequests(other);
            const withoutVolatile = (rs: RpcWireRequest[]) =>
                rs.map((r) => ({
                    ...r,
                    query: { ...r.query, Timestamp: "", SignatureNonce: "", NextToken: r.query["NextToken"] ? "<token>" : "" },
                }));
            assert.deepEqual(withoutVolatile(again), withoutVolatile(sent));
        } finally {
            await other.close();
        }
    });
});

/** The envelope every request must carry (docs/apis/agentbay.md, "Wire format"). */
function checkEnvelope(r: RpcWireRequest): void {
    const action = r.headers["x-acs-action"];
    assert.deepEqual([r.method, r.path], ["POST", "/"]);
    assert.deepEqual(r.queryKeys.slice(0, 5), ["Action", "Format", "Version", "Timestamp", "SignatureNonce"]);
    assert.deepEqual([r.query["Action"], r.query["Format"], r.query["Version"]], [action, "json", "2025-05-06"]);
    assert.match(r.query["Timestamp"] ?? "", timestampSent);
    assert.match(r.query["SignatureNonce"] ?? "", nonceSent);
    assert.deepEqual(r.headers, {
        "x-acs-action": action,
        "x-acs-version": "2025-05-06",
        "content-type": "application/x-www-form-urlencoded",
    });
    assert.equal(r.authorizationHeader, false, "the key never travels in a header");
    assert.equal(r.chunked, true);
    assert.equal(r.form["Authorization"], "Bearer%20<key>");
    for (const signed of ["Signature", "SignatureMethod", "AccessKeyId", "SecurityToken"]) assert.equal(r.query[signed], undefined, signed);
}
