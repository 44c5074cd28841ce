import { strict as assert } from "node:assert";
import { z } from "zod";
import { checkInputs } from "../../provider/core/check";
import { resourceProvider } from "../../provider/core/provider";
import type { FieldRules } from "../../provider/core/rules";
import { flyVolumeProvider } from "../../provider/fly/provider";
import { networkVolumeProvider } from "../../provider/neevcloud/provider";
import { rejection, useEmulator } from "../clients/support";
import { present } from "../support/present";

let app = "asm";
let apps = 0;

describe("providers assembled from capabilities", function () {
    this.timeout(30_000);
    const { emu } = useEmulator({
        fly: { timeToReadyMs: 100, rateLimit: false, detachLagMs: 0 },
        neevcloud: { timeToBoundMs: 100, timeToExtendMs: 100, createOutcome: "bound" },
    });
    const requests = (cloud: string) =>
        emu()
            .requests()
            .filter((r) => r.cloud === cloud);
    beforeEach(() => {
        app = `asm${++apps}`;
    });
    const fly = async (extra: Record<string, unknown> = {}) => {
        const { inputs, failures } = await flyVolumeProvider.check(
            {},
            { app, region: "iad", sizeGb: 3, name: "data", ...extra, __provider: "code" },
        );
        assert.deepEqual(failures, []);
        return inputs;
    };
    const neev = async (extra: Record<string, unknown> = {}) => {
        const news = { orgId: "org-1", projectId: "proj-1", regionId: "in-bom-1", sizeGb: 100, name: "data", ...extra, __provider: "code" };
        const { inputs, failures } = await networkVolumeProvider.check({}, news);
        assert.deepEqual(failures, []);
        return inputs;
    };

    describe("the spec", () => {
        const schema = z.object({ name: z.string(), sizeGb: z.number().optional(), label: z.string().optional() });
        it("a resource with no grow rule has no shrink check; a grow rule's unit names the sizes", () => {
            const noSize = { schema, rules: { name: "replace", sizeGb: "replace", label: "inPlace" } satisfies FieldRules };
            assert.deepEqual(checkInputs(noSize, { name: "a", sizeGb: 9 }, { name: "a", sizeGb: 1 }).failures, []);
            const inTiB = { schema, rules: { ...noSize.rules, sizeGb: { grow: "TiB" } } satisfies FieldRules };
            const shrink = present(checkInputs(inTiB, { name: "a", sizeGb: 9 }, { name: "a", sizeGb: 1 }).failures[0]);
            assert.match(shrink.reason, /cannot shrink from 9 TiB to 1 TiB/);
        });
        it("refuses at assembly an in-place field without an update capability", () => {
            const inputs = { schema, rules: { name: "replace", sizeGb: { grow: "GB" }, label: "stored" } satisfies FieldRules };
            const read = async () => undefined;
            const create = async () => ({ id: "x", outs: { name: "a" } });
            assert.throws(
                () => resourceProvider({ inputs, operations: { read, create } }),
                /sizeGb change in place, but the spec has no update/,
            );
            const noUpdate = { schema, rules: { name: "replace", sizeGb: "replace", label: "stored" } satisfies FieldRules };
            assert.doesNotThrow(() => resourceProvider({ inputs: noUpdate, operations: { read, create } }));
        });
    });

    describe("timeouts are stored: a change to them alone sends nothing", () => {
        it("diff shows an update, update sends no request and stores them, the next delete honours the new delete timeout", async () => {
            const { id, outs } = await flyVolumeProvider.create(await fly({ timeouts: { delete: 60 } }));
            const news = await fly({ timeouts: { delete: 5 } });
            assert.deepEqual(await flyVolumeProvider.diff(id, outs, news), { changes: true, replaces: [] });
            emu().clearRequests();
            const updated = await flyVolumeProvider.update(id, outs, news);
            assert.equal(emu().requests().length, 0, "no request to the cloud");
            assert.deepEqual(updated.outs, { ...outs, timeouts: { delete: 5 } });
            assert.deepEqual(await flyVolumeProvider.diff(id, updated.outs, news), { changes: false, replaces: [] });

            // 5 s, not less: the delete must hear Fly's first 412 (naming the machine) before its
            // deadline, on a machine busy enough to stall a request for seconds.
            emu().fly.attach(app, outs.volumeId, "m_77");
            const started = Date.now();
            const err = await rejection(flyVolumeProvider.delete(id, updated.outs));
            assert.match(err.message, /still attached to machine m_77 after 5 s/, "the stored 5 s, not the old 60 s");
            assert.ok(Date.now() - started < 30_000, "and it ended long before the old 60 s");
        });

        it("timeouts removed are removed from state, still with no request", async () => {
            const { id, outs } = await flyVolumeProvider.create(await fly({ timeouts: { create: 30 } }));
            emu().clearRequests();
            const updated = await flyVolumeProvider.update(id, outs, await fly());
            assert.equal(emu().requests().length, 0);
            assert.ok(!("timeouts" in updated.outs));
        });
    });

    describe("a failed create is finished, not forgotten", () => {
        it("Fly: the next update waits until the volume is created, as create does, sending no change", async () => {
            // Timeouts of 3 s, not 1: a busy machine may stall the POST or the first poll for a second.
            emu().configure({ fly: { timeToReadyMs: 5_000 } });
            const err = await rejection(flyVolumeProvider.create(await fly({ timeouts: { create: 3 } })));
            const partial = err.properties as Parameters<typeof flyVolumeProvider.update>[1];
            const made = { id: String(err.id), outs: partial };
            assert.equal(partial.state, "creating");
            assert.deepEqual(await flyVolumeProvider.diff(made.id, partial, await fly()), { changes: true, replaces: [] });
            const { outs } = await flyVolumeProvider.update(made.id, partial, await fly());
            assert.equal(outs.state, "created");
            assert.equal(emu().inventory().fly.length, 1, "no second volume");
            assert.ok(!("timeouts" in outs));
            assert.equal(requests("fly").filter((r) => r.method !== "GET").length, 1, "only the create's POST");
        });

        it("Fly: an update whose wait runs out fails again with partial state", async () => {
            emu().configure({ fly: { timeToReadyMs: 60_000 } });
            const err = await rejection(flyVolumeProvider.create(await fly({ timeouts: { create: 3 } })));
            const partial = err.properties as Parameters<typeof flyVolumeProvider.update>[1];
            const again = await rejection(flyVolumeProvider.update(String(err.id), partial, await fly({ timeouts: { update: 3 } })));
            assert.match(again.message, /still 'creating' after 3 s waiting to be created; raise timeouts.update/);
            assert.equal(again.id, err.id);
            const props = again.properties as Record<string, unknown>;
            assert.equal(props.state, "creating");
            assert.equal(props.__provider, "code");
            assert.deepEqual(props.timeouts, { update: 3 }, "the timeouts declared now are stored");
        });

        it("NeevCloud: the next update waits until bound; a volume that failed for good is replaced, deleting first", async () => {
            emu().configure({ neevcloud: { timeToBoundMs: 5_000 } });
            const err = await rejection(networkVolumeProvider.create(await neev({ timeouts: { create: 3 } })));
            const partial = err.properties as Parameters<typeof networkVolumeProvider.update>[1];
            assert.equal(partial.status, "pending");
            const { outs } = await networkVolumeProvider.update(String(err.id), partial, await neev());
            assert.equal(outs.status, "bound");

            emu().configure({ neevcloud: { timeToBoundMs: 50, createOutcome: "failed" } });
            const failed = await rejection(networkVolumeProvider.create(await neev({ name: "doomed" })));
            const doomed = failed.properties as Parameters<typeof networkVolumeProvider.update>[1];
            assert.equal(doomed.status, "failed");
            assert.deepEqual(await networkVolumeProvider.diff(String(failed.id), doomed, await neev({ name: "doomed" })), {
                changes: true,
                replaces: ["status"],
                deleteBeforeReplace: true,
            });
        });
    });

    describe("NeevCloud grow whose extend keeps failing", () => {
        it("backs off, sends nothing after timeouts.update, and says what the cloud last answered", async () => {
            const { id, outs } = await networkVolumeProvider.create(await neev());
            emu().setFaults([{ cloud: "neevcloud", method: "POST", path: /\/extend$/, status: 503, times: Infinity }]);
            emu().clearRequests();
            const started = Date.now();
            const err = await rejection(networkVolumeProvider.update(id, outs, await neev({ sizeGb: 250, timeouts: { update: 3 } })));
            const took = Date.now() - started;
            const atFailure = requests("neevcloud").length;
            // Bounds with room for a busy machine: a loop that ignored the deadline would go on for minutes.
            assert.ok(took < 10_000, `failed at its deadline (${took} ms)`);
            const extends_ = requests("neevcloud").filter((r) => r.path.endsWith("/extend"));
            assert.ok(extends_.length >= 2 && extends_.length <= 5, `${extends_.length} extend POSTs`);
            assert.ok(
                requests("neevcloud").every((r) => r.at <= started + 3_500),
                "nothing sent after the deadline",
            );
            assert.match(err.message, /gave up after 3 s; the cloud last answered: .*503/);
            assert.match(err.message, /raise timeouts.update/);
            await new Promise((r) => setTimeout(r, 1_000));
            assert.equal(requests("neevcloud").length, atFailure, "and nothing after the failure");
        });
    });

    describe("Fly: a replacement that keeps its name where no zone is free", () => {
        it("says to use deleteBeforeReplace or requireUniqueZone: false", async () => {
            emu().configure({ fly: { zonesPerRegion: 1 } });
            await flyVolumeProvider.create(await fly());
            const err = await rejection(flyVolumeProvider.create(await fly()));
            assert.match(err.message, /deleteBeforeReplace/);
            assert.match(err.message, /requireUniqueZone: false/);
            assert.match(err.message, /^fly create volume data in app asm\d+: .*\(400 insufficient_capacity/);
            assert.doesNotMatch(err.message, /\n/);
        });
    });
});
