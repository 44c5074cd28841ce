import { strict as assert } from "node:assert";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Vm0VolumeInputs } from "../../provider/vm0/schema";
import { vm0VolumeProvider } from "../../provider/vm0/provider";
import { rejection, useEmulator } from "./support";

/** The assembled vm0:Volume provider (core + operations) against the emulator. */
describe("the vm0:Volume provider against the emulator", function () {
    this.timeout(60_000);
    const { emu } = useEmulator({ vm0: { cursorQuirk: true } });
    const dirs: string[] = [];
    const tempDir = (content: string): string => {
        const d = mkdtempSync(join(tmpdir(), "vm0-prov-"));
        dirs.push(d);
        writeFileSync(join(d, "data.txt"), content);
        return d;
    };
    after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
    const checked = async (news: Record<string, unknown>): Promise<Vm0VolumeInputs> => {
        const out = await vm0VolumeProvider.check({}, news);
        assert.deepEqual(out.failures, []);
        return out.inputs;
    };
    const storage = (path: string) => emu().requests({ cloud: "vm0", path });

    it("two resources of one deployment naming the same volume: one publishes it, the other is refused before any request", async () => {
        const a = await checked({ source: tempDir("a"), name: "race-data" });
        const b = await checked({ source: tempDir("b"), name: "race-data" });
        const results = await Promise.allSettled([vm0VolumeProvider.create(a), vm0VolumeProvider.create(b)]);
        const made = results.filter((r) => r.status === "fulfilled");
        const refused = results.filter((r): r is PromiseRejectedResult => r.status === "rejected");
        assert.equal(made.length, 1);
        assert.equal(refused.length, 1);
        assert.match(
            String(refused[0]?.reason?.message),
            /^vm0 create volume race-data: another vm0\.Volume of this deployment publishes the volume named 'race-data'/,
        );
        const [volume, ...others] = emu().inventory().vm0;
        assert.equal(others.length, 0);
        assert.equal(volume?.versions.length, 1);
        assert.equal(storage("/api/storages/prepare").length, 1);
        assert.equal(storage("/api/storages/commit").length, 1);
    });

    it("a publish whose read-back fails stays in state (partial), and the next update finishes it without publishing again", async () => {
        const inputs = await checked({ source: tempDir("partial"), name: "partial-data", timeouts: { create: 4 } });
        emu().setFaults([{ cloud: "vm0", method: "GET", path: /^\/v1\/volumes\/[^/]+$/, status: 500, times: Infinity }]);
        const err = await rejection(vm0VolumeProvider.create(inputs));
        const record = emu().inventory().vm0[0];
        assert.ok(record, "the version is published");
        assert.equal(err.id, record.id, "Pulumi keeps tracking the volume it made");
        const props = err.properties as Record<string, unknown>;
        assert.equal(props.currentVersionId, record.currentVersionId);
        assert.equal(props.sourceHash, inputs.sourceHash);

        emu().setFaults([]);
        emu().clearRequests();
        const { outs } = await vm0VolumeProvider.update(record.id, props as never, inputs);
        assert.equal(outs.currentVersionId, record.currentVersionId);
        assert.deepEqual(emu().requests({ cloud: "vm0" }), [], "the content is HEAD already: nothing to publish");
        assert.equal(emu().inventory().vm0[0]?.versions.length, 1);
    });
});
