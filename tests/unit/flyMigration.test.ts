import { strict as assert } from "node:assert";
import { findMigrationFork, migrationWarning } from "../../provider/fly/migration/fork";
import type { FlyVolume } from "../../provider/fly/wire";

const t0 = "2026-01-01T00:00:00Z";
const later = (s: number) => new Date(Date.parse(t0) + s * 1000).toISOString();

/** The tracked volume after Fly moved its Machine: `pending_destroy`, detached. */
const old: FlyVolume = { id: "vol_old", name: "data", region: "iad", state: "pending_destroy", createdAt: t0 };
/** What the previous read recorded. */
const last = { attachedMachineId: "m_1" };
const vol = (id: string, over: Partial<FlyVolume> = {}): FlyVolume => ({
    id,
    name: "data",
    region: "iad",
    state: "hydrating",
    createdAt: later(60),
    attachedMachineId: "m_1",
    ...over,
});

describe("fly host migration: findMigrationFork", () => {
    it("follows the one same-named, same-region, later volume attached where the old one was", () => {
        const fork = vol("vol_new");
        const r = findMigrationFork(old, [old, fork, vol("vol_other", { name: "logs" })], last);
        assert.deepEqual(r, { outcome: "followed", fork });
    });

    it("follows a chain: a fork that was itself migrated is gone, its own fork is followed", () => {
        const hop = vol("vol_hop", { state: "pending_destroy", attachedMachineId: undefined });
        const fork = vol("vol_new", { createdAt: later(120) });
        assert.deepEqual(findMigrationFork(old, [old, hop, fork], last), { outcome: "followed", fork });
    });

    it("uses the live attachment when the old record still has it", () => {
        const fork = vol("vol_new", { attachedMachineId: "m_2" });
        assert.equal(findMigrationFork({ ...old, attachedMachineId: "m_2" }, [fork], last).outcome, "followed");
    });

    it("never after a 404: an old volume no longer readable in a migration state gives candidates, never a follow", () => {
        const r = findMigrationFork({ ...old, state: "not found" }, [vol("vol_new")], last);
        assert.equal(r.outcome, "ambiguous");
        assert.match((r as { why: string }).why, /no longer readable in a migration state/);
    });

    it("never onto an id another resource of the deployment holds or has read", () => {
        const r = findMigrationFork(old, [old, vol("vol_new")], last, { heldElsewhere: (id) => id === "vol_new" });
        assert.equal(r.outcome, "ambiguous");
        assert.match((r as { why: string }).why, /vol_new is held or read by another resource/);
    });

    it("nothing same-named made after it: simply gone", () => {
        assert.deepEqual(findMigrationFork(old, [old, vol("vol_x", { name: "logs" }), vol("vol_y", { region: "ams" })], last), {
            outcome: "none",
        });
        assert.deepEqual(findMigrationFork(old, [vol("vol_before", { createdAt: t0 })], last), { outcome: "none" });
        assert.deepEqual(findMigrationFork(old, [vol("vol_gone", { state: "destroyed" })], last), { outcome: "none" });
    });

    const ambiguous: Array<[string, FlyVolume[], Partial<typeof last>, RegExp]> = [
        ["two forks attached to the Machine", [vol("vol_a"), vol("vol_b")], last, /2 are attached to machine m_1/],
        [
            "a later same-named volume attached elsewhere",
            [vol("vol_a", { attachedMachineId: "m_9" })],
            last,
            /none is attached to machine m_1/,
        ],
        ["a later same-named volume, unattached", [vol("vol_a", { attachedMachineId: undefined })], last, /none is attached/],
        ["the old volume was never seen attached", [vol("vol_a")], {}, /not known to be attached/],
    ];
    for (const [what, list, prev, why] of ambiguous) {
        it(`does not follow ${what}: returns the candidates`, () => {
            const r = findMigrationFork(old, [old, ...list], prev);
            assert.equal(r.outcome, "ambiguous");
            if (r.outcome !== "ambiguous") return;
            assert.deepEqual(
                r.candidates.map((v) => v.id),
                list.map((v) => v.id),
            );
            assert.match(r.why, why);
        });
    }

    it("an unknown creation time is a candidate, never followed", () => {
        const r = findMigrationFork(old, [vol("vol_a", { createdAt: undefined })], last);
        assert.equal(r.outcome, "ambiguous");
        const r2 = findMigrationFork({ ...old, createdAt: undefined }, [vol("vol_a")], last);
        assert.equal(r2.outcome, "ambiguous");
    });

    it("the warning is one line naming the candidates and how to adopt one", () => {
        const r = findMigrationFork(old, [vol("vol_a"), vol("vol_b", { attachedMachineId: undefined })], {});
        assert.equal(r.outcome, "ambiguous");
        if (r.outcome !== "ambiguous") return;
        const msg = migrationWarning("web", old, r);
        assert.doesNotMatch(msg, /\n/);
        assert.match(msg, /web\/vol_old is pending_destroy/);
        assert.match(msg, /vol_a \(state hydrating, created .*, attached to m_1\), vol_b \(state hydrating, .*unattached\)/);
        assert.match(msg, /fly\.Volume\.get\(name, "web\/<vol_id>"\)/);
    });
});
