import { strict as assert } from "node:assert";
import * as pulumi from "@pulumi/pulumi";
import { startEmulator, type Emulator } from "../../emulator";
import { closeAllPools } from "../../provider/core/transport";
import { setStackConfig } from "../../provider/core/config";
import { agentbay, fly, neevcloud, vm0 } from "../../sdk";
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

    it("the import option of every class is sent as the importId input, and never reaches the engine as an import", async () => {
        const made = [
            new agentbay.Volume("imp-ab", { imageId: "imgc-1" }, { import: "imgc-1/vol-1" }),
            new fly.Volume("imp-fly", { app: "web", region: "iad", sizeGb: 1 }, { import: "web/vol_1" }),
            new neevcloud.NetworkVolume("imp-neev", { regionId: "r", sizeGb: 1 }, { import: "o/p/00000000-0000-0000-0000-000000000000" }),
            new vm0.Volume("imp-vm0", { source: "." }, { import: "0b1c2d3e-0000-0000-0000-000000000000" }),
        ];
        await Promise.all(made.map((r) => value(r.urn)));
        for (const [name, id] of <Array<[string, string]>>[
            ["imp-ab", "imgc-1/vol-1"],
            ["imp-fly", "web/vol_1"],
            ["imp-neev", "o/p/00000000-0000-0000-0000-000000000000"],
            ["imp-vm0", "0b1c2d3e-0000-0000-0000-000000000000"],
        ]) {
            const reg = seen.get(name);
            assert.equal(reg?.inputs.importId, id, name);
            assert.ok(!reg?.id, `${name}: no engine import (the dynamic-provider host cannot read without __provider)`);
        }
        // Without the option: no importId.
        new agentbay.Volume("plain", { imageId: "imgc-1" });
        await new Promise((r) => setTimeout(r, 50));
        assert.equal(seen.get("plain")?.inputs.importId, undefined);
    });

    it("tracks with get, read-only: a read of <imageId>/<volumeId> whose outputs come from the cloud", async () => {
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
