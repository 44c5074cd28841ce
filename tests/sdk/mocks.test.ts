import { strict as assert } from "node:assert";
import * as pulumi from "@pulumi/pulumi";
import { agentbay, fly, neevcloud } from "../../sdk";
import { durationSeconds } from "../../sdk/core/timeouts";

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

    describe("the stack traces Pulumi takes while a volume registers", () => {
        /** Counts the traces formatted while `make` runs, by whether they hold any frame. */
        function traces(make: () => void): { withFrames: number; empty: number } {
            const seen = { withFrames: 0, empty: 0 };
            const prepare = Error.prepareStackTrace;
            Error.prepareStackTrace = (_error, sites) => {
                if (sites.length > 0) seen.withFrames++;
                else seen.empty++;
                return "";
            };
            try {
                make();
            } finally {
                Error.prepareStackTrace = prepare;
            }
            return seen;
        }

        it("takes none for the output promises (four per property), keeps the source position, and puts the limit back", () => {
            const limit = Error.stackTraceLimit;
            const seen = traces(() => new fly.Volume("traces-off", { app: "web", region: "iad", sizeGb: 1 }));
            assert.equal(Error.stackTraceLimit, limit);
            // Pulumi's own look for the resource's source position raises the limit itself: one trace with frames.
            assert.ok(seen.withFrames >= 1 && seen.withFrames <= 2, JSON.stringify(seen));
            assert.ok(seen.empty > 100, JSON.stringify(seen));
        });

        it("takes them all when PULUMI_DEBUG_PROMISE_LEAKS asks for them", () => {
            process.env.PULUMI_DEBUG_PROMISE_LEAKS = "1";
            try {
                const seen = traces(() => new fly.Volume("traces-on", { app: "web", region: "iad", sizeGb: 1 }));
                assert.ok(seen.withFrames > 100, JSON.stringify(seen));
                assert.equal(seen.empty, 0);
            } finally {
                delete process.env.PULUMI_DEBUG_PROMISE_LEAKS;
            }
        });
    });

    describe("customTimeouts", () => {
        /** The `timeouts` input a resource registered, once its inputs settled. */
        async function registeredTimeouts(name: string): Promise<unknown> {
            for (let i = 0; i < 50 && !seen.has(name); i++) await new Promise((r) => setTimeout(r, 10));
            return seen.get(name)?.inputs.timeouts;
        }

        it("reads Pulumi's duration strings as Go's time.ParseDuration does", () => {
            assert.equal(durationSeconds("5m"), 300);
            assert.equal(durationSeconds("1h30m"), 5400);
            assert.equal(durationSeconds("90s"), 90);
            assert.equal(durationSeconds("1.5h"), 5400);
            assert.equal(durationSeconds("500ms"), 0.5);
            assert.equal(durationSeconds("2m30.5s"), 150.5);
            for (const bad of ["5", "5 minutes", "m", "5d", "-5m", "", "5m 30s", "1h-30m"])
                assert.equal(durationSeconds(bad), undefined, bad);
        });

        it("become timeouts in seconds, and an explicit timeouts field wins over the same field", async () => {
            new fly.Volume(
                "ct1",
                { app: "web", region: "iad", sizeGb: 1 },
                { customTimeouts: { create: "5m", update: "1h30m", delete: "90s" } },
            );
            assert.deepEqual(await registeredTimeouts("ct1"), { create: 300, update: 5400, delete: 90 });
            new neevcloud.NetworkVolume(
                "ct2",
                { regionId: "in-bom-1", sizeGb: 1, timeouts: pulumi.output({ delete: 30 }) },
                { customTimeouts: { create: "10m", delete: "1h" } },
            );
            assert.deepEqual(await registeredTimeouts("ct2"), { create: 600, delete: 30 });
            new agentbay.Volume("ct3", { imageId: "img-1", timeouts: { create: 20 } });
            assert.deepEqual(await registeredTimeouts("ct3"), { create: 20 });
        });

        it("refuses a malformed or out-of-range duration, naming the resource, the option and the value", () => {
            assert.throws(
                () => new fly.Volume("ct4", { app: "web", region: "iad", sizeGb: 1 }, { customTimeouts: { create: "5 minutes" } }),
                /fly\.Volume 'ct4': customTimeouts\.create "5 minutes" is not a duration: write it as Pulumi does, e\.g\. "5m"/,
            );
            assert.throws(
                () => new fly.Volume("ct5", { app: "web", region: "iad", sizeGb: 1 }, { customTimeouts: { delete: "48h" } }),
                /customTimeouts\.delete "48h" must be more than 0 and at most 24h/,
            );
        });
    });
});
