/**
 * The engine-facing provider of `vm0.Volume`: a published volume (`source` → versions) assembled by
 * the core from the operations of operations.ts, and the read of an adopted one (`vm0.Volume.get`).
 */
import type { CheckOutcome } from "../core/check";
import { VolumeError } from "../core/errors";
import { warn } from "../core/log";
import { claimVolume, isClaimed, withNameLock } from "../core/ownership";
import { resourceProvider } from "../core/provider";
import {
    checkVm0Volume,
    createVm0Volume,
    deleteVm0Volume,
    readVm0PublishedVolume,
    updateVm0Volume,
    vm0VolumeInputSpec,
    type Vm0PublishedVolumeOutputs,
} from "./operations";
import type { Vm0VolumeInputs } from "./schema";

/**
 * What state holds. A published volume's outputs always carry the declared `source` and `name`; an
 * adopted one (read only) lacks `source`, but the engine never diffs or updates it: it is only read.
 */
export type Vm0VolumeState = Vm0PublishedVolumeOutputs & Vm0VolumeInputs;

/** Where this process notes the VM0 names its creates published (VM0 keys volumes by name). */
const CLAIMS = "vm0/names";

/** The `vm0:Volume` provider (provider/index.ts loads it on first use). */
export const vm0VolumeProvider = resourceProvider<typeof vm0VolumeInputSpec.schema.shape, Vm0VolumeState>({
    inputs: vm0VolumeInputSpec,
    // Hashes the directory: the diff compares content, and a bad directory fails before any request.
    check: (olds, news) => checkVm0Volume(olds, news) as Promise<CheckOutcome<Vm0VolumeInputs>>,
    operations: {
        read: async (id, props, deadline) => (await readVm0PublishedVolume(id, props, deadline)) as Vm0VolumeState | undefined,
        // VM0's prepare publishes by name: two resources of one deployment naming the same volume would
        // both publish to it and both hold it. Creates of one name take turns, and only the first gets it.
        create: (inputs, ctx) =>
            withNameLock(
                `vm0/${inputs.name}`,
                async () => {
                    if (isClaimed(CLAIMS, inputs.name)) {
                        throw new VolumeError(
                            `vm0 create volume ${inputs.name}: another vm0.Volume of this deployment publishes the volume ` +
                                `named '${inputs.name}'; give each its own name`,
                        );
                    }
                    const made = await createVm0Volume(inputs, ctx.deadline, (id, outs) => {
                        claimVolume(CLAIMS, inputs.name);
                        ctx.accepted(id, outs as Vm0VolumeState);
                    });
                    claimVolume(CLAIMS, inputs.name);
                    return made as { id: string; outs: Vm0VolumeState };
                },
                ctx.deadline,
            ),
        update: async (id, olds, news, ctx) => (await updateVm0Volume(id, olds, news, ctx.deadline)) as Vm0VolumeState,
        // VM0 has no delete. The class defaults retainOnDelete, so the engine does not call this; when
        // a program turns it off, the volume still stays, and the person running Pulumi is told.
        delete: async (id, props, deadline) => warn(await deleteVm0Volume(id, props, deadline)),
    },
});
