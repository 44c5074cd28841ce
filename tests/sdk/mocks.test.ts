import { strict as assert } from "node:assert";
import * as pulumi from "@pulumi/pulumi";
import { fly, neevcloud } from "../../sdk";

/** Registrations seen by the mocks, by resource name. */
const seen = new Map<string, pulumi.runtime.MockResourceArgs>();

function value<T>(o: pulumi.Output<T>): Promise<T> {
    return new Promise((resolve) => o.apply((v) => resolve(v)));
}

describe("the SDK classes in a program under pulumi.runtime.setMocks", () => {
    before(async () => {
        await pulumi.runtime.setMocks(
            {
                newResource(args) {
                    seen.set(args.name, args);
                    const state = args.id
                        ? { ...args.inputs, sizeGb: 42, volumeId: "vol_adopted", state: "created" }
                        : { ...args.inputs, volumeId: "vol_mock", state: "created" };
                    return { id: args.id ?? `${args.name}-id`, state };
                },
                call: () => ({}),
            },
            "mocks",
            "test",
            false,
        );
    });

    it("registers fly.Volume with its type token, the derived default name and resolvable outputs", async () => {
        const v = new fly.Volume("Web Data", { app: "web", region: "iad", sizeGb: 3 });
        assert.equal(await value(v.name), "web_data");
        assert.equal(await value(v.sizeGb), 3);
        assert.equal(await value(v.volumeId), "vol_mock");
        assert.equal(seen.get("Web Data")?.type, "pulumi-nodejs:dynamic/fly:Volume");
        assert.match(String(seen.get("Web Data")?.inputs.__provider), /require\("pulumi-volumes\/provider"\)/);
    });

    it("keeps an explicit name, and sends no credential in the inputs", async () => {
        const v = new fly.Volume("x", { app: "web", region: "iad", sizeGb: 3, name: "custom_name" });
        assert.equal(await value(v.name), "custom_name");
        assert.doesNotMatch(JSON.stringify(seen.get("x")?.inputs), /token/i);
    });

    it("registers neevcloud.NetworkVolume with a DNS-label default name", async () => {
        const v = new neevcloud.NetworkVolume("My Datasets", { regionId: "in-bom-1", sizeGb: 100 });
        assert.equal(await value(v.name), "my-datasets");
        assert.equal(seen.get("My Datasets")?.type, "pulumi-nodejs:dynamic/neevcloud:NetworkVolume");
    });

    it("adopts with get: a read of the given id whose outputs come from the cloud", async () => {
        const v = fly.Volume.get("adopted", "web/vol_adopted");
        assert.equal(await value(v.id), "web/vol_adopted");
        assert.equal(await value(v.sizeGb), 42);
        assert.equal(seen.get("adopted")?.id, "web/vol_adopted");
    });

    it("shares one serialized provider object per resource type", async () => {
        new fly.Volume("a1", { app: "web", region: "iad", sizeGb: 1 });
        new fly.Volume("a2", { app: "web", region: "iad", sizeGb: 1 });
        // Until both registrations have reached the mocks, however long a busy machine takes: no fixed sleep.
        while (!(seen.has("a1") && seen.has("a2"))) await new Promise((r) => setTimeout(r, 10));
        assert.equal(seen.get("a1")?.inputs.__provider, seen.get("a2")?.inputs.__provider);
    });
});
