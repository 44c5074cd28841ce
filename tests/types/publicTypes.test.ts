import type * as pulumi from "@pulumi/pulumi";
import type { z } from "zod";
import type { agentbayVolumeInputs } from "../../provider/agentbay/schema";
import type { flyVolumeInputs, FlyVolumeInputs, FlyVolumeOutputs } from "../../provider/fly/schema";
import type { networkVolumeInputs, NetworkVolumeOutputs } from "../../provider/neevcloud/schema";
import type { AttachedTo, VolumeAttachment } from "../../provider/neevcloud/wire";
import type { vm0VolumeInputsSchema } from "../../provider/vm0/schema";
import type { Vm0Version, Vm0VolumeDetail } from "../../provider/vm0/wire";
import type { agentbay, fly, neevcloud, vm0 } from "../../sdk";

/**
 * The public types of `sdk/` are plain TypeScript (no zod, undici or provider module in the
 * declarations a user's `tsc` reads). This file holds each one to the provider's own type, derived
 * from its zod schemas: a field added, dropped, retyped or made optional on one side only fails
 * `npm test`'s build here, naming the field, e.g.
 * `Type '"only in the provider: hostStatus"' does not satisfy the constraint 'never'`.
 */

// `{}` on purpose: a key is optional exactly when the empty object has the shape of its Pick.
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
type OptionalKeys<T> = { [K in keyof T]-?: {} extends Pick<T, K> ? K : never }[keyof T];
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;

/**
 * Every difference between public type `P` and provider type `I`, as a sentence; `never` when they
 * agree. `Defaulted`: fields the schema requires that the class or the provider's check fills in
 * (the default name, NeevCloud's org and project from config), optional for a user.
 */
type Drift<P, I, Defaulted extends keyof I = never> =
    | `only public: ${Exclude<keyof P, keyof I> & string}`
    | `only in the provider: ${Exclude<keyof I, keyof P> & string}`
    | `optional in public only: ${Exclude<OptionalKeys<P>, OptionalKeys<I> | Defaulted> & keyof I & string}`
    | `optional in the provider only: ${Exclude<OptionalKeys<I>, OptionalKeys<P>> & keyof P & string}`
    | `types differ: ${DifferingKeys<P, I> & string}`;

type DifferingKeys<P, I> = { [K in keyof P & keyof I]-?: Same<NonNullable<P[K]>, NonNullable<I[K]>> extends true ? never : K }[keyof P &
    keyof I];

/** Compiles only when `T` is `never`; otherwise the error names `T`. */
type None<T extends never> = T;

/** A class's args with every `pulumi.Input` unwrapped: what the provider's `check` receives. */
type Declared<A> = pulumi.Unwrap<A>;

/** Outputs only a declaration gives: a listed Fly volume has none of them. */
type FlyDeclaredOnly =
    | "timeouts"
    | "account"
    | "compute"
    | "computeImage"
    | "requireUniqueZone"
    | "uniqueZoneAppWide"
    | "snapshotId"
    | "sourceVolumeId"
    | "needsRestart";

export type PublicTypesMatchTheProvider = [
    // Resource args ↔ the zod input schemas (the provider's check parses exactly these).
    None<Drift<Declared<fly.VolumeArgs>, z.input<typeof flyVolumeInputs>, "name">>,
    None<Drift<fly.VolumeCompute, NonNullable<FlyVolumeInputs["compute"]>>>,
    None<Drift<fly.VolumeTimeouts, NonNullable<FlyVolumeInputs["timeouts"]>>>,
    None<Drift<Declared<neevcloud.NetworkVolumeArgs>, z.input<typeof networkVolumeInputs>, "name" | "orgId" | "projectId">>,
    None<Drift<Declared<agentbay.VolumeArgs>, z.input<typeof agentbayVolumeInputs>, "name">>,
    // vm0's `source` may also be a FileArchive, which the class turns into its path; `sourceHash` is the check's own.
    None<Drift<Omit<Declared<vm0.VolumeArgs>, "source">, Omit<z.input<typeof vm0VolumeInputsSchema>, "source" | "sourceHash">, "name">>,
    // Lookup results ↔ the provider's outputs and wire types.
    None<Drift<fly.VolumeInfo, Omit<FlyVolumeOutputs, FlyDeclaredOnly> & { id: string }>>,
    None<
        Drift<neevcloud.NetworkVolumeInfo, Omit<NetworkVolumeOutputs, "timeouts" | "account" | "attachedTo" | "mountPath"> & { id: string }>
    >,
    None<Drift<neevcloud.AttachedTo, AttachedTo>>,
    None<Drift<neevcloud.VolumeAttachment, VolumeAttachment>>,
    None<Drift<vm0.VolumeVersion, Vm0Version>>,
    None<Drift<vm0.GetVolumeResult, Vm0VolumeDetail>>,
];
