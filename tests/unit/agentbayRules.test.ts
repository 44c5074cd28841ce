import { strict as assert } from "node:assert";
import { useFakeCredentials } from "../support/credentials";
import { lookupNotFound } from "../../provider/agentbay/client";
import { agentbayVolumeProvider, createdAtMs, createTimeSkewMs, notOurs } from "../../provider/agentbay/provider";
import { agentbayVolumeRules } from "../../provider/agentbay/rules";
import { agentbayVolumeInputs, defaultAgentBayVolumeName } from "../../provider/agentbay/schema";
import { parseAgentBayId } from "../../provider/agentbay/session";
import { unknownValue } from "../../provider/core/unknown";

const p = agentbayVolumeProvider;
const valid = { imageId: "imgc-0a1b2c3d", name: "data" };
const check = (news: Record<string, unknown>, olds: Record<string, unknown> = {}) => p.check(olds, news);

describe("agentbay.Volume rules", () => {
    useFakeCredentials();
    it("the rules table names every input field", () => {
        const inputs = Object.keys(agentbayVolumeInputs.shape).sort();
        const ruled = Object.entries(agentbayVolumeRules)
            .filter(([, r]) => r !== "output")
            .map(([k]) => k)
            .sort();
        assert.deepEqual(ruled, inputs);
    });

    it("accepts a valid volume and defaults adoptExisting to false", async () => {
        const { inputs, failures } = await check(valid);
        assert.deepEqual(failures, []);
        assert.equal(inputs.adoptExisting, false);
    });

    for (const [field, value, reason] of [
        ["imageId", undefined, /AgentBay image id/],
        ["imageId", "img/1", /contains '\/'/],
        ["imageId", "..", /directory step/],
        ["name", "", /1 to 64 letters/],
        ["name", "-data", /starting with a letter or digit/],
        ["name", "my data", /1 to 64 letters/],
        ["name", "x".repeat(65), /1 to 64/],
        ["adoptExisting", "yes", /true or false/],
        ["adoptExisting", true, /import: "<imageId>\/<volumeId>"/],
        ["importId", "vol-1", /not a Pulumi id of this resource/],
        ["timeouts", { create: -1 }, /./],
    ] as const) {
        it(`refuses ${field} = ${JSON.stringify(value)} as a CheckFailure naming it`, async () => {
            const { failures } = await check({ ...valid, [field]: value });
            assert.ok(
                failures.some((f) => f.property.startsWith(field) && reason.test(f.reason)),
                JSON.stringify(failures),
            );
        });
    }

    it("refuses an unknown argument (there is no size)", async () => {
        const { failures } = await check({ ...valid, sizeGb: 10 });
        assert.equal(failures[0]?.property, "sizeGb");
    });

    it("an unknown value at preview is no failure", async () => {
        const { failures } = await check({ ...valid, imageId: unknownValue });
        assert.deepEqual(failures, []);
    });

    it("imageId and name replace; adoptExisting alone is no change; timeouts is an update with no replace", async () => {
        const olds = { ...valid, adoptExisting: false, volumeId: "vol-1", status: "Available", listed: true };
        assert.deepEqual(await p.diff("imgc-0a1b2c3d/vol-1", olds, { ...valid, name: "other", adoptExisting: false }), {
            changes: true,
            replaces: ["name"],
        });
        assert.deepEqual((await p.diff("x", olds, { ...valid, imageId: "imgc-2", adoptExisting: false })).replaces, ["imageId"]);
        assert.deepEqual(await p.diff("x", olds, { ...valid, adoptExisting: true }), { changes: false, replaces: [] });
        assert.deepEqual(await p.diff("x", olds, { ...valid, adoptExisting: false, timeouts: { delete: 60 } }), {
            changes: true,
            replaces: [],
        });
        assert.deepEqual((await p.diff("x", olds, { ...valid, name: unknownValue as unknown as string, adoptExisting: false })).replaces, [
            "name",
        ]);
    });

    it("the default name comes from the resource name, and passes the rule", async () => {
        assert.equal(defaultAgentBayVolumeName("My Data.Vol"), "my-data-vol");
        assert.equal(defaultAgentBayVolumeName("__x"), "x");
        assert.equal(defaultAgentBayVolumeName("!!!"), "volume");
        assert.equal(defaultAgentBayVolumeName("a".repeat(80)).length, 64);
        for (const n of ["My Data.Vol", "__x", "!!!", "a".repeat(80), "Ω-data"]) {
            const { failures } = await check({ ...valid, name: defaultAgentBayVolumeName(n) });
            assert.deepEqual(failures, [], n);
        }
    });

    it("the Pulumi id is <imageId>/<volumeId>; a wrong one says what is expected", () => {
        assert.deepEqual(parseAgentBayId("imgc-1/vol-2"), { imageId: "imgc-1", volumeId: "vol-2" });
        assert.throws(() => parseAgentBayId("vol-2"), /not an AgentBay volume id.*expected '<imageId>\/<volumeId>'/);
        assert.throws(() => parseAgentBayId("a/b/c"), /3 parts/);
    });

    it("GetVolume's plausible 'no such volume' codes are not-found; the action's, the image's, the key's and others are not", () => {
        for (const [code, message] of [
            ["InvalidVolume.NotFound", ""],
            ["NotFound", "Not found"],
            ["ResourceNotFound", ""],
            ["ResourceNotFound.Volume", ""],
            ["InvalidParameter.VolumeName", "The specified volume is not found."],
            ["InvalidParameter", "Volume data does not exist"],
        ]) {
            assert.equal(lookupNotFound(code, message), true, code);
        }
        for (const [code, message] of [
            ["InvalidAction.NotFound", "Specified api is not found"],
            ["InvalidImage.NotFound", "image not found"],
            ["InvalidParameter.ImageId", "The ImageId is invalid"],
            ["InvalidParameter", "VolumeName is too long"],
            ["NOT_LOGIN", ""],
            [undefined, ""],
        ] as const) {
            assert.equal(lookupNotFound(code, message), false, String(code));
        }
    });

    it(
        "a create-or-get answer is ours only with the exact name, an id " +
            "the pre-check did not see, and a CreateTime not before the request",
        () => {
            const sent = Date.parse("2026-12-07T16:00:00Z");
            const v = { id: "vol-1", name: "data", createdAt: "2026-12-07T16:00:01Z" };
            assert.equal(notOurs(v, "data", new Set(), sent), undefined);
            assert.match(String(notOurs({ ...v, name: "Data" }, "data", new Set(), sent)), /its name is 'Data', not 'data'/);
            assert.match(String(notOurs({ ...v, name: undefined }, "data", new Set(), sent)), /its name is missing/);
            assert.match(String(notOurs(v, "data", new Set(["vol-1"]), sent)), /listed it already/);
            // AgentBay's clock behind ours by less than the allowance: still ours. Beyond it: not.
            const behind = new Date(sent - createTimeSkewMs + 1_000).toISOString();
            assert.equal(notOurs({ ...v, createdAt: behind }, "data", new Set(), sent), undefined);
            assert.match(String(notOurs({ ...v, createdAt: "2026-12-07T15:58:00Z" }, "data", new Set(), sent)), /before the request/);
            // A time without a zone cannot be judged without guessing: left to the other checks.
            assert.equal(createdAtMs("2026-12-07 08:00:00"), undefined);
            assert.equal(notOurs({ ...v, createdAt: "2020-01-01 00:00:00" }, "data", new Set(), sent), undefined);
            assert.equal(createdAtMs("2026-12-07T16:00:00+08:00"), Date.parse("2026-12-07T08:00:00Z"));
        },
    );

    it("import: removing or changing importId alone is no change; a replacement while it is declared is refused", async () => {
        const olds = { ...valid, adoptExisting: false, volumeId: "vol-1", listed: true };
        const id = "imgc-0a1b2c3d/vol-1";
        assert.deepEqual(await p.diff(id, olds, { ...valid, adoptExisting: false }), { changes: false, replaces: [] });
        assert.deepEqual(await p.diff(id, olds, { ...valid, adoptExisting: false, importId: "imgc-0a1b2c3d/vol-2" } as never), {
            changes: false,
            replaces: [],
        });
        await assert.rejects(
            p.diff(id, olds, { ...valid, name: "other", adoptExisting: false, importId: id } as never),
            /remove the `import` option/,
        );
        const { inputs } = await check({ ...valid, importId: id });
        assert.equal((inputs as Record<string, unknown>).importId, id);
    });
});
