import { strict as assert } from "node:assert";
import { agentbayVolumeProvider } from "../../provider/agentbay/provider";
import { releaseClaim } from "../../provider/core/ownership";
import { rejection, useEmulator } from "./support";
import { present } from "../support/present";

const p = agentbayVolumeProvider;
const image = "imgc-prov";
const base = { imageId: image, name: "data" };

async function inputs(extra: Record<string, unknown> = {}) {
    const { inputs, failures } = await p.check({}, { ...base, ...extra, __provider: "serialized-code" });
    assert.deepEqual(failures, []);
    return inputs;
}

describe("agentbay.Volume provider against the emulator", function () {
    this.timeout(30_000);
    const knobs = { agentbay: { listLagMs: 300, allowlisted: true } };
    const { emu } = useEmulator(knobs);
    const inventory = () => emu().inventory().agentbay;
    const control = () => emu().agentbay;
    const sent = () =>
        emu()
            .requests()
            .filter((r) => r.cloud === "agentbay")
            .map((r) => r.action);

    it("bad inputs are CheckFailures, and nothing is sent", async () => {
        const { failures } = await p.check({}, { imageId: "a/b", name: "no spaces", sizeGb: 3 });
        assert.deepEqual(failures.map((f) => f.property).sort(), ["imageId", "name", "sizeGb"]);
        assert.equal(sent().length, 0);
    });

    it("create checks the name, makes the volume, waits until ListVolumes shows it, and returns <imageId>/<volumeId>", async () => {
        const { id, outs } = await p.create(await inputs());
        assert.match(id, /^imgc-prov\/vol-[a-z0-9]{16}$/);
        assert.equal(outs.volumeId, id.split("/")[1]);
        assert.equal(outs.status, "Available");
        assert.equal(outs.belongingImageId, image);
        assert.match(String(outs.createdAt), /^\d{4}-\d{2}-\d{2}T/);
        assert.equal(outs.listed, true);
        assert.equal(outs.adopted, undefined);
        const actions = sent();
        // Pre-check (list, then by name), one create-or-get, then the list until it shows the volume.
        assert.deepEqual(actions.slice(0, 3), ["ListVolumes", "GetVolume", "GetVolume"]);
        assert.ok(actions.slice(3).every((a) => a === "ListVolumes") && actions.length >= 4, actions.join(","));
        assert.equal(inventory().length, 1);
        assert.equal((await p.read(id, outs)).id, id);
    });

    it("a stranger's same-named volume is refused, naming its id and how to adopt it; nothing is created", async () => {
        const theirs = control().create(image, "data");
        const err = await rejection(p.create(await inputs()));
        assert.match(err.message, new RegExp(`already exists \\(${theirs}\\)`));
        assert.ok(err.message.includes(`adopt it by id with the resource option \`import: "${image}/${theirs}"\``), err.message);
        assert.doesNotMatch(err.message, /adoptExisting|\.get\(/);
        assert.equal(err.id, undefined, "no partial state: nothing of ours exists");
        assert.equal(inventory().length, 1);
        assert.ok(
            !emu()
                .requests()
                .some((r) => r.action === "GetVolume" && r.status === 200 && r.query.AllowCreate === "true"),
        );
    });

    it("adoptExisting: true is a CheckFailure on adoptExisting that says how to adopt by id; nothing is sent", async () => {
        control().create(image, "data");
        const { failures } = await p.check({}, { ...base, adoptExisting: true });
        assert.deepEqual(
            failures.map((f) => f.property),
            ["adoptExisting"],
        );
        assert.match(present(failures[0]).reason, /import: "<imageId>\/<volumeId>"/);
        assert.match(present(failures[0]).reason, /agentbay\.getVolumes/);
        assert.equal((await p.check({}, { ...base, adoptExisting: false })).failures.length, 0);
        assert.deepEqual(sent(), []);
    });

    it("import: adopts exactly that volume (no create-or-get), marked adopted; a mismatch names the field and both values", async () => {
        const theirs = control().create(image, "data");
        const wrong = await rejection(p.create(await inputs({ name: "other", importId: `${image}/${theirs}` })));
        assert.match(wrong.message, /agentbay volume import .*: the volume does not match the declared inputs/);
        assert.match(wrong.message, /name: declared 'other', the volume has 'data'/);
        const elsewhere = await rejection(p.create(await inputs({ importId: `imgc-other/${theirs}` })));
        assert.match(elsewhere.message, /there is no such volume/);
        const { id, outs } = await p.create(await inputs({ importId: `${image}/${theirs}` }));
        assert.equal(id, `${image}/${theirs}`);
        assert.equal(outs.adopted, true);
        assert.equal(outs.listed, true);
        assert.ok(
            !emu()
                .requests()
                .some((r) => r.action === "GetVolume" && r.query.AllowCreate === "true"),
            "no create-or-get",
        );
        // Removing the option is no change; the volume is then managed (here: deleted by its own destroy, another process).
        assert.deepEqual(await p.diff(id, outs, await inputs()), { changes: false, replaces: [] });
    });

    it("a same-named volume made seconds ago (not listed yet) is seen by the name lookup and refused", async () => {
        emu().configure({ agentbay: { listLagMs: 60_000 } });
        const other = await inputs({ timeouts: { create: 3 } });
        await rejection(p.create(other)); // ours, left in partial state while the list lags
        emu().configure({ agentbay: { listLagMs: 300 } });
        const err = await rejection(p.create(await inputs()));
        assert.match(err.message, /another resource of this deployment holds the volume of that name/);
        assert.equal(inventory().length, 1);
    });

    it(
        "a resource renamed without an alias: the new one imports the " +
            "volume (after a refresh too), and the old one's delete leaves it",
        async () => {
            // The engine creates the new resource first, then deletes the old one, in one deployment.
            const old = await p.create(await inputs());
            releaseClaim("agentbay/imgc-prov", old.outs.volumeId); // made by an earlier up (another process)
            // `pulumi up --refresh`: the old resource is read first. A read claims nothing.
            assert.equal((await p.read(old.id, old.outs)).id, old.id);
            const adopted = await p.create(await inputs({ importId: old.id }));
            assert.equal(adopted.id, old.id);
            await p.delete(old.id, old.outs);
            assert.equal(inventory().length, 1, "the new resource's volume is kept");
            // Its own delete, later, deletes it.
            await p.delete(adopted.id, adopted.outs);
            assert.equal(inventory().length, 0);
        },
    );

    it("a second same-named resource of this deployment is refused, and so is importing the volume it holds", async () => {
        const first = await p.create(await inputs());
        const err = await rejection(p.create(await inputs()));
        assert.match(
            err.message,
            new RegExp(`another resource of this deployment holds the volume of that name \\(${first.outs.volumeId}\\)`),
        );
        const imported = await rejection(p.create(await inputs({ importId: first.id })));
        assert.match(imported.message, /another resource of this deployment holds that volume/);
        assert.equal(inventory().length, 1);
    });

    it("two same-named creates at once: one volume, one resource holds it, the other is refused", async () => {
        const both = await Promise.allSettled([p.create(await inputs()), p.create(await inputs())]);
        assert.equal(both.filter((r) => r.status === "fulfilled").length, 1);
        const refused = both.find((r) => r.status === "rejected") as PromiseRejectedResult;
        assert.match(String(refused.reason.message), /another resource of this deployment holds the volume of that name/);
        assert.equal(inventory().length, 1);
    });

    it("a lost create-or-get answer leaves exactly one volume, ours, found by name", async () => {
        // skip 1: the first GetVolume is the pre-check's lookup; the second is the create.
        emu().setFaults([{ cloud: "agentbay", action: "GetVolume", skip: 1, loseResponse: true }]);
        const { id, outs } = await p.create(await inputs());
        assert.equal(inventory().length, 1);
        assert.equal(id, `${image}/${inventory()[0]?.VolumeId}`);
        assert.equal(outs.listed, true);
        const creates = emu()
            .requests()
            .filter((r) => r.action === "GetVolume");
        assert.equal(creates.length, 3, "pre-check, the lost create, the look by name: never a second create");
    });

    it("a lost GetVolume answer (any of them) never makes a second volume", async () => {
        emu().setFaults([{ cloud: "agentbay", action: "GetVolume", loseResponse: true }]);
        await p.create(await inputs());
        assert.equal(inventory().length, 1);
    });

    it("a create refused as throttled is not ambiguous: sent again, one volume", async () => {
        emu().setFaults([{ cloud: "agentbay", action: "GetVolume", skip: 1, status: 429 }]);
        await p.create(await inputs());
        assert.equal(inventory().length, 1);
    });

    it("a create whose answer is lost with the cloud unreachable fails by its deadline, takes nothing, says how to adopt", async () => {
        emu().setFaults([{ cloud: "agentbay", action: "GetVolume", skip: 1, drop: true, times: Infinity }]);
        const err = await rejection(p.create(await inputs({ timeouts: { create: 3 } })));
        assert.match(err.message, /nothing was taken/);
        assert.ok(err.message.includes('adopt it with the resource option `import: "imgc-prov/<volumeId>"`'), err.message);
        assert.equal(err.id, undefined, "no partial state: nothing is ours");
        assert.equal(inventory().length, 0);
    });

    it("a create answered with a throttling code (HTTP 400, not processed) is sent again, never ambiguous; one volume", async () => {
        emu().setFaults([
            {
                cloud: "agentbay",
                action: "GetVolume",
                skip: 1,
                status: 400,
                body: {
                    RequestId: "r-throttled",
                    HostId: "h",
                    Code: "Throttling.User",
                    Message: "Request was denied due to user flow control.",
                },
            },
        ]);
        await p.create(await inputs());
        assert.equal(inventory().length, 1);
        // pre-check lookup, the throttled create, the resent create: no look by name was needed
        assert.equal(sent().filter((a) => a === "GetVolume").length, 3);
    });

    it("a create dropped before it ran: the look by name finds nothing, it is sent again; one volume", async () => {
        emu().setFaults([{ cloud: "agentbay", action: "GetVolume", skip: 1, drop: true }]);
        const { outs } = await p.create(await inputs());
        assert.deepEqual(
            inventory().map((v) => v.VolumeId),
            [outs.volumeId],
        );
    });

    /** The create-or-get's answer (the second GetVolume; the first is the pre-check's lookup), as AgentBay might send it. */
    const answerCreate = (data: Record<string, unknown>) =>
        emu().setFaults([
            {
                cloud: "agentbay",
                action: "GetVolume",
                skip: 1,
                status: 200,
                body: { RequestId: "r-cog", Success: true, Code: "ok", Data: data },
            },
        ]);

    it("a create-or-get answer with another name is not ours: refused, nothing recorded or claimed, never deleted", async () => {
        const theirs = control().create(image, "theirs");
        answerCreate({ VolumeId: theirs, VolumeName: "theirs", BelongingImageId: image, CreateTime: new Date().toISOString() });
        const err = await rejection(p.create(await inputs()));
        assert.match(
            err.message,
            new RegExp(
                `AgentBay answered with ${theirs}, which is not the volume this request made \\(its name is 'theirs', not 'data'\\)`,
            ),
        );
        assert.equal(err.id, undefined, "no partial state: a destroy never sees it");
        assert.deepEqual(
            inventory().map((v) => v.VolumeId),
            [theirs],
        );
        emu().setFaults([]);
        // Not claimed: its owner may still import it.
        assert.equal((await p.create(await inputs({ name: "theirs", importId: `${image}/${theirs}` }))).id, `${image}/${theirs}`);
    });

    it("a create-or-get answer created before the request (beyond the clock-skew allowance) is not ours: refused", async () => {
        const theirs = control().create(image, "theirs");
        answerCreate({ VolumeId: theirs, VolumeName: "data", BelongingImageId: image, CreateTime: "2026-01-07T10:00:00Z" });
        const err = await rejection(p.create(await inputs()));
        assert.match(err.message, /its CreateTime 2026-01-07T10:00:00Z is before the request .*allowing 60 s of clock skew/);
        assert.equal(err.id, undefined);
        assert.equal(inventory().length, 1);
    });

    it("a create-or-get answer with an id the pre-check listed (a loose server match) is not ours: refused", async () => {
        const theirs = control().create(image, "data-old");
        emu().setFaults([
            {
                cloud: "agentbay",
                action: "ListVolumes",
                status: 200,
                body: {
                    RequestId: "r-list",
                    Success: true,
                    Code: "ok",
                    NextToken: "",
                    Data: [{ VolumeId: theirs, VolumeName: "data-old", BelongingImageId: image, CreateTime: new Date().toISOString() }],
                },
            },
            {
                cloud: "agentbay",
                action: "GetVolume",
                skip: 1,
                status: 200,
                body: {
                    RequestId: "r-cog",
                    Success: true,
                    Code: "ok",
                    Data: { VolumeId: theirs, VolumeName: "data", CreateTime: new Date().toISOString() },
                },
            },
        ]);
        const err = await rejection(p.create(await inputs()));
        assert.match(err.message, /the check before the create listed it already/);
        assert.equal(err.id, undefined);
        assert.equal(inventory().length, 1);
    });

    for (const shape of [
        "InvalidVolume.NotFound",
        "NotFound",
        "ResourceNotFound",
        "InvalidParameter.VolumeName",
        "emptyData",
        "noData",
    ] as const) {
        it(`the pre-check's GetVolume(AllowCreate=false) answering "no such volume" as ${shape}: the create goes ahead`, async () => {
            emu().configure({ agentbay: { lookupNotFound: shape } });
            const { outs } = await p.create(await inputs());
            assert.deepEqual(
                inventory().map((v) => v.VolumeId),
                [outs.volumeId],
            );
        });
    }

    it("an answer to the pre-check's lookup that is not understood fails the create, quoting it and saying how to report it", async () => {
        emu().setFaults([
            {
                cloud: "agentbay",
                action: "GetVolume",
                status: 200,
                body: { RequestId: "r-odd", Success: true, Code: "ok", Data: { VolumeName: "data" } },
            },
        ]);
        const err = await rejection(p.create(await inputs()));
        assert.match(err.message, /GetVolume answered \{"RequestId":"r-odd".*"VolumeName":"data"/);
        assert.match(err.message, /please report it/i);
        assert.equal(inventory().length, 0, "nothing created");
    });

    it("list lag after create: a read while the list does not show it keeps it (confirmed by name); gone only when it is", async () => {
        // A create timeout of 3 s, not 1: a busy machine may stall the create's requests for a second.
        emu().configure({ agentbay: { listLagMs: 5_000 } });
        const err = await rejection(p.create(await inputs({ timeouts: { create: 3 } })));
        assert.match(err.message, /still 'not listed yet' after 3 s waiting to show in ListVolumes/);
        const id = String(err.id);
        const props = err.properties as Record<string, unknown>;
        assert.equal(props.listed, false);
        const read = await p.read(id, props as never);
        assert.equal(read.id, id, "a lagging list does not drop it");
        assert.equal(read.props.listed, false);
        // The next update finishes the create: waits until listed.
        const updated = await p.update(id, read.props, await inputs({ timeouts: { create: 3, update: 10 } }));
        assert.equal(updated.outs.listed, true);
        control().destroy(String(props.volumeId));
        assert.deepEqual(await p.read(id, props as never), { id: "", props: {} });
    });

    it("read after an out-of-band delete is gone, even when a stranger reuses the name", async () => {
        const { id, outs } = await p.create(await inputs());
        control().destroy(outs.volumeId);
        control().create(image, "data");
        assert.deepEqual(await p.read(id, outs), { id: "", props: {} });
    });

    it("get: a read by id alone fills every output from the cloud", async () => {
        const theirs = control().create(image, "found");
        const { id, props } = await p.read(`${image}/${theirs}`, {});
        assert.equal(id, `${image}/${theirs}`);
        assert.equal(props.name, "found");
        assert.equal(props.imageId, image);
        assert.equal(props.volumeId, theirs);
        assert.deepEqual(await p.read(`${image}/vol-missing000000000`, {}), { id: "", props: {} });
    });

    it("delete: done, and done again when already gone", async () => {
        const { id, outs } = await p.create(await inputs());
        await p.delete(id, outs);
        await p.delete(id, outs);
        assert.equal(inventory().length, 0);
        // The claim is given up: the name is free for a new resource.
        await p.create(await inputs());
    });

    it("delete waits while a session mounts the volume, then deletes", async () => {
        const { id, outs } = await p.create(await inputs());
        control().attach(outs.volumeId, "s-1");
        setTimeout(() => control().detach(outs.volumeId), 700);
        await p.delete(id, outs);
        assert.equal(inventory().length, 0);
    });

    it("delete of a volume mounted past the timeout names the session", async () => {
        // 5 s, not 1: the delete must hear the first InUse answer (naming the session) before its
        // deadline, on a machine busy enough to stall a request for seconds.
        const { id, outs } = await p.create(await inputs({ timeouts: { delete: 5 } }));
        control().attach(outs.volumeId, "s-9");
        const err = await rejection(p.delete(id, outs));
        assert.match(err.message, /agentbay delete volume .*: still mounted by session s-9 after 5 s/);
        assert.match(err.message, /InvalidVolume\.InUse/);
        assert.equal(inventory().length, 1);
    });

    it("a key off the allowlist says so", async () => {
        emu().configure({ agentbay: { allowlisted: false } });
        const err = await rejection(p.create(await inputs()));
        assert.match(err.message, /allowlist/i);
        assert.equal(inventory().length, 0);
    });

    it("NOT_LOGIN is the credential message, without the key", async () => {
        const saved = process.env.AGENTBAY_API_KEY;
        process.env.AGENTBAY_API_KEY = "akm-wrongKey";
        try {
            const err = await rejection(p.create(await inputs()));
            assert.match(err.message, /NOT_LOGIN/);
            assert.match(err.message, /`agentbay:apiKey` or AGENTBAY_API_KEY/);
            assert.match(err.message, /AGENTBAY_ENDPOINT/);
            assert.ok(!err.message.includes("akm-wrongKey"));
        } finally {
            process.env.AGENTBAY_API_KEY = saved;
        }
    });
});
