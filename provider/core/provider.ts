import type { z } from "zod";
import {
    type AdoptionSpec,
    adoptedOutputs,
    adoptionRules,
    claimAdopted,
    importIdFailures,
    importIdField,
    importIdOf,
    mismatchError,
    mismatches,
    spareAdopted,
    withoutImportId,
} from "./adoption";
import { checkInputs, type CheckOutcome, inputDefaults, type InputSpec } from "./check";
import { definedOnly } from "./objects";
import type { Deadline } from "./deadline";
import { errorMessage, partialState, VolumeError } from "./errors";
import { changedFields, type DeleteBeforeReplace, type DiffOutcome, diffByRules, fieldsWith, valueOf } from "./rules";
import { deadlineFor } from "./timeouts";

/** Lets an operation say "the cloud has accepted this", so a later failure keeps the resource in state. */
export interface OperationContext<O> {
    deadline: Deadline;
    accepted(id: string, outs: O): void;
}

type Props = Record<string, unknown>;

/** Fresh outputs, or undefined when the resource is gone (404 or a deleted state). */
export type ReadCapability<O> = (id: string, props: Partial<O>, deadline: Deadline) => Promise<O | undefined>;
/** Makes the resource and waits until it is ready; calls `ctx.accepted` as soon as the cloud has it. */
export type CreateCapability<I, O> = (inputs: I, ctx: OperationContext<O>) => Promise<{ id: string; outs: O }>;
/** Applies every in-place change of one diff, waits until it shows, returns fresh outputs. */
export type UpdateCapability<I, O> = (id: string, olds: O, news: I, ctx: OperationContext<O>) => Promise<O>;
/** Deletes; gone already is success. */
export type DeleteCapability<O> = (id: string, props: O, deadline: Deadline) => Promise<void>;

/**
 * How stored outputs stand: `ready`; `pending`, a create that failed after the cloud accepted it
 * (partial state) and is finished by the next update; or `failed`, a terminal state, replaced.
 */
export type Readiness = "ready" | "pending" | "failed";

export interface ReadinessSpec<O> {
    /** How stored outputs stand (partial state included). */
    of(outs: O): Readiness;
    /** The output fields that show the state: a failed resource's replacement names them at preview. */
    fields: readonly (keyof O & string)[];
    /** Waits until ready exactly as create does and returns fresh outputs; rejects when it is not. */
    finish(id: string, olds: O, ctx: OperationContext<O>): Promise<O>;
}

/** What a cloud offers for a resource it can make: `create` and `read` required, `update` and `delete` optional. */
export interface Capabilities<I, O> {
    read: ReadCapability<O>;
    create: CreateCapability<I, O>;
    /** Required when the rules have an `inPlace` or `grow` field. */
    update?: UpdateCapability<I, O>;
    /** Absent: delete leaves the cloud alone and succeeds (the cloud has no delete). */
    delete?: DeleteCapability<O>;
}

/** A resource this package can create. */
export interface ResourceSpec<Shape extends z.ZodRawShape, O extends z.infer<z.ZodObject<Shape>>> {
    inputs: InputSpec<Shape>;
    operations: Capabilities<z.infer<z.ZodObject<Shape>>, O>;
    /** Whether the old resource must go before its replacement exists (e.g. names unique). */
    deleteBeforeReplace?: DeleteBeforeReplace<O, z.infer<z.ZodObject<Shape>>>;
    /** For clouds whose create waits: lets the next update finish a partial create, and replace a failed one. */
    readiness?: ReadinessSpec<O>;
    /** The Pulumi id of fresh outputs, when read may move the resource to a new id (a Fly host migration's fork). */
    idOf?: (outs: O) => string;
    /**
     * Replaces the default check (`checkInputs` of `inputs`) when it needs I/O before any request,
     * e.g. VM0's, which hashes the directory it publishes. It must still refuse bad input as failures.
     */
    check?: (olds: Props, news: Props) => Promise<CheckOutcome<z.infer<z.ZodObject<Shape>>>>;
    /** How the cloud's volumes are adopted by id (the `import` resource option, adoption.ts); every cloud states it. */
    adoption?: AdoptionSpec<O>;
}

