import { strict as assert } from "node:assert";
import { Deadline } from "../../provider/core/deadline";
import { networkVolumeProvider } from "../../provider/neevcloud/provider";
import { neevcloudSession } from "../../provider/neevcloud/session";
import { rejection, useEmulator } from "./support";

/** Strict on what we send, lenient on what we read: NeevCloud responses that surprise us. */
const p = networkVolumeProvider;
const scope = { orgId: "org-1", projectId: "proj-1" };
const base = { ...scope, regionId: "in-bom-1", sizeGb: 10, name: "datasets" };
const listPath = "/storage/api/v1beta1/orgs/org-1/projects/proj-1/volumes";
const uuid = (n: number) => `0b8f7c3e-2a51-4c8e-9d0a-5f3e1b2c4d${String(n).padStart(2, "0")}`;

async function inputs(extra: Record<string, unknown> = {}) {
    const { inputs, failures } = await p.check({}, { ...base, ...extra, __provider: "serialized-code" });
    assert.deepEqual(failures, []);
    return inputs;
}

describe("neevcloud.NetworkVolume reads responses leniently", function () {
    this.timeout(30_000);
    const { emu } = useEmulator({ neevcloud: { timeToBoundMs: 100, createOutcome: "bound" as const } });
    const deadline = () => Deadline.in(10, "read");

    it("a 201 with planID null and no status still records the id: nothing is orphaned", async () => {
        emu().setFaults([
            { cloud: "neevcloud", method: "POST", path: listPath, status: 201, body: { id: uuid(1), name: "datasets", planID: null } },
        ]);
        const err = await rejection(p.create(await inputs({ timeouts: { create: 2 } })));
        assert.equal(err.id, `org-1/proj-1/${uuid(1)}`, "partial state carries the id NeevCloud returned");
        assert.doesNotMatch(err.message, /\n/);
    });

    it("a volume read with planID null, a new status and unknown fields is read, not refused", async () => {
        const { id, outs } = await p.create(await inputs());
        const volumeId = String(outs.volumeId);
        const odd = {
            id: volumeId,
            name: "datasets",
            planID: null,
            status: "Lost",
            sizeGB: 10,
            extension_status: "Pending",
            brandNew: { x: 1 },
        };
        // Reads share the project's list (and confirm a missing one by id): the odd record on both.
        emu().setFaults([
            { cloud: "neevcloud", method: "GET", path: `${listPath}/${volumeId}`, status: 200, body: odd, times: Infinity },
            {
                cloud: "neevcloud",
                method: "GET",
                path: listPath,
                status: 200,
                body: { volumes: [odd], pagination: { current_page: 1, total_pages: 1 } },
                times: Infinity,
            },
        ]);
        const fresh = await p.read!(id, outs);
        assert.equal(fresh.id, id);
        assert.equal(fresh.props.status, "lost");
        assert.equal(fresh.props.planId, undefined);
        assert.equal(fresh.props.sizeGb, 10);
    });

    it("one unexpected volume does not make the list unreadable", async () => {
        emu().setFaults([
            {
                cloud: "neevcloud",
                method: "GET",
                path: listPath,
                status: 200,
                body: {
                    volumes: [
                        { name: "no-id", status: "bound" },
                        { id: uuid(2), name: "a", status: "Lost", planID: null },
                        { id: 42, name: "numeric-id" },
                        { id: uuid(3), name: "b" },
                    ],
                    pagination: { current_page: 1, total_pages: 1 },
                },
            },
        ]);
        const list = await neevcloudSession().client.listVolumes(scope, deadline());
        assert.deepEqual(
            list.map((v) => [v.id, v.status]),
            [
                [uuid(2), "lost"],
                [uuid(3), "unknown"],
            ],
        );
    });

    it("an instanceId check accepted is sent, and the emulator takes it", async () => {
        // Hex in every place but no RFC version/variant: the old request schema (z.uuid()) refused it at `up`.
        const attachedTo = [{ instanceId: "12345678-1234-1234-1234-123456789abc", instanceName: "rt", instanceType: "airuntime" }];
        const { outs } = await p.create(await inputs({ attachedTo }));
        assert.equal(outs.status, "bound");
    });
});
