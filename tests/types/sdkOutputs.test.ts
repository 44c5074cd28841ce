import { strict as assert } from "node:assert";
import * as pulumi from "@pulumi/pulumi";
import type { FieldRules } from "../../provider/core/rules";
import type { FlyVolumeOutputs } from "../../provider/fly/schema";
import { flyVolumeRules } from "../../provider/fly/rules";
import type { NetworkVolumeOutputs } from "../../provider/neevcloud/schema";
import { networkVolumeRules } from "../../provider/neevcloud/rules";
import type { AgentBayVolumeOutputs } from "../../provider/agentbay/schema";
import { agentbayVolumeRules } from "../../provider/agentbay/rules";
import type { Vm0VolumeOutputs } from "../../provider/vm0/schema";
import { vm0VolumeRules } from "../../provider/vm0/rules";
import { agentbay, fly, neevcloud, vm0 } from "../../sdk";

/**
 * Each SDK class declares exactly the outputs its provider stores, each with a type that holds the
 * provider's value. The outputs type is tied to the rules table (`RulesFor`), so a field added to a
 * cloud's outputs and its rules but not given a `declare readonly` fails `npm test`'s build here,
 * naming the field: `Type '"not declared: needsRestart"' does not satisfy the constraint 'never'`.
 */

/** The keys of a class typed `pulumi.Output<…>`, less the `id` and `urn` every resource has. */
type OutputKeys<C> = Exclude<{ [K in keyof C]-?: C[K] extends pulumi.Output<unknown> ? K : never }[keyof C], "id" | "urn">;

type Unwrap<T> = T extends pulumi.Output<infer U> ? U : never;

/** Outputs whose provider value (set) does not fit what the class declares. */
type Mistyped<C, O> = { [K in keyof O & keyof C]-?: NonNullable<O[K]> extends NonNullable<Unwrap<C[K]>> ? never : K }[keyof O & keyof C];

/** Every mismatch between class `C` and outputs type `O`, as a sentence; `never` when they agree. */
type Mismatches<C, O> =
    | `not declared: ${Exclude<keyof O, OutputKeys<C>> & string}`
    | `not an output: ${Exclude<OutputKeys<C>, keyof O> & string}`
    | `mistyped: ${Mistyped<C, O> & string}`;

/** Compiles only when `T` is `never`; otherwise the error names `T`. */
type None<T extends never> = T;

/**
 * One line per SDK resource class and its provider's outputs type (and a row in `classes` below).
 */
export type SdkClassesMatchTheirOutputs = [
    None<Mismatches<fly.Volume, FlyVolumeOutputs>>,
    None<Mismatches<neevcloud.NetworkVolume, NetworkVolumeOutputs>>,
    None<Mismatches<agentbay.Volume, AgentBayVolumeOutputs>>,
    None<Mismatches<vm0.Volume, Vm0VolumeOutputs>>,
];

/** Each class, made with its required args and adopted by id, with the rules table its provider diffs by. */
const classes: Array<{
    kind: string;
    rules: FieldRules;
    make: (name: string) => pulumi.Resource;
    adopt: (name: string) => pulumi.Resource;
}> = [
    {
        kind: "fly:Volume",
        rules: flyVolumeRules,
        make: (n) => new fly.Volume(n, { app: "web", region: "iad", sizeGb: 1 }),
        adopt: (n) => fly.Volume.get(n, "web/vol_1"),
    },
    {
        kind: "neevcloud:NetworkVolume",
        rules: networkVolumeRules,
        make: (n) => new neevcloud.NetworkVolume(n, { regionId: "in-bom-1", sizeGb: 1, orgId: "o", projectId: "p" }),
        adopt: (n) => neevcloud.NetworkVolume.get(n, "o/p/0b8f7c3e-2a51-4c8e-9d0a-5f3e1b2c4d6e"),
    },
    {
        kind: "agentbay:Volume",
        rules: agentbayVolumeRules,
        make: (n) => new agentbay.Volume(n, { imageId: "imgc-1" }),
        adopt: (n) => agentbay.Volume.get(n, "imgc-1/vol-1"),
    },
    {
        kind: "vm0:Volume",
        rules: vm0VolumeRules,
        make: (n) => new vm0.Volume(n, { source: "." }),
        adopt: (n) => vm0.Volume.get(n, "0b8f7c3e-2a51-4c8e-9d0a-5f3e1b2c4d6e"),
    },
];

describe("SDK classes and their rules tables", () => {
    before(async () => {
        await pulumi.runtime.setMocks(
            {
                newResource(args) {
                    return { id: args.id ?? `${args.name}-id`, state: args.inputs };
                },
                call: () => ({}),
            },
            "types",
            "test",
            false,
        );
    });

    for (const c of classes) {
        it(`${c.kind}: a new resource and an adopted one each have an Output for every field of the rules table`, () => {
            for (const [how, make] of [
                ["new", c.make],
                ["get", c.adopt],
            ] as const) {
                const res = make(`${c.kind}-${how}`) as unknown as Record<string, unknown>;
                const missing = Object.keys(c.rules).filter((f) => !pulumi.Output.isInstance(res[f]));
                assert.deepEqual(missing, [], `${c.kind} (${how}) registers no output for ${missing.join(", ")}`);
            }
        });
    }
});