/** What the engine calls, typed by the resource's inputs `I` and outputs `O`. */
export interface TypedResourceProvider<I, O> {
    check(olds: Props, news: Props): Promise<CheckOutcome<I>>;
    diff(id: string, olds: O, news: I): Promise<DiffOutcome>;
    create(inputs: I): Promise<{ id: string; outs: O }>;
    /** An empty id: the resource is gone, and refresh drops it. */
    read(id: string, props?: Partial<O>): Promise<{ id: string; props: O }>;
    update(id: string, olds: O, news: I): Promise<{ outs: O }>;
    delete(id: string, props: O): Promise<void>;
}

/**
 * Assembles the engine-facing provider of one resource type from what its cloud offers: check and
 * diff from the input spec and rules table, deadlines from `timeouts`, partial state once the cloud
 * accepted, every message scrubbed. A change to stored fields alone (`timeouts`) sends nothing.
 */
export function resourceProvider<Shape extends z.ZodRawShape, O extends z.infer<z.ZodObject<Shape>>>(
    spec: ResourceSpec<Shape, O>,
): TypedResourceProvider<z.infer<z.ZodObject<Shape>>, O> {
    const rules = spec.inputs.rules;
    // The cloud's table and `importId` (the `import` option), which never changes anything by itself.
    const diffRules = { ...rules, ...adoptionRules };
    const ops = spec.operations;
    const subject = spec.adoption?.subject ?? "volume";
    const changing = fieldsWith(rules, "inPlace", "grow");
    if (changing.length > 0 && !ops.update) {
        throw new Error(`resourceProvider: ${changing.join(", ")} change in place, but the spec has no update`);
    }
    const stored = fieldsWith(rules, "stored");
    let defaults: Props | undefined;
    const defaultsOf = () => (defaults ??= { ...inputDefaults(spec.inputs.schema), ...spec.inputs.defaults });
    const readinessOf = (outs: O): Readiness => spec.readiness?.of(outs) ?? "ready";

    return {
        async check(olds, news) {
            // `importId` is the core's: the cloud's check never sees it, and it comes back beside the checked inputs.
            const declared = news ?? {};
            const importId = declared[importIdField];
            const rest = withoutImportId(declared);
            const prior = withoutImportId(olds ?? {});
            const out = spec.check ? await spec.check(prior, rest) : checkInputs(spec.inputs, prior, rest);
            const failures = [...out.failures, ...importIdFailures(importId, spec.adoption)];
            return { inputs: importId === undefined ? out.inputs : { ...out.inputs, [importIdField]: importId }, failures };
        },
        async diff(id, olds, news) {
            const readiness = readinessOf(olds);
            const failed = readiness === "failed" ? spec.readiness?.fields : undefined;
            const outcome = diffByRules(diffRules, olds, news, {
                deleteBeforeReplace: spec.deleteBeforeReplace,
                defaults: defaultsOf(),
                failed,
            });
            const importId = importIdOf(news);
            if (outcome.replaces.length > 0 && importId !== undefined) {
                // The replacement's create would adopt that volume again instead of making a new one, and
                // the old resource's delete would then remove what the new one holds.
                throw new VolumeError(
                    `${subject} ${id}: this change replaces the volume (${outcome.replaces.join(", ")}), but the \`import\` ` +
                        `option still names ${importId}, so the replacement would adopt a volume instead of making a new one. ` +
                        `The volume is already managed: remove the \`import\` option, then run \`pulumi up\` again.`,
                );
            }
            // A partial create is an update (which finishes it) even when its init errors are gone: the
            // engine drops them when a refresh (`up --refresh`) reads the resource.
            return readiness === "pending" && !outcome.changes ? { ...outcome, changes: true } : outcome;
        },
        async create(inputs) {
            const ctx = tracking<O>(deadlineFor(inputs, "create"));
            try {
                const importId = importIdOf(inputs);
                if (importId !== undefined) return await adopt(importId, withoutImportId(inputs), ctx);
                return await ops.create(withoutImportId(inputs), ctx);
            } catch (error) {
                if (!ctx.state) throw clean(error);
                throw partialState(error, ctx.state.id, inputs, await lastReported(ops.read, ctx.state, ctx.deadline));
            }
        },
        read: (id, props) => readWith(spec.operations.read, id, props, spec.idOf),
        async update(id, olds, declared) {
            const news = withoutImportId(declared);
            const ctx = tracking<O>(deadlineFor(news, "update"));
            try {
                let current = olds;
                if (spec.readiness && readinessOf(olds) !== "ready") {
                    // A create that did not finish (partial state): finish it first, as create does.
                    ctx.accepted(id, olds);
                    current = await spec.readiness.finish(id, olds, ctx);
                    ctx.accepted(id, current);
                }
                const { updates } = changedFields(rules, current, news, { defaults: defaultsOf() });
                // Only stored fields (or nothing) changed: no request, the new values go to state.
                const outs = updates.length > 0 && ops.update ? await ops.update(id, current, news, ctx) : current;
                return { outs: withStored(outs, news, stored) };
            } catch (error) {
                if (!ctx.state) throw clean(error);
                // Stored fields as declared now: a raised timeout is kept for the next try and the destroy.
                throw partialState(error, id, news, withStored(await lastReported(ops.read, ctx.state, ctx.deadline), news, stored));
            }
        },
        delete: (id, props) => (spareAdopted(id, `${subject} delete ${id}`) ? Promise.resolve() : deleteWith(ops.delete, id, props)),
    };

    /**
     * The create of a resource declared with `import: "<id>"`: exactly that volume, read as it is,
     * compared with the declared inputs (a mismatch is an error naming each field, never a change),
     * claimed, and then managed like one this package made (a volume not ready yet is waited on).
     */
    async function adopt(id: string, declared: z.infer<z.ZodObject<Shape>>, ctx: OperationContext<O>): Promise<{ id: string; outs: O }> {
        const adoption = spec.adoption;
        if (!adoption) throw new VolumeError(`${subject} import ${id}: this resource cannot adopt an existing volume`);
        const what = `${adoption.subject} import ${id}`;
        const live = await ops.read(id, {}, ctx.deadline);
        if (!live) {
            throw new VolumeError(
                `${what}: there is no such volume (the cloud does not have it, ` +
                    `or it is being deleted), so nothing was imported or created. ` +
                    `Check the id: ${adoption.lookupHint} lists the volumes.`,
            );
        }
        const moved = spec.idOf?.(live);
        if (moved !== undefined && moved !== id) {
            throw new VolumeError(`${what}: the volume now lives on as ${moved} (moved by the cloud); import that id instead`);
        }
        if (readinessOf(live) === "failed") {
            throw new VolumeError(
                `${what}: the volume is in a failed state, which the next \`pulumi up\` would replace (deleting it); nothing was imported`,
            );
        }
        const found = mismatches(rules, declared, live);
        if (found.length > 0) throw mismatchError(what, found);
        claimAdopted(id, adoption.claimOf(id, live), what);
        let outs: O = { ...adoptedOutputs(rules, declared, live), ...adoption.marks };
        ctx.accepted(id, outs);
        if (spec.readiness && readinessOf(outs) === "pending") outs = await spec.readiness.finish(id, outs, ctx);
        return { id, outs };
    }
}

