import { strict as assert } from "node:assert";
import * as pulumi from "@pulumi/pulumi";
import { startEmulator, type Emulator } from "../../emulator";
import { closeAllPools } from "../../provider/core/transport";
import { setStackConfig } from "../../provider/core/config";
import { agentbay } from "../../sdk";
import { runLookupLocally } from "../../sdk/core/lookup";
import { callRunningLookups } from "../harness/lookups";

/** Registrations seen by the mocks, by resource name. */
const seen = new Map<string, pulumi.runtime.MockResourceArgs>();

function value<T>(o: pulumi.Output<T>): Promise<T> {
    return new Promise((resolve) => o.apply((v) => resolve(v)));
}

describe("agentbay in a program under pulumi.runtime.setMocks", function () {
    this.timeout(30_000);
    let emu: Emulator;
    const saved: Record<string, string | undefined> = {};
    before(async () => {
        await pulumi.runtime.setMocks(
            {
                newResource(args) {
                    seen.set(args.name, args);
                    const state = args.id
                        ? { imageId: "imgc-1", name: "found", volumeId: "vol-adopted", status: "Available", adoptExisting: false }
                        : { ...args.inputs, volumeId: "vol-mock", status: "Available", listed: true };
                    return { id: args.id ?? `imgc-1/${args.name}-id`, state };
                },
                call: callRunningLookups(() => runLookupLocally),
            },
            "mocks",
            "test",
            false,
        );
        emu = await startEmulator();
        for (const [k, v] of Object.entries(emu.env)) {
            saved[k] = process.env[k];
            process.env[k] = v;
        }
        setStackConfig(undefined);
    });
    after(async () => {
        for (const [k, v] of Object.entries(saved)) {
            if (v === undefined) delete process.env[k];
            else process.env[k] = v;
        }
        await emu.close();
        await closeAllPools();
    });

    it("registers agentbay.Volume with its type token, the derived default name and resolvable outputs", async () => {
        const v = new agentbay.Volume("Agent Data", { imageId: "imgc-1" });
        assert.equal(await value(v.name), "agent-data");
        assert.equal(await value(v.imageId), "imgc-1");
        assert.equal(await value(v.volumeId), "vol-mock");
        assert.equal(await value(v.status), "Available");
        assert.equal(await value(v.listed), true);
        const reg = seen.get("Agent Data");
        assert.equal(reg?.type, "pulumi-nodejs:dynamic/agentbay:Volume");
        assert.match(String(reg?.inputs.__provider), /providerFor\(kind\)/);
        assert.doesNotMatch(JSON.stringify(reg?.inputs), /akm-|apiKey/i);
    });

    it("keeps an explicit name and adoptExisting", async () => {
        const v = new agentbay.Volume("x", { imageId: "imgc-1", name: "Custom_Name", adoptExisting: true });
        assert.equal(await value(v.name), "Custom_Name");
        assert.equal(await value(v.adoptExisting), true);
    });

    it("adopts with get: a read of <imageId>/<volumeId> whose outputs come from the cloud", async () => {
        const v = agentbay.Volume.get("adopted", "imgc-1/vol-adopted");
        assert.equal(await value(v.id), "imgc-1/vol-adopted");
        assert.equal(await value(v.name), "found");
        assert.equal(await value(v.volumeId), "vol-adopted");
        assert.equal(seen.get("adopted")?.id, "imgc-1/vol-adopted");
    });

    it("getVolumes walks every NextToken page; name is an exact match; getVolumesOutput resolves the same", async () => {
        const ids = Array.from({ length: 23 }, (_, i) => emu.agentbay.create("imgc-page", `vol-${i}`));
        emu.agentbay.create("imgc-page", "data");
        emu.agentbay.create("imgc-page", "data-2");
        emu.agentbay.create("imgc-other", "data");
        emu.clearRequests();
        const all = await agentbay.getVolumes({ imageId: "imgc-page" });
        assert.equal(all.volumes.length, 25);
        assert.ok(ids.every((id) => all.volumes.some((v) => v.id === `imgc-page/${id}` && v.volumeId === id)));
        assert.ok(emu.requests().filter((r) => r.action === "ListVolumes").length >= 3, "three pages of 10");
        const one = await agentbay.getVolumes({ imageId: "imgc-page", name: "data" });
        assert.deepEqual(
            one.volumes.map((v) => [v.name, v.belongingImageId, v.status]),
            [["data", "imgc-page", "Available"]],
        );
        const out = await value(agentbay.getVolumesOutput(pulumi.output({ imageId: "imgc-page", name: "data-2" })));
        assert.deepEqual(
            out.volumes.map((v) => v.name),
            ["data-2"],
        );
    });
});
