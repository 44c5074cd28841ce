import { strict as assert } from "node:assert";
import * as pulumi from "@pulumi/pulumi";
import { startEmulator, type Emulator } from "../../emulator";
import { agentbay, fly, neevcloud, vm0 } from "../../sdk";

function value<T>(o: pulumi.Output<T>): Promise<T> {
    return new Promise((resolve) => o.apply((v) => resolve(v)));
}

/** What a user's mocks answer, by invoke token: the README's pattern. */
const answers: Record<string, Record<string, unknown>> = {
    "pulumi-volumes:fly:getVolumes": {
        app: "web",
        volumes: [{ id: "web/vol_1", volumeId: "vol_1", app: "web", name: "data", region: "iad", sizeGb: 3, state: "created" }],
    },
    "pulumi-volumes:neevcloud:getNetworkVolumes": { orgId: "o", projectId: "p", volumes: [] },
    "pulumi-volumes:agentbay:getVolumes": { imageId: "imgc-1", volumes: [{ id: "imgc-1/vol-1", volumeId: "vol-1", name: "data" }] },
    "pulumi-volumes:vm0:getVolume": { id: "0b8f7c3e-2a51-4c8e-9d0a-5f3e1b2c4d6e", name: "inputs", currentVersionId: "ab".repeat(32) },
    "pulumi-volumes:vm0:getVolumeVersions": { id: "0b8f7c3e-2a51-4c8e-9d0a-5f3e1b2c4d6e", versions: [{ id: "ab".repeat(32) }] },
    "pulumi-volumes:vm0:getVolumeDownloadUrl": {
        id: "0b8f7c3e-2a51-4c8e-9d0a-5f3e1b2c4d6e",
        url: "https://example.invalid/archive.tar.gz",
    },
};

describe("lookups under pulumi.runtime.setMocks are invokes the mocks answer, with no request and no credential", function () {
    this.timeout(30_000);
    let emu: Emulator;
    const calls: pulumi.runtime.MockCallArgs[] = [];
    const saved: Record<string, string | undefined> = {};
    before(async () => {
        await pulumi.runtime.setMocks(
            {
                newResource: (args) => ({ id: args.id ?? `${args.name}-id`, state: args.inputs }),
                call(args) {
                    calls.push(args);
                    const answer = answers[args.token];
                    if (!answer) throw new Error(`no mock for ${args.token}`);
                    return answer;
                },
            },
            "project",
            "stack",
            false,
        );
        emu = await startEmulator();
        // Every cloud points at the emulator, so a request that escaped the mocks would be seen there;
        // and no credential is set anywhere, so a lookup that read one would fail.
        for (const [k, v] of Object.entries(emu.env)) {
            saved[k] = process.env[k];
            if (/TOKEN|KEY/.test(k)) delete process.env[k];
            else process.env[k] = v;
        }
        for (const k of ["VM0_API_KEY", "NEEVCLOUD_ORG_ID", "NEEVCLOUD_PROJECT_ID"]) {
            saved[k] = process.env[k];
            delete process.env[k];
        }
    });
    after(async () => {
        for (const [k, v] of Object.entries(saved)) {
            if (v === undefined) delete process.env[k];
            else process.env[k] = v;
        }
        await emu.close();
    });

    it("each lookup and its Output form returns the mocked answer for its token, and the emulator sees no request", async () => {
        const id = "0b8f7c3e-2a51-4c8e-9d0a-5f3e1b2c4d6e";
        assert.deepEqual(await fly.getVolumes({ app: "web" }), answers["pulumi-volumes:fly:getVolumes"]);
        assert.deepEqual(await value(fly.getVolumesOutput({ app: pulumi.output("web") })), answers["pulumi-volumes:fly:getVolumes"]);
        assert.deepEqual(await neevcloud.getNetworkVolumes(), answers["pulumi-volumes:neevcloud:getNetworkVolumes"]);
        assert.deepEqual(
            await value(neevcloud.getNetworkVolumesOutput({ available: true })),
            answers["pulumi-volumes:neevcloud:getNetworkVolumes"],
        );
        assert.deepEqual(await agentbay.getVolumes({ imageId: "imgc-1", name: "data" }), answers["pulumi-volumes:agentbay:getVolumes"]);
        assert.deepEqual(await value(agentbay.getVolumesOutput({ imageId: "imgc-1" })), answers["pulumi-volumes:agentbay:getVolumes"]);
        assert.deepEqual(await vm0.getVolume({ name: "inputs" }), answers["pulumi-volumes:vm0:getVolume"]);
        assert.deepEqual(await value(vm0.getVolumeOutput({ id })), answers["pulumi-volumes:vm0:getVolume"]);
        assert.deepEqual(await vm0.getVolumeVersions({ id }), answers["pulumi-volumes:vm0:getVolumeVersions"]);
        assert.deepEqual(await value(vm0.getVolumeVersionsOutput({ id })), answers["pulumi-volumes:vm0:getVolumeVersions"]);
        assert.deepEqual(await vm0.getVolumeDownloadUrl({ id }), answers["pulumi-volumes:vm0:getVolumeDownloadUrl"]);
        const download = vm0.getVolumeDownloadUrlOutput({ id, versionId: "abababab" });
        assert.deepEqual(await value(download), answers["pulumi-volumes:vm0:getVolumeDownloadUrl"]);
        assert.equal(await pulumi.isSecret(download), true, "the download URL stays secret under mocks");

        assert.deepEqual(emu.requests(), [], "no request reached the emulator");
        assert.deepEqual(
            calls.map((c) => c.token),
            [
                "pulumi-volumes:fly:getVolumes",
                "pulumi-volumes:fly:getVolumes",
                "pulumi-volumes:neevcloud:getNetworkVolumes",
                "pulumi-volumes:neevcloud:getNetworkVolumes",
                "pulumi-volumes:agentbay:getVolumes",
                "pulumi-volumes:agentbay:getVolumes",
                "pulumi-volumes:vm0:getVolume",
                "pulumi-volumes:vm0:getVolume",
                "pulumi-volumes:vm0:getVolumeVersions",
                "pulumi-volumes:vm0:getVolumeVersions",
                "pulumi-volumes:vm0:getVolumeDownloadUrl",
                "pulumi-volumes:vm0:getVolumeDownloadUrl",
            ],
        );
        // The mocks see the arguments as given (Outputs resolved).
        assert.deepEqual(calls[1]?.inputs, { app: "web" });
        assert.deepEqual(calls[5]?.inputs, { imageId: "imgc-1" });
        assert.deepEqual(calls[11]?.inputs, { id, versionId: "abababab" });
    });

    it("bad arguments are refused before the mocks are asked", async () => {
        const before = calls.length;
        await assert.rejects(vm0.getVolume({} as vm0.GetVolumeArgs), /exactly one of `id` or `name`/);
        await assert.rejects(vm0.getVolumeVersions({ id: "../x" }), /must not contain '\/'/);
        assert.equal(calls.length, before, "the mocks were not asked");
        assert.deepEqual(emu.requests(), []);
    });
});
