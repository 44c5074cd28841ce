import { strict as assert } from "node:assert";
import { agentbayVolumeProvider } from "../../provider/agentbay/provider";
import { networkVolumeProvider } from "../../provider/neevcloud/provider";
import { vm0VolumeProvider } from "../../provider/vm0/provider";
import { rejection, useEmulator } from "./support";

/**
 * "Gone" is the cloud's own not-found (its JSON error shape). A 404 with an HTML body (a proxy, a
 * wrong API URL) on read or delete is an error naming the URL and its config key, and the volume
 * stays in state and in the cloud. (Fly's cases are in flyProvider.test.ts.)
 */
const html = "<!DOCTYPE html><html><head><title>404 Not Found</title></head><body><center>nginx</center></body></html>";
const proxy404 = (cloud: "neevcloud" | "agentbay" | "vm0", method?: string) => ({
    cloud,
    method,
    status: 404,
    rawBody: html,
    headers: { "content-type": "text/html" },
    times: Infinity,
});

describe("a 404 that is not the cloud's (a proxy's HTML page) never drops or deletes", function () {
    this.timeout(30_000);
    const { emu } = useEmulator({
        neevcloud: { timeToBoundMs: 10, createOutcome: "bound" },
        agentbay: { listLagMs: 0, allowlisted: true },
    });

    describe("neevcloud", () => {
        const p = networkVolumeProvider;
        const create = async () => {
            const base = { orgId: "org-1", projectId: "proj-404", regionId: "in-bom-1", sizeGb: 10, name: "proxied" };
            const { inputs, failures } = await p.check({}, { ...base, __provider: "x" });
            assert.deepEqual(failures, []);
            return p.create(inputs);
        };

        it("read: an error naming the URL and neevcloud:apiUrl", async () => {
            const { id, outs } = await create();
            emu().setFaults([proxy404("neevcloud", "GET")]);
            const err = await rejection(p.read(id, outs));
            assert.match(err.message, /answered 404 with an HTML page not in neevcloud's error shape/);
            assert.ok(
                err.message.includes(`${process.env.NEEVCLOUD_API_URL}/api/v1beta1/orgs/org-1/projects/proj-404/volumes`),
                err.message,
            );
            assert.match(err.message, /`neevcloud:apiUrl` or NEEVCLOUD_API_URL/);
        });

        it("delete: an error, and the volume is still there", async () => {
            const { id, outs } = await create();
            emu().setFaults([proxy404("neevcloud", "DELETE")]);
            const err = await rejection(p.delete(id, outs));
            assert.match(err.message, /answered 404 with an HTML page/);
            assert.equal(
                emu()
                    .inventory()
                    .neevcloud.filter((v) => v.status === "bound").length,
                1,
            );
        });
    });

    describe("agentbay", () => {
        const p = agentbayVolumeProvider;
        const create = async (name: string) => {
            const { inputs, failures } = await p.check({}, { imageId: "imgc-404", name, __provider: "x" });
            assert.deepEqual(failures, []);
            return p.create(inputs);
        };

        it("read: an error naming agentbay:endpoint, not an empty id", async () => {
            const { id, outs } = await create("proxied-read");
            emu().setFaults([proxy404("agentbay")]);
            const err = await rejection(p.read(id, outs));
            assert.match(err.message, /answered 404 with an HTML page not in agentbay's error shape/);
            assert.match(err.message, /`agentbay:endpoint` or AGENTBAY_ENDPOINT/);
        });

        it("delete: an error, and the volume is still there", async () => {
            const { id, outs } = await create("proxied-delete");
            emu().setFaults([proxy404("agentbay")]);
            const err = await rejection(p.delete(id, outs));
            assert.match(err.message, /answered 404 with an HTML page/);
            assert.ok(
                emu()
                    .inventory()
                    .agentbay.some((v) => v.VolumeName === "proxied-delete"),
            );
        });
    });

    describe("vm0 (no delete: read only)", () => {
        it("read: an error naming the URL and vm0:apiUrl, not an empty id", async () => {
            const seeded = emu().vm0.seedVolume({ name: "proxied" });
            emu().setFaults([proxy404("vm0", "GET")]);
            const err = await rejection(vm0VolumeProvider.read(seeded.id, { volumeId: seeded.id, name: "proxied" }));
            assert.match(err.message, /answered 404 with an HTML page not in vm0's error shape/);
            assert.ok(err.message.includes(`/volumes/${seeded.id}`), err.message);
            assert.match(err.message, /`vm0:apiUrl` or VM0_API_URL/);
        });

        it("VM0's own 404 is still gone", async () => {
            const id = "0b0e0b6e-0000-4000-8000-000000000404";
            assert.deepEqual(await vm0VolumeProvider.read(id, { volumeId: id }), { id: "", props: {} });
        });
    });
});
