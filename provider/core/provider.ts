import type * as dynamic from "@pulumi/pulumi/dynamic";
import { z } from "zod";
import { checkInputs, InputSpec } from "./check";
import type { Deadline } from "./deadline";
import { errorMessage, partialState, VolumeError } from "./errors";
import { DeleteBeforeReplace, diffByRules } from "./rules";
import { deadlineFor } from "./timeouts";

/** Lets an operation say "the cloud has accepted this", so a later failure keeps the volume in state. */
export interface OperationContext<O> {
    deadline: Deadline;
    accepted(id: string, outs: O): void;
}

/** What a cloud implements; check and diff come from its input spec and rules table. */
export interface VolumeOperations<I, O> {
    create(inputs: I, ctx: OperationContext<O>): Promise<{ id: string; outs: O }>;
    /** Fresh outputs, or undefined when the volume is gone (404 or a deleted state). */
    read(id: string, props: Record<string, unknown>, deadline: Deadline): Promise<O | undefined>;
    /** Applies every in-place change of one diff, waits until it shows, returns fresh outputs. */
    update(id: string, olds: O, news: I, ctx: OperationContext<O>): Promise<O>;
    /** Gone already is success. */
    delete(id: string, props: O, deadline: Deadline): Promise<void>;
}

export interface VolumeProviderSpec<Shape extends z.ZodRawShape, O> {
    inputs: InputSpec<Shape>;
    /** Whether the old volume must go before its replacement exists (e.g. names unique). */
    deleteBeforeReplace?: DeleteBeforeReplace;
    operations: VolumeOperations<z.infer<z.ZodObject<Shape>>, O>;
    /** The Pulumi id of fresh outputs, when read may move the resource to a new id (a Fly host migration's fork). */
    idOf?: (outs: O) => string;
}

type Props = Record<string, unknown>;

/**
 * Builds the engine-facing provider: check and diff from the declarative spec, deadlines from
 * `timeouts`, partial state after the cloud accepted, and every message scrubbed.
 */
export function volumeProvider<Shape extends z.ZodRawShape, O extends object>(
    spec: VolumeProviderSpec<Shape, O>,
): Required<Pick<dynamic.ResourceProvider, "check" | "diff" | "create" | "read" | "update" | "delete">> {
    type I = z.infer<z.ZodObject<Shape>>;
    const ops = spec.operations;
    return {
        async check(olds: Props, news: Props) {
            return checkInputs(spec.inputs, olds ?? {}, news ?? {});
        },
        async diff(_id: string, olds: Props, news: Props) {
            return diffByRules(spec.inputs.rules, olds ?? {}, news ?? {}, { deleteBeforeReplace: spec.deleteBeforeReplace });
        },
        async create(inputs: Props) {
            const ctx = tracking<O>(deadlineFor(inputs, "create"));
            try {
                const { id, outs } = await ops.create(inputs as I, ctx);
                return { id, outs };
            } catch (error) {
                throw ctx.state ? partialState(error, ctx.state.id, inputs, ctx.state.outs as Props) : clean(error);
            }
        },
        async read(id: string, props: Props) {
            try {
                const outs = await ops.read(id, props ?? {}, deadlineFor(props, "read"));
                return outs ? { id: spec.idOf?.(outs) ?? id, props: outs as Props } : { id: "", props: {} };
            } catch (error) {
                throw clean(error);
            }
        },
        async update(id: string, olds: Props, news: Props) {
            const ctx = tracking<O>(deadlineFor(news, "update"));
            try {
                return { outs: (await ops.update(id, olds as O, news as I, ctx)) as Props };
            } catch (error) {
                throw ctx.state ? partialState(error, id, news, ctx.state.outs as Props) : clean(error);
            }
        },
        async delete(id: string, props: Props) {
            try {
                await ops.delete(id, props as O, deadlineFor(props, "delete"));
            } catch (error) {
                throw clean(error);
            }
        },
    };
}

function tracking<O>(deadline: Deadline): OperationContext<O> & { state?: { id: string; outs: O } } {
    const ctx: OperationContext<O> & { state?: { id: string; outs: O } } = {
        deadline,
        accepted(id, outs) {
            ctx.state = { id, outs };
        },
    };
    return ctx;
}

/** Our errors are already scrubbed; anything else (a bug, a library error) is scrubbed here. */
function clean(error: unknown): Error {
    if (error instanceof VolumeError) return error;
    return new VolumeError(errorMessage(error), { cause: error });
}
