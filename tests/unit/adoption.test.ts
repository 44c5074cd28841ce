import { strict as assert } from "node:assert";
import { adoptedOutputs, importIdFailures, mismatches, spareAdopted } from "../../provider/core/adoption";
import type { FieldRules } from "../../provider/core/rules";
import { present } from "../support/present";

/** The core of the `import` option (adoption.ts): comparing by rule, the outputs recorded, the id's check. */
describe("adoption by id (the import option): the core's rules", () => {
    const rules: FieldRules = {
        region: "replace",
        fstype: "replaceWhenSet",
        hint: "replace",
        sizeGb: { grow: "GB" },
        retention: "inPlace",
        timeouts: "stored",
        message: "ignore",
        state: "output",
    };

    it("compares each declared create-only, in-place and size field with the volume; a size may be at most the volume's", () => {
        const live = { region: "iad", fstype: "ext4", sizeGb: 10, retention: 5, state: "created" };
        assert.deepEqual(mismatches(rules, { region: "iad", sizeGb: 3, retention: 5, timeouts: { create: 1 }, message: "m" }, live), []);
        assert.deepEqual(mismatches(rules, { region: "ams", fstype: "raw", sizeGb: 11, retention: 6 }, live), [
            { field: "region", declared: "ams", live: "iad" },
            { field: "fstype", declared: "raw", live: "ext4" },
            { field: "sizeGb", declared: 11, live: 10 },
            { field: "retention", declared: 6, live: 5 },
        ]);
        // What the cloud does not report (a placement hint) cannot differ; what is not declared is not compared.
        assert.deepEqual(mismatches(rules, { hint: "x" }, live), []);
    });

    it("records create-only, stored and ignored fields as declared, and everything else as the volume has it", () => {
        const live = { region: "iad", sizeGb: 10, retention: 5, state: "created" };
        assert.deepEqual(adoptedOutputs(rules, { region: "iad", hint: "x", sizeGb: 3, retention: 9, timeouts: { create: 1 } }, live), {
            region: "iad",
            hint: "x",
            sizeGb: 10,
            retention: 5,
            timeouts: { create: 1 },
            state: "created",
        });
    });

    it("checks the id with the cloud's parser, before any request; unknown at preview is no failure", () => {
        const spec = {
            subject: "x volume",
            parseId: (id: string) => {
                if (!id.includes("/")) throw new Error("expected <app>/<id>");
            },
            claimOf: () => ({ key: "x", id: "1" }),
            lookupHint: "x.getVolumes()",
        };
        assert.deepEqual(importIdFailures(undefined, spec), []);
        assert.deepEqual(importIdFailures("a/b", spec), []);
        assert.match(present(importIdFailures("ab", spec)[0]).reason, /not a Pulumi id of this resource: expected <app>\/<id>/);
        assert.equal(present(importIdFailures(42, spec)[0]).property, "importId");
    });

    it("spares a delete only of an id imported in this process, once", () => {
        assert.equal(spareAdopted("never/imported", "x delete"), false);
    });
});