async function readWith<O extends object>(read: ReadCapability<O>, id: string, props: Partial<O> | undefined, idOf?: (outs: O) => string) {
    const given: Partial<O> = props ?? {};
    try {
        const outs = await read(id, given, deadlineFor(given, "read"));
        return outs ? { id: idOf?.(outs) ?? id, props: outs } : gone<O>();
    } catch (error) {
        throw clean(error);
    }
}

/**
 * The outputs partial state records. A failure with time left (a terminal state such as NeevCloud's
 * `failed`) is read once more, so state shows what the cloud last reported and the next diff can
 * replace it; out of time, the outputs the operation last accepted.
 */
async function lastReported<O extends object>(read: ReadCapability<O>, state: { id: string; outs: O }, deadline: Deadline): Promise<O> {
    if (deadline.expired()) return state.outs;
    try {
        return (await read(state.id, state.outs, deadline)) ?? state.outs;
    } catch {
        return state.outs;
    }
}

/** What read answers for a resource that is gone: an empty id, so refresh drops it (props unread). */
function gone<O>(): { id: string; props: O } {
    return { id: "", props: {} as O };
}

async function deleteWith<O extends object>(remove: DeleteCapability<O> | undefined, id: string, props: O): Promise<void> {
    // No delete in the cloud's API: the resource stays, and Pulumi forgets it.
    if (!remove) return;
    try {
        await remove(id, props, deadlineFor(props, "delete"));
    } catch (error) {
        throw clean(error);
    }
}

/** The outputs with each stored field as declared now (absent when no longer declared). */
function withStored<O extends object>(outs: O, news: object, stored: readonly string[]): O {
    if (stored.length === 0) return outs;
    const next: O = { ...outs };
    for (const field of stored) Object.assign(next, { [field]: valueOf(news, field) });
    return definedOnly(next);
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
