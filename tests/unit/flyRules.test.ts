import { strict as assert } from "node:assert";
import { checkInputs, inputDefaults } from "../../provider/core/check";
import { changedFields, diffByRules } from "../../provider/core/rules";
import { unknownValue } from "../../provider/core/unknown";
import { flyVolumeRules, flyVolumeSpec } from "../../provider/fly/rules";
import { defaultFlyVolumeName, flyVolumeInputs } from "../../provider/fly/schema";
import { type CreateVolumeRequest, flyAuthorization, toWireCreate } from "../../provider/fly/client";

const valid = { app: "my-app", region: "iad", sizeGb: 10, name: "data" };

function check(news: Record<string, unknown>, olds: Record<string, unknown> = {}) {
    return checkInputs(flyVolumeSpec, olds, news);
}

describe("fly.Volume rules", () => {
    it("the rules table names every input field, and nothing the schema lacks but outputs", () => {
        const inputs = Object.keys(flyVolumeInputs.shape).sort();
        const ruled = Object.entries(flyVolumeRules)
            .filter(([, r]) => r !== "output")
            .map(([k]) => k)
            .sort();
        assert.deepEqual(ruled, inputs);
    });

    describe("check", () => {
        it("accepts a valid volume and fills Fly's defaults so a later explicit default is no change", () => {
            const { inputs, failures } = check({ ...valid, __provider: "code" });
            assert.deepEqual(failures, []);
            assert.deepEqual(inputs, {
                ...valid,
                encrypted: true,
                fstype: "ext4",
                requireUniqueZone: true,
                uniqueZoneAppWide: false,
                __provider: "code",
            });
        });

        const bad: Array<[string, Record<string, unknown>, string]> = [
            ["a missing app", { region: "iad", sizeGb: 1, name: "a" }, "app"],
            ["an app with uppercase", { ...valid, app: "My-App" }, "app"],
            ["a missing region", { app: "a", sizeGb: 1, name: "a" }, "region"],
            ["a meta-region-like code", { ...valid, region: "us-east" }, "region"],
            ["a size of 0", { ...valid, sizeGb: 0 }, "sizeGb"],
            ["a size over 500", { ...valid, sizeGb: 501 }, "sizeGb"],
            ["a fractional size", { ...valid, sizeGb: 1.5 }, "sizeGb"],
            ["a size given as a string", { ...valid, sizeGb: "10" }, "sizeGb"],
            ["a name with a dash", { ...valid, name: "my-data" }, "name"],
            ["a name with uppercase", { ...valid, name: "Data" }, "name"],
            ["a name over 30 characters", { ...valid, name: "a".repeat(31) }, "name"],
            ["an empty name", { ...valid, name: "" }, "name"],
            ["an unknown fstype", { ...valid, fstype: "xfs" }, "fstype"],
            ["a snapshot retention of 0", { ...valid, snapshotRetention: 0 }, "snapshotRetention"],
            ["a snapshot retention of 61", { ...valid, snapshotRetention: 61 }, "snapshotRetention"],
            ["a non-boolean encrypted", { ...valid, encrypted: "yes" }, "encrypted"],
            ["a negative create timeout", { ...valid, timeouts: { create: -1 } }, "timeouts.create"],
            ["an unknown timeout key", { ...valid, timeouts: { read: 5 } }, "timeouts"],
            ["a misspelt input", { ...valid, sizeGB: 10 }, "sizeGB"],
            ["compute with a bad cpus", { ...valid, compute: { cpus: 0 } }, "compute.cpus"],
            ["both snapshotId and sourceVolumeId", { ...valid, snapshotId: "vs_1", sourceVolumeId: "vol_1" }, "sourceVolumeId"],
        ];
        for (const [what, news, property] of bad) {
            it(`refuses ${what}, naming ${property}`, () => {
                const { failures } = check(news);
                assert.ok(
                    failures.some((f) => f.property === property),
                    `expected a failure on ${property}, got ${JSON.stringify(failures)}`,
                );
            });
        }

        it(
            "a failure inside an object echoes the bad value (the engine shows " +
                "only top-level ones): a scalar, cut to 40 characters, never a token",
            () => {
                const reason = (news: Record<string, unknown>, property: string) =>
                    check(news).failures.find((f) => f.property === property)?.reason;
                assert.match(reason({ ...valid, compute: { cpus: 0 } }, "compute.cpus") ?? "", /\(got 0\)$/);
                assert.match(reason({ ...valid, compute: { memoryMb: "x".repeat(100) } }, "compute.memoryMb") ?? "", /\(got "x{39}…"\)$/);
                const token = reason({ ...valid, compute: { cpuKind: 5, gpuKind: ["fm2_abcdefgh_ijklmnop"] } }, "compute.cpuKind") ?? "";
                assert.match(token, /\(got 5\)$/);
                const masked = reason({ ...valid, compute: { memoryMb: "fm2_abcdefgh_ijklmnop" } }, "compute.memoryMb") ?? "";
                assert.match(masked, /\(got "\*\*\*"\)$/);
                assert.doesNotMatch(reason({ ...valid, region: "IAD" }, "region") ?? "", /got/, "top level: the engine prints the value");
            },
        );

        it("a fork or a restore gets no defaults: Fly fills what was not declared from the source", () => {
            for (const source of [{ sourceVolumeId: "vol_1" }, { snapshotId: "vs_1" }, { snapshotId: unknownValue }]) {
                const { inputs, failures } = check({ ...valid, ...source });
                assert.deepEqual(failures, []);
                assert.deepEqual(inputs, { ...valid, ...source });
            }
            const declared = check({ ...valid, sourceVolumeId: "vol_1", encrypted: false, fstype: "raw" });
            assert.deepEqual(declared.inputs, { ...valid, sourceVolumeId: "vol_1", encrypted: false, fstype: "raw" });
        });

        it("the create request carries only what check produced: defaults for a new volume, nothing more for a fork", () => {
            const plain = check(valid).inputs as unknown as CreateVolumeRequest & { app?: string };
            const { app: _a, ...plainReq } = plain;
            assert.deepEqual(toWireCreate(plainReq), {
                name: "data",
                region: "iad",
                size_gb: 10,
                encrypted: true,
                fstype: "ext4",
                require_unique_zone: true,
                unique_zone_app_wide: false,
            });
            const { app: _b, ...forkReq } = check({ ...valid, sourceVolumeId: "vol_1", snapshotRetention: 3 })
                .inputs as unknown as CreateVolumeRequest & {
                app?: string;
            };
            assert.deepEqual(toWireCreate(forkReq), {
                name: "data",
                region: "iad",
                size_gb: 10,
                source_volume_id: "vol_1",
                snapshot_retention: 3,
            });
        });

        it("reports every bad property at once", () => {
            const { failures } = check({ app: "a", region: "x", sizeGb: 0, name: "A-B" });
            assert.deepEqual(failures.map((f) => f.property).sort(), ["name", "region", "sizeGb"]);
        });

        it("refuses a shrink at preview, naming both sizes and saying volumes only grow", () => {
            const { failures } = check({ ...valid, sizeGb: 5 }, { ...valid, sizeGb: 10 });
            assert.equal(failures.length, 1);
            assert.equal(failures[0]?.property, "sizeGb");
            assert.match(failures[0]?.reason, /10 GB/);
            assert.match(failures[0]?.reason, /5 GB/);
            assert.match(failures[0]?.reason, /only grow/);
        });

        it("does not treat unknown values as failures, and still checks the known ones", () => {
            const unknownApp = check({ ...valid, app: unknownValue, sizeGb: unknownValue });
            assert.deepEqual(unknownApp.failures, []);
            assert.equal(unknownApp.inputs.app, unknownValue);
            assert.equal(unknownApp.inputs.encrypted, true);
            const stillBad = check({ ...valid, app: unknownValue, name: "Bad-Name" });
            assert.deepEqual(
                stillBad.failures.map((f) => f.property),
                ["name"],
            );
            const nested = check({ ...valid, timeouts: { create: unknownValue, delete: 5 } });
            assert.deepEqual(nested.failures, []);
        });

        it("derives a valid default name from any resource name", () => {
            assert.equal(defaultFlyVolumeName("My-Data.Vol"), "my_data_vol");
            assert.equal(defaultFlyVolumeName("x".repeat(40)).length, 30);
            for (const n of ["ÄÖ", "a b-c", "UPPER_case-99"]) {
                assert.deepEqual(check({ ...valid, name: defaultFlyVolumeName(n) }).failures, []);
            }
        });
    });

    describe("diff", () => {
        const olds = { ...check(valid).inputs, sizeGb: 10, volumeId: "vol_1", state: "created", snapshotRetention: 5 };
        const diff = (news: Record<string, unknown>) => diffByRules(flyVolumeRules, olds, { ...check(valid).inputs, ...news });

        it("nothing changed is no change", () => {
            assert.deepEqual(diff({}), { changes: false, replaces: [] });
        });
        it("a larger size is an in-place change", () => {
            assert.deepEqual(diff({ sizeGb: 20 }), { changes: true, replaces: [] });
        });
        it("a live size above the declared one (grown outside Pulumi) is no change", () => {
            assert.deepEqual(diff({ sizeGb: 8 }), { changes: false, replaces: [] });
        });
        it("snapshot retention and auto backup change in place", () => {
            assert.deepEqual(diff({ snapshotRetention: 7 }), { changes: true, replaces: [] });
            assert.deepEqual(diff({ autoBackupEnabled: false }), { changes: true, replaces: [] });
        });
        it("an undeclared in-place field is not managed, whatever is live", () => {
            assert.deepEqual(diff({ snapshotRetention: undefined }), { changes: false, replaces: [] });
        });
        for (const [field, value] of Object.entries({
            app: "other",
            name: "renamed",
            region: "ams",
            encrypted: false,
            fstype: "raw",
            requireUniqueZone: false,
            uniqueZoneAppWide: true,
            snapshotId: "vs_1",
            sourceVolumeId: "vol_2",
            compute: { cpus: 2 },
            computeImage: "img",
        })) {
            it(`a change of ${field} replaces, naming it`, () => {
                assert.deepEqual(diff({ [field]: value }), { changes: true, replaces: [field] });
            });
        }
        describe("a fork that left encrypted/fstype to its source", () => {
            const forkIn = check({ ...valid, sourceVolumeId: "vol_src" }).inputs;
            // Outputs show what Fly reports for the fields the fork did not declare.
            const forkOlds = { ...forkIn, sizeGb: 10, volumeId: "vol_1", state: "created", encrypted: true, fstype: "raw" };
            const forkDiff = (news: Record<string, unknown>) => diffByRules(flyVolumeRules, forkOlds, { ...forkIn, ...news });
            it("is no change while they stay undeclared", () => {
                assert.deepEqual(forkDiff({}), { changes: false, replaces: [] });
            });
            it("declaring what Fly reports is no change; declaring something else replaces", () => {
                assert.deepEqual(forkDiff({ fstype: "raw", encrypted: true }), { changes: false, replaces: [] });
                assert.deepEqual(forkDiff({ fstype: "ext4" }), { changes: true, replaces: ["fstype"] });
            });
            it("an unknown value may replace", () => {
                assert.deepEqual(forkDiff({ encrypted: unknownValue }), { changes: true, replaces: ["encrypted"] });
            });
        });
        it("a change of timeouts alone is an update (stored, no request), never a replacement", () => {
            assert.deepEqual(diff({ timeouts: { create: 10 } }), { changes: true, replaces: [] });
            assert.deepEqual(changedFields(flyVolumeRules, olds, { ...check(valid).inputs, timeouts: { delete: 5 } }), {
                replaces: [],
                updates: [],
                stored: ["timeouts"],
            });
        });
        it("state from an older release that lacks a defaulted field is no change when the default is declared", () => {
            const { fstype: _f, encrypted: _e, requireUniqueZone: _r, uniqueZoneAppWide: _u, ...oldRelease } = olds;
            const defaults = { ...inputDefaults(flyVolumeInputs), ...flyVolumeSpec.defaults };
            assert.deepEqual(defaults, { encrypted: true, fstype: "ext4", requireUniqueZone: true, uniqueZoneAppWide: false });
            assert.deepEqual(diffByRules(flyVolumeRules, oldRelease, check(valid).inputs, { defaults }), { changes: false, replaces: [] });
            assert.deepEqual(diffByRules(flyVolumeRules, oldRelease, { ...check(valid).inputs, fstype: "raw" }, { defaults }), {
                changes: true,
                replaces: ["fstype"],
            });
        });
        it("the unit belongs to the grow rule", () => {
            assert.deepEqual(flyVolumeRules.sizeGb, { grow: "GB" });
        });
        it("an unknown replace field may replace; an unknown size is a change", () => {
            assert.deepEqual(diff({ name: unknownValue }), { changes: true, replaces: ["name"] });
            assert.deepEqual(diff({ sizeGb: unknownValue }), { changes: true, replaces: [] });
        });
        it("outputs never count as changes", () => {
            assert.deepEqual(diffByRules(flyVolumeRules, { ...olds, state: "extending" }, { ...check(valid).inputs }), {
                changes: false,
                replaces: [],
            });
        });
    });

    describe("auth scheme", () => {
        it("sends macaroon tokens as FlyV1 and anything else as Bearer, as fly-go does", () => {
            assert.equal(flyAuthorization("fm2_abc"), "FlyV1 fm2_abc");
            assert.equal(flyAuthorization("FlyV1 fm2_abc,fm2_def"), "FlyV1 fm2_abc,fm2_def");
            assert.equal(flyAuthorization("fm1r_x, fm1a_y"), "FlyV1 fm1r_x,fm1a_y");
            assert.equal(flyAuthorization("Bearer fo1_abc"), "Bearer fo1_abc");
            assert.equal(flyAuthorization("plain-token"), "Bearer plain-token");
        });
    });
});
