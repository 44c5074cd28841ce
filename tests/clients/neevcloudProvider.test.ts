import { strict as assert } from "node:assert";
import { networkVolumeProvider } from "../../provider/neevcloud/provider";
import { rejection, useEmulator } from "./support";
import { present } from "../support/present";

const p = networkVolumeProvider;
const scope = { orgId: "org-1", projectId: "proj-1" };
const base = { ...scope, regionId: "in-bom-1", sizeGb: 100, name: "datasets" };

async function inputs(extra: Record<string, unknown> = {}) {
    const { inputs, failures } = await p.check({}, { ...base, ...extra, __provider: "serialized-code" });
    assert.deepEqual(failures, []);
    return inputs;
}

describe("neevcloud.NetworkVolume provider against the emulator", function () {
    this.timeout(30_000);
    const knobs = {
        neevcloud: { timeToBoundMs: 150, timeToExtendMs: 250, createOutcome: "bound" as const, extendOutcome: "succeeded" as const },
    };
    const { emu } = useEmulator(knobs);
    const inventory = () => emu().inventory().neevcloud;
    const control = () => emu().neevcloud;
    const requests = () =>
        emu()
            .requests()
            .filter((r) => r.cloud === "neevcloud");

    it("create waits pending → bound and returns <org>/<project>/<id>", async () => {
        const { id, outs } = await p.create(await inputs());
        assert.match(id, /^org-1\/proj-1\/[0-9a-f-]{36}$/);
        assert.equal(outs.status, "bound");
        assert.equal(outs.planId !== undefined, true);
        assert.equal(requests().filter((r) => r.method === "POST").length, 1);
    });

    it("a create that ends 'failed' rejects with partial state naming the state", async () => {
        emu().configure({ neevcloud: { createOutcome: "failed" } });
        const err = await rejection(p.create(await inputs()));
        assert.match(err.message, /reached 'failed' waiting to be bound/);
        assert.match(String(err.id), /^org-1\/proj-1\//);
        assert.equal((err.properties as Record<string, unknown>).__provider, "serialized-code");
        // It never became ready: the next up replaces it.
        const props = err.properties as Record<string, unknown>;
        assert.equal(props.readyOnce, undefined);
        const diff = await p.diff(String(err.id), props as never, await inputs());
        assert.ok(diff.replaces.length > 0, JSON.stringify(diff));
    });

    /** Runs `f` with stderr captured. */
    async function capturingStderr<T>(f: () => Promise<T>): Promise<{ result: T; stderr: string }> {
        const write = process.stderr.write.bind(process.stderr);
        let stderr = "";
        process.stderr.write = ((chunk: string | Uint8Array) => {
            stderr += String(chunk);
            return true;
        }) as typeof process.stderr.write;
        try {
            return { result: await f(), stderr };
        } finally {
            process.stderr.write = write;
        }
    }

    it("a volume bound once that later reads 'failed' is kept and warned about at refresh, never replaced (issue 14 §2)", async () => {
        const { id, outs } = await p.create(await inputs());
        assert.equal(outs.readyOnce, true, "recorded: it became ready once");
        control().setStatus("org-1", "proj-1", String(outs.volumeId), "failed");
        const { result, stderr } = await capturingStderr(() => p.read!(id, outs));
        assert.equal(result.id, id, "kept in the stack");
        assert.equal(result.props.status, "failed");
        assert.equal(result.props.readyOnce, true);
        assert.match(stderr, /was bound \(it may hold data\) and now reads 'failed'.*not be replaced automatically.*pulumi up --replace/);
        assert.deepEqual(await p.diff(id, result.props, await inputs()), { changes: false, replaces: [] }, "no replacement");
        // State written before this field existed: a stored 'bound' counts as ready once.
        const legacy = { ...outs, readyOnce: undefined };
        const again = await capturingStderr(() => p.read!(id, legacy));
        assert.equal(again.result.props.readyOnce, true);
        assert.equal(inventory().length, 1, "nothing deleted");
    });

    /** NeevCloud answers `lost` (Kubernetes' PVC phase, not in the spec's enum) for this volume, on every read. */
    function readsLost(volumeId: string) {
        const rec = { ...inventory().find((v) => v.id === volumeId)!, status: "lost" };
        emu().setFaults([
            { cloud: "neevcloud", method: "GET", path: new RegExp(`/volumes/${volumeId}$`), status: 200, body: rec, times: Infinity },
            { cloud: "neevcloud", method: "GET", path: /\/volumes$/, status: 200, body: { volumes: [rec] }, times: Infinity },
        ]);
    }

    it("'lost' does not block an unrelated update (no wait for timeouts.update), and read says what it means (issue 14 §2)", async () => {
        const { id, outs } = await p.create(await inputs());
        readsLost(String(outs.volumeId));
        const { result: seen, stderr } = await capturingStderr(() => p.read!(id, outs));
        assert.equal(seen.props.status, "lost");
        assert.match(stderr, /reports it 'lost': the storage behind the claim is gone/);
        emu().clearRequests();
        const started = Date.now();
        const res = await p.update(id, seen.props, await inputs({ timeouts: { update: 20 } }));
        assert.ok(Date.now() - started < 2_000, `took ${Date.now() - started} ms`);
        assert.deepEqual(res.outs.timeouts, { update: 20 });
        assert.equal(requests().length, 0, "a timeouts-only change sends nothing");
    });

    it("a create whose volume reads 'lost' fails at once, saying what it means (issue 14 §2)", async () => {
        emu().configure({ neevcloud: { timeToBoundMs: 60_000, createOutcome: "bound" } });
        emu().setFaults([]);
        const made = p.create(await inputs({ timeouts: { create: 20 } }));
        // Once the create is answered, every read says lost.
        let id: string | undefined;
        for (let i = 0; i < 100 && !id; i++) {
            await new Promise((r) => setTimeout(r, 20));
            id = inventory()[0]?.id;
        }
        readsLost(id!);
        const started = Date.now();
        const err = await rejection(made);
        assert.ok(Date.now() - started < 5_000, `took ${Date.now() - started} ms`);
        assert.match(err.message, /reached 'lost' waiting to be bound: NeevCloud reports it 'lost'/);
    });

    it("grow sends one extend and waits for 'succeeded' and the new size", async () => {
        const { id, outs } = await p.create(await inputs());
        emu().clearRequests();
        const res = await p.update(id, outs, await inputs({ sizeGb: 250 }));
        assert.equal(res.outs.sizeGb, 250);
        assert.equal(res.outs.extensionStatus, "succeeded");
        assert.equal(requests().filter((r) => r.path.endsWith("/extend")).length, 1);
    });

    it("grow at the floor: with the stored outputs settled below the target, the extend goes first, with no read before it", async () => {
        const { id, outs } = await p.create(await inputs());
        emu().clearRequests();
        await p.update(id, outs, await inputs({ sizeGb: 250 }));
        const first = requests()[0];
        assert.equal(first?.method, "POST");
        assert.ok(first?.path.endsWith("/extend"), JSON.stringify(requests()));
    });

    it("grow from stale outputs (grown outside Pulumi): the refused extend is reconciled by a read, not an error", async () => {
        const { id, outs } = await p.create(await inputs());
        const grown = await p.update(id, outs, await inputs({ sizeGb: 300 }));
        emu().clearRequests();
        // The stored outputs say 100 GB; the volume is 300 GB: the extend to 250 is refused (400).
        const res = await p.update(id, outs, await inputs({ sizeGb: 250 }));
        assert.equal(res.outs.sizeGb, grown.outs.sizeGb);
        assert.deepEqual(
            requests().map((r) => `${r.method} ${r.status}`),
            ["POST 400", "GET 200"],
        );
    });

    it("a failed extension is an error that says so, and state keeps the cloud's size", async () => {
        const { id, outs } = await p.create(await inputs());
        emu().configure({ neevcloud: { extendOutcome: "failed" } });
        const err = await rejection(p.update(id, outs, await inputs({ sizeGb: 250 })));
        assert.match(err.message, /extension to 250 GB failed; the volume is 100 GB/);
        assert.equal((err.properties as Record<string, unknown>).sizeGb, 100);
    });

    it("an extend whose response was lost is not sent twice", async () => {
        const { id, outs } = await p.create(await inputs());
        emu().setFaults([{ cloud: "neevcloud", method: "POST", path: /\/extend$/, loseResponse: true }]);
        const res = await p.update(id, outs, await inputs({ sizeGb: 300 }));
        assert.equal(res.outs.sizeGb, 300);
        assert.equal(requests().filter((r) => r.path.endsWith("/extend")).length, 1);
    });

    it(
        "a grow whose 202 was lost while the extension is not yet visible: the refusal " +
            "('in progress') means ours is queued; it waits for the size (issue 14 §3)",
        async () => {
            const { id, outs } = await p.create(await inputs());
            emu().configure({ neevcloud: { timeToExtendMs: 3_000 } });
            const stale = inventory().find((v) => v.id === outs.volumeId)!;
            emu().setFaults([
                { cloud: "neevcloud", method: "POST", path: /\/extend$/, loseResponse: true },
                // The first read after it does not show the extension yet (read lag).
                { cloud: "neevcloud", method: "GET", path: new RegExp(`/volumes/${outs.volumeId}$`), status: 200, body: stale },
            ]);
            const res = await p.update(id, outs, await inputs({ sizeGb: 300 }));
            assert.equal(res.outs.sizeGb, 300);
            assert.equal(res.outs.extensionStatus, "succeeded");
            const extends_ = requests().filter((r) => r.path.endsWith("/extend"));
            assert.equal(extends_.length, 2, "the second was refused as in progress, not an error");
            assert.equal(present(extends_[1]).status, 400);
        },
    );

    it("read drops the volume on 404", async () => {
        const { id, outs } = await p.create(await inputs());
        assert.equal((await p.read!(id, outs)).id, id);
        control().destroy("org-1", "proj-1", String(outs.volumeId));
        assert.deepEqual(await p.read!(id, outs), { id: "", props: {} });
    });

    it("delete is done on 204 or 404", async () => {
        const { id, outs } = await p.create(await inputs());
        await p.delete(id, outs);
        await p.delete(id, outs);
        assert.equal(inventory().filter((v) => v.status !== "terminated").length, 0);
    });

    it("delete of an in-use volume is retried until it is detached", async () => {
        const { id, outs } = await p.create(await inputs());
        control().attach("org-1", "proj-1", String(outs.volumeId), { resourceName: "vm-1" });
        setTimeout(() => control().detach("org-1", "proj-1", String(outs.volumeId)), 1500);
        await p.delete(id, outs);
        assert.ok(requests().some((r) => r.method === "DELETE" && r.status === 400));
    });

    it("a missing orgId fails at check, before any request", async () => {
        const saved = process.env.NEEVCLOUD_ORG_ID; // the emulator's env names an org
        delete process.env.NEEVCLOUD_ORG_ID;
        const { failures } = await p.check({}, { regionId: "r", sizeGb: 1, name: "a" }).finally(() => {
            process.env.NEEVCLOUD_ORG_ID = saved;
        });
        assert.ok((failures ?? []).some((f) => f.property === "orgId"));
        assert.equal(requests().length, 0);
    });

    it(
        "a create response lost after the commit, the volume missing from " +
            "the first look's list only: found by the second look (issue 14 §3)",
        async () => {
            emu().setFaults([
                { cloud: "neevcloud", method: "POST", path: /\/volumes$/, loseResponse: true },
                // The first list after the POST lags: a stale answer without the new volume.
                { cloud: "neevcloud", method: "GET", path: /\/volumes$/, skip: 1, times: 1, status: 200, body: { volumes: [] } },
            ]);
            const { id } = await p.create(await inputs());
            const live = inventory();
            assert.equal(live.length, 1, "no duplicate, no orphan");
            assert.ok(id.endsWith(present(live[0]).id));
            assert.equal(requests().filter((r) => r.method === "POST").length, 1, "never sent again");
            assert.ok(requests().filter((r) => r.method === "GET" && r.fault).length === 1, "the stale list was served");
        },
    );

    describe("faults end with the right volumes and no duplicate", () => {
        for (const [what, fault] of [
            ["a 503 on create", { status: 503 }],
            ["a dropped connection on create", { drop: true }],
            ["a create response lost after the cloud committed it", { loseResponse: true }],
            ["a 500 storm on reads", null],
            [
                "a 2xx create whose body has no readable id (a proxy's HTML page), committed",
                { status: 201, rawBody: "<html>Created</html>", afterCommit: true },
            ],
        ] as const) {
            it(what, async () => {
                emu().setFaults(
                    fault
                        ? [{ cloud: "neevcloud", method: "POST", path: /\/volumes$/, ...fault }]
                        : [{ cloud: "neevcloud", method: "GET", status: 500, times: 3 }],
                );
                const { id } = await p.create(await inputs());
                const live = inventory();
                assert.equal(live.length, 1, "no duplicate");
                assert.ok(id.endsWith(present(live[0]).id));
            });
        }
    });
});
