import { strict as assert } from "node:assert";
import { checkInputs } from "../../provider/core/check";
import { VolumeError } from "../../provider/core/errors";
import { encodeSegment, parseCompositeId, pathSegment } from "../../provider/core/ids";
import { flyVolumeSpec } from "../../provider/fly/rules";
import { parseFlyVolumeId } from "../../provider/fly/session";
import { networkVolumeSpec } from "../../provider/neevcloud/rules";
import { parseNetworkVolumeId } from "../../provider/neevcloud/session";

const uuid = "0b8f7c3e-2a51-4c8e-9d0a-5f3e1b2c4d6e";

function thrown(f: () => unknown): Error {
    try {
        f();
    } catch (e) {
        return e as Error;
    }
    throw new Error("expected a throw");
}

describe("composite ids and URL path segments (core/ids.ts)", () => {
    describe("parseCompositeId", () => {
        const shape = {
            what: "thing id",
            parts: [{ name: "a" }, { name: "b" }],
            optional: [{ name: "c" }],
            example: "x/y/z",
        } as const;

        it("names the parts, with an optional trailing one", () => {
            assert.deepEqual(parseCompositeId("fly", "x/y", shape), { a: "x", b: "y" });
            assert.deepEqual(parseCompositeId("fly", "x/y/z", shape), { a: "x", b: "y", c: "z" });
        });

        for (const bad of ["x", "x/y/z/w", "", "x//z", "x/./z", "x/..", "../y", "x/ y", undefined as unknown as string]) {
            it(`refuses ${JSON.stringify(bad)} in one line naming the shape and an example`, () => {
                const e = thrown(() => parseCompositeId("fly", bad, shape));
                assert.ok(e instanceof VolumeError);
                assert.match(e.message, /is not a thing id/);
                assert.match(e.message, /expected '<a>\/<b>\[\/<c>\]', e\.g\. 'x\/y\/z'/);
                assert.doesNotMatch(e.message, /\n/);
            });
        }
    });

    describe("parseFlyVolumeId", () => {
        it("reads <app>/<vol_id>", () => {
            assert.deepEqual(parseFlyVolumeId("my-app/vol_9vw681egy1jj5xm4"), { app: "my-app", volumeId: "vol_9vw681egy1jj5xm4" });
        });
        for (const bad of ["my-app", "my-app/..", "../vol_1", "my-app/vol_1/x", "My App/vol_1", "my-app/9vw6"]) {
            it(`refuses ${bad}`, () => {
                assert.match(thrown(() => parseFlyVolumeId(bad)).message, /^fly: .* expected '<app>\/<volumeId>', e\.g\. 'my-app\/vol_/);
            });
        }
    });

    describe("parseNetworkVolumeId", () => {
        it("reads <orgId>/<projectId>/<uuid>", () => {
            assert.deepEqual(parseNetworkVolumeId(`org/proj/${uuid}`), { orgId: "org", projectId: "proj", volumeId: uuid });
        });
        for (const bad of ["org/proj/..", "org/proj/.", "../proj/" + uuid, "org/../" + uuid, "org/proj/not-a-uuid", "org/proj"]) {
            it(`refuses ${bad}`, () => {
                assert.match(thrown(() => parseNetworkVolumeId(bad)).message, /^neevcloud: .* expected '<orgId>\/<projectId>\/<volumeId>'/);
            });
        }
    });

    describe("encodeSegment", () => {
        it("percent-encodes a segment, '/' included", () => {
            assert.equal(encodeSegment("fly", "a/b c"), "a%2Fb%20c");
            assert.equal(encodeSegment("fly", "a.b"), "a.b");
        });
        for (const bad of ["", ".", ".."]) {
            it(`refuses ${JSON.stringify(bad)}, which encodeURIComponent passes through`, () => {
                assert.equal(encodeURIComponent(bad), bad);
                assert.ok(thrown(() => encodeSegment("neevcloud", bad)) instanceof VolumeError);
            });
        }
    });

    describe("pathSegment inputs are refused at check", () => {
        it("a zod string that refuses '.', '..', '/', whitespace and empty", () => {
            const s = pathSegment("an org");
            for (const bad of [".", "..", "a/b", "a b", "a\tb", ""]) assert.equal(s.safeParse(bad).success, false, bad);
            assert.equal(s.safeParse("org-1.eu").success, true);
        });

        const neev = { orgId: "org", projectId: "proj", regionId: "r", sizeGb: 1, name: "data" };
        for (const [field, value] of [
            ["orgId", ".."],
            ["orgId", "."],
            ["projectId", ".."],
            ["projectId", "a b"],
            ["orgId", "a/b"],
        ] as const) {
            it(`neevcloud ${field} = ${JSON.stringify(value)}`, () => {
                const { failures } = checkInputs(networkVolumeSpec, {}, { ...neev, [field]: value });
                assert.deepEqual(
                    failures.map((f) => f.property),
                    [field],
                );
            });
        }
        for (const value of ["..", ".", "a/b", "a b"]) {
            it(`fly app = ${JSON.stringify(value)}`, () => {
                const { failures } = checkInputs(flyVolumeSpec, {}, { app: value, region: "iad", sizeGb: 1, name: "data" });
                assert.deepEqual(
                    failures.map((f) => f.property),
                    ["app"],
                );
            });
        }
    });
});
