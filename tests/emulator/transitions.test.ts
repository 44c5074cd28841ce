/** The emulator core's lazy timed transitions, on a hand-driven clock. */
import { strict as assert } from "node:assert";
import { Transitions } from "../../emulator/core/transitions";

interface Thing {
    log: string[];
}

describe("emulator core: Transitions", () => {
    it("applies nothing before its time, then every due change in time order (ties in scheduling order), each once", () => {
        const t = new Transitions<Thing>();
        const a: Thing = { log: [] };
        t.schedule(a, 30, "s", (x, at) => x.log.push(`c@${at}`));
        t.schedule(a, 10, "s", (x, at) => x.log.push(`a@${at}`));
        t.schedule(a, 10, "s", (x, at) => x.log.push(`b@${at}`));
        t.settle(9);
        assert.deepEqual(a.log, []);
        t.settle(10);
        assert.deepEqual(a.log, ["a@10", "b@10"]);
        t.settle(100);
        t.settle(100);
        assert.deepEqual(a.log, ["a@10", "b@10", "c@30"]);
    });

    it("cancels one target's changes by kind, or all of them, leaving other targets alone", () => {
        const t = new Transitions<Thing>();
        const a: Thing = { log: [] };
        const b: Thing = { log: [] };
        t.schedule(a, 1, "state", (x) => x.log.push("state"));
        t.schedule(a, 1, "detach", (x) => x.log.push("detach"));
        t.schedule(b, 1, "state", (x) => x.log.push("state"));
        t.cancel(a, ["state"]);
        assert.equal(t.has(a, "state"), false);
        assert.equal(t.has(a, "detach"), true);
        t.settle(5);
        assert.deepEqual([a.log, b.log], [["detach"], ["state"]]);
        t.schedule(a, 9, "x", (x) => x.log.push("x"));
        t.cancel(a);
        t.settle(10);
        assert.deepEqual(a.log, ["detach"]);
    });

    it("runs a change scheduled by a change when it is already due, and lets a change cancel later ones", () => {
        const t = new Transitions<Thing>();
        const a: Thing = { log: [] };
        t.schedule(a, 1, "first", (x, at) => {
            x.log.push("first");
            t.schedule(x, at + 1, "second", (y) => y.log.push("second"));
        });
        t.schedule(a, 5, "purge", (x) => {
            x.log.push("purge");
            t.cancel(x);
        });
        t.schedule(a, 6, "late", (x) => x.log.push("late"));
        t.settle(10);
        assert.deepEqual(a.log, ["first", "second", "purge"]);
    });
});
