import { strict as assert } from "node:assert";
import { useFakeCredentials } from "../support/credentials";
import { type JavaScriptValue, Struct } from "google-protobuf/google/protobuf/struct_pb";
import { checkInputs } from "../../provider/core/check";
import { VolumeError } from "../../provider/core/errors";
import { checkedRequest } from "../../provider/core/parse";
import { toWireCreate } from "../../provider/neevcloud/client";
import { wireCreateRequest } from "../../provider/neevcloud/wire";
import { setStackConfig } from "../../provider/core/config";
import { diffByRules } from "../../provider/core/rules";
import { unknownValue } from "../../provider/core/unknown";
import { networkVolumeProvider } from "../../provider/neevcloud/provider";
import { networkVolumeRules, networkVolumeSpec } from "../../provider/neevcloud/rules";
import { defaultNetworkVolumeName, networkVolumeInputs } from "../../provider/neevcloud/schema";
import { present } from "../support/present";

const valid = { orgId: "org-1", projectId: "proj-1", regionId: "in-bom-1", sizeGb: 100, name: "data" };
const check = (news: Record<string, unknown>, olds: Record<string, unknown> = {}) => checkInputs(networkVolumeSpec, olds, news);

describe("neevcloud.NetworkVolume rules", () => {
    useFakeCredentials();
    afterEach(() => {
        setStackConfig(undefined);
        delete process.env.NEEVCLOUD_ORG_ID;
        delete process.env.NEEVCLOUD_PROJECT_ID;
    });

    it("the rules table names every input field", () => {
        const inputs = Object.keys(networkVolumeInputs.shape).sort();
        const ruled = Object.entries(networkVolumeRules)
            .filter(([, r]) => r !== "output")
            .map(([k]) => k)
            .sort();
        assert.deepEqual(ruled, inputs);
    });

    it("accepts a valid volume and defaults volumeMode to filesystem", () => {
        const { inputs, failures } = check(valid);
        assert.deepEqual(failures, []);
        assert.equal(inputs.volumeMode, "filesystem");
    });

    it("takes orgId/projectId from the stack config, then the environment", () => {
        const { orgId: _o, projectId: _p, ...rest } = valid;
        process.env.NEEVCLOUD_ORG_ID = "env-org";
        process.env.NEEVCLOUD_PROJECT_ID = "env-proj";
        assert.equal(check(rest).inputs.orgId, "env-org");
        setStackConfig({ get: (k) => ({ "neevcloud:orgId": "cfg-org" })[k] });
        const { inputs } = check(rest);
        assert.equal(inputs.orgId, "cfg-org");
        assert.equal(inputs.projectId, "env-proj");
    });

    it("refuses a missing orgId, naming the config key and env var", () => {
        const { orgId: _o, ...rest } = valid;
        const { failures } = check(rest);
        assert.equal(failures[0]?.property, "orgId");
        assert.match(failures[0].reason, /neevcloud:orgId/);
        assert.match(failures[0].reason, /NEEVCLOUD_ORG_ID/);
    });

    const bad: Array<[string, Record<string, unknown>, string]> = [
        ["a size of 0", { ...valid, sizeGb: 0 }, "sizeGb"],
        ["a size over 1000", { ...valid, sizeGb: 1001 }, "sizeGb"],
        ["a missing region", { ...valid, regionId: undefined }, "regionId"],
        ["a block-ish mode typo", { ...valid, volumeMode: "Block" }, "volumeMode"],
        ["an uppercase name", { ...valid, name: "Data" }, "name"],
        ["a name ending in '-'", { ...valid, name: "data-" }, "name"],
        ["a relative mount path", { ...valid, mountPath: "mnt/data" }, "mountPath"],
        [
            "an attachment with a non-UUID id",
            { ...valid, attachedTo: [{ instanceId: "x", instanceName: "n", instanceType: "t" }] },
            "attachedTo.0.instanceId",
        ],
        ["an orgId with a slash", { ...valid, orgId: "a/b" }, "orgId"],
    ];
    for (const [what, news, property] of bad) {
        it(`refuses ${what}, naming ${property}`, () => {
            const { failures } = check(news);
            assert.ok(
                failures.some((f) => f.property === property),
                JSON.stringify(failures),
            );
        });
    }

    describe("one rule for each value: whatever check accepts, the create request accepts", () => {
        const uuid = "0b8f7c3e-2a51-4c8e-9d0a-5f3e1b2c4d6e";
        const attach = (a: Record<string, unknown>) => [{ instanceId: uuid, instanceName: "n", instanceType: "t", ...a }];
        // Each candidate is put into a valid volume; the ones the request schema refuses must fail check on that property.
        const candidates: Array<[string, string, unknown]> = [
            ...[0, 1, 1.5, 1000, 1001, -1, "10", null].map((v): [string, string, unknown] => ["sizeGb", "sizeGb", v]),
            ...["", " ", "in-bom-1", 7].map((v): [string, string, unknown] => ["regionId", "regionId", v]),
            ...["filesystem", "block", "Block", "", 1].map((v): [string, string, unknown] => ["volumeMode", "volumeMode", v]),
            ...["", "/mnt/x", "x", 3].map((v): [string, string, unknown] => ["mountPath", "mountPath", v]),
            ...["data", "", 5].map((v): [string, string, unknown] => ["name", "name", v]),
            // A version-less, variant-less id passed the old check and failed the request's z.uuid() at `up`.
            ...[uuid, uuid.toUpperCase(), "12345678-1234-1234-1234-123456789abc", "x", "", "{" + uuid + "}", 5].map(
                (v): [string, string, unknown] => ["attachedTo", "attachedTo.0.instanceId", attach({ instanceId: v })],
            ),
            ...["", 5, "AIRuntime"].map((v): [string, string, unknown] => [
                "attachedTo",
                "attachedTo.0.instanceName",
                attach({ instanceName: v }),
            ]),
            ...["", 5, "gpu"].map((v): [string, string, unknown] => [
                "attachedTo",
                "attachedTo.0.instanceType",
                attach({ instanceType: v }),
            ]),
        ];
        for (const [field, property, value] of candidates) {
            it(`${field} = ${JSON.stringify(value)}`, () => {
                const { inputs, failures } = check({ ...valid, [field]: value });
                const sent = wireCreateRequest.safeParse(toWireCreate({ ...valid, volumeMode: "filesystem", [field]: value } as never));
                if (!sent.success) {
                    assert.ok(
                        failures.some((f) => f.property === property),
                        `the request refuses it (${sent.error.issues[0]?.message}), check must too: ${JSON.stringify(failures)}`,
                    );
                }
                if (failures.length === 0) {
                    assert.ok(wireCreateRequest.safeParse(toWireCreate(inputs as never)).success, "what check accepts is sent");
                }
            });
        }

        it("a request that fails its schema anyway is one line naming the field, never a zod dump", () => {
            const e = (() => {
                try {
                    checkedRequest(
                        "neevcloud",
                        wireCreateRequest,
                        toWireCreate({ ...valid, sizeGb: 0 } as never),
                        "create network volume",
                        "data",
                    );
                } catch (err) {
                    return err as Error;
                }
                throw new Error("expected a throw");
            })();
            assert.ok(e instanceof VolumeError);
            assert.match(
                e.message,
                /^neevcloud create network volume data: not sent, the request is invalid: sizeGB must be at least 1 GB\. /,
            );
            assert.doesNotMatch(e.message, /\n/);
        });
    });

    it("refuses a shrink from 250 to 100 at preview", () => {
        const { failures } = check({ ...valid, sizeGb: 100 }, { ...valid, sizeGb: 250 });
        assert.equal(failures[0]?.property, "sizeGb");
        assert.match(failures[0].reason, /cannot shrink from 250 GB to 100 GB: volumes only grow/);
    });

    it("derives a DNS-label default name from any resource name", () => {
        assert.equal(defaultNetworkVolumeName("My Data_Vol!"), "my-data-vol");
        assert.equal(defaultNetworkVolumeName("-x-"), "x");
        assert.ok(defaultNetworkVolumeName("a".repeat(80)).length <= 63);
    });

    describe("diff", () => {
        const olds = { ...check(valid).inputs, volumeId: "v", status: "bound" };
        const diff = (news: Record<string, unknown>) => networkVolumeProvider.diff("id", olds, { ...check(valid).inputs, ...news });

        it("growing is an in-place change", async () => {
            assert.deepEqual(await diff({ sizeGb: 250 }), { changes: true, replaces: [] });
        });
        it("a rename replaces, creating the new one first", async () => {
            assert.deepEqual(await diff({ name: "data2" }), { changes: true, replaces: ["name"] });
        });
        it("a replacement that keeps the name deletes the old volume first", async () => {
            assert.deepEqual(await diff({ regionId: "in-del-1" }), { changes: true, replaces: ["regionId"], deleteBeforeReplace: true });
            assert.deepEqual(await diff({ mountPath: "/mnt/x" }), { changes: true, replaces: ["mountPath"], deleteBeforeReplace: true });
        });
        it("a replacement into another project need not delete first", async () => {
            assert.deepEqual(await diff({ projectId: "proj-2" }), { changes: true, replaces: ["projectId"] });
        });
        it("an unknown name may replace", async () => {
            const d = await diff({ name: unknownValue });
            assert.deepEqual(d.replaces, ["name"]);
        });
        it("nothing changed is no change; timeouts alone is an update, never a replacement", async () => {
            assert.deepEqual(await diff({}), { changes: false, replaces: [] });
            assert.deepEqual(await diffByRules(networkVolumeRules, olds, { ...olds, timeouts: { update: 5 } }), {
                changes: true,
                replaces: [],
            });
        });
        it("state from an older release without volumeMode is no change against the default", async () => {
            const { volumeMode: _m, ...oldRelease } = olds;
            assert.deepEqual(await networkVolumeProvider.diff("id", oldRelease as typeof olds, check(valid).inputs), {
                changes: false,
                replaces: [],
            });
            assert.deepEqual(await diff({ volumeMode: "block" }), { changes: true, replaces: ["volumeMode"], deleteBeforeReplace: true });
        });
        it("a volume whose create failed for good is replaced, deleting first when it keeps its name", async () => {
            assert.deepEqual(await networkVolumeProvider.diff("id", { ...olds, status: "failed" }, check(valid).inputs), {
                changes: true,
                replaces: ["status"],
                deleteBeforeReplace: true,
            });
            // Not yet bound: an update, which finishes it (also once a refresh cleared its init errors).
            assert.deepEqual(await networkVolumeProvider.diff("id", { ...olds, status: "pending" }, check(valid).inputs), {
                changes: true,
                replaces: [],
            });
        });
        it("with orgId and projectId set nowhere, check fails naming them and returns inputs with no undefined", async () => {
            const { orgId: _o, projectId: _p, ...rest } = valid;
            const { inputs, failures } = await networkVolumeProvider.check({}, { ...rest, __provider: "code" });
            assert.deepEqual(failures.map((f) => f.property).sort(), ["orgId", "projectId"]);
            assert.match(present(failures[0]).reason, /neevcloud:orgId.*NEEVCLOUD_ORG_ID/);
            assert.ok(
                Object.values(inputs).every((v) => v !== undefined),
                JSON.stringify(Object.keys(inputs)),
            );
            // What the host does with them: its Struct conversion threw "Unexpected struct type." on undefined.
            assert.doesNotThrow(() => Struct.fromJavaScript(inputs as Record<string, JavaScriptValue>));
            assert.deepEqual(Object.keys(inputs).sort(), ["__provider", "name", "regionId", "sizeGb"]);
        });
    });
});
