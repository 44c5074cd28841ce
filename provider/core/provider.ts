import type { z } from "zod";
import { withAccount } from "./account";
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
import { checkInputs, type CheckFailure, type CheckOutcome, inputDefaults, type InputSpec } from "./check";
import { credentialsOf, type Endpoint } from "./config";
import { definedOnly } from "./objects";
import type { Deadline } from "./deadline";
import { errorMessage, MissingCredentialError, partialState, VolumeError } from "./errors";
import { changedFields, type DeleteBeforeReplace, type DiffOutcome, diffByRules, fieldsWith, valueOf } from "./rules";
import { deadlineFor } from "./timeouts";
import { isUnknown } from "./unknown";
import { engineSink } from "./engineLog";
import { Progress, withProgress } from "./progress";

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
    /** Where the credential comes from: check fails at preview, naming the key, when there is none. */
    endpoint?: Endpoint;
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
 * accepted, every message scrubbed. A change to stored fields alone (`timeouts`, `account`) sends
 * nothing. Each operation runs under its resource's `account` (`withAccount`), so every session it
 * opens uses that account's credentials and endpoint; check fails when they cannot be found.
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
        async check(olds, rawNews) {
            const { [urnKey]: urn, ...news } = rawNews ?? {};
            // `importId` is the core's: the cloud's check never sees it, and it comes back beside the checked inputs.
            const importId = news[importIdField];
            const out = await checkWithCredentials(withoutImportId(olds ?? {}), withoutImportId(news));
            const failures = [...out.failures, ...importIdFailures(importId, spec.adoption)];
            const inputs = importId === undefined ? out.inputs : { ...out.inputs, [importIdField]: importId };
            // The URN rides along (never checked, never diffed) so the operations can report on its row.
            return { inputs: typeof urn === "string" ? { ...inputs, [urnKey]: urn } : inputs, failures };
        },
        async diff(id, olds, news) {
            // (the URN is in neither the rules nor the diff)
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
        create: (given) =>
            operation(given, given, async (inputs) => {
                const ctx = tracking<O>(deadlineFor(inputs, "create"));
                try {
                    const importId = importIdOf(inputs);
                    const declared = withoutImportId(inputs);
                    const made = importId !== undefined ? await adopt(importId, declared, ctx) : await ops.create(declared, ctx);
                    return { id: made.id, outs: withUrn(withStored(made.outs, inputs, stored), given) };
                } catch (error) {
                    if (!ctx.state) throw clean(error);
                    const last = withStored(await lastReported(ops.read, ctx.state, ctx.deadline), inputs, stored);
                    throw partialState(error, ctx.state.id, inputs, last);
                }
            }),
        read: (id, given) =>
            operation(given ?? {}, given ?? {}, async (props) => {
                const r = await readWith(spec.operations.read, id, props, spec.idOf, stored);
                return r.id ? { id: r.id, props: withUrn(r.props, given) } : r;
            }),
        update: (id, olds, given) =>
            operation(given, given, async (declared) => {
                const r = await updateWith(id, stripUrn(olds), withoutImportId(declared));
                return { outs: withUrn(r.outs, given) };
            }),
        delete: (id, given) =>
            operation(given, given, (props) =>
                spareAdopted(id, `${subject} delete ${id}`) ? Promise.resolve() : deleteWith(ops.delete, id, props),
            ),
    };

    /**
     * Runs one operation under its resource's account (credentials and endpoint) and progress
     * reporter (on the row of the URN the SDK passed), with the URN itself taken out of what the
     * cloud's code sees.
     */
    function operation<P extends object, T>(props: P, carrier: object, run: (props: P) => Promise<T>): Promise<T> {
        const urn = urnOf(carrier);
        const sink = engineSink(urn);
        const go = () => run(stripUrn(props));
        return withAccount(accountOf(props), () => (sink ? withProgress(new Progress(sink), go) : go())).catch((error: unknown) => {
            // Partial state keeps the URN, so a later delete still reports on the resource's row.
            if (
                urn &&
                error &&
                typeof error === "object" &&
                "properties" in error &&
                error.properties &&
                typeof error.properties === "object"
            ) {
                Object.assign(error.properties, { [urnKey]: urn });
            }
            throw error;
        });
    }

    async function checkWithCredentials(olds: Props | undefined, news: Props): Promise<CheckOutcome<z.infer<z.ZodObject<Shape>>>> {
        const account = news.account;
        // An account unknown at preview: its credential cannot be looked up yet (create will).
        if (isUnknown(account)) return checkOnce(spec, stripUrn(olds ?? {}), news);
        return withAccount(typeof account === "string" ? account : undefined, async () => {
            const outcome = await checkOnce(spec, stripUrn(olds ?? {}), news);
            if (!outcome.failures.some((f) => f.property === "account"))
                outcome.failures.push(...credentialFailures(spec.endpoint, account));
            return outcome;
        });
    }

    async function updateWith(id: string, olds: O, news: z.infer<z.ZodObject<Shape>>): Promise<{ outs: O }> {
        const ctx = tracking<O>(deadlineFor(news, "update"));
        try {
            let current = olds;
            if (accountOf(olds) !== accountOf(news)) await visibleUnder(id, olds, news, ctx.deadline);
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
    }

    /**
     * A new `account` for a tracked volume: later reads and the delete will use its credentials,
     * so it must see this volume now (else a refresh would drop it from state, a destroy leave it).
     */
    async function visibleUnder(id: string, olds: O, news: z.infer<z.ZodObject<Shape>>, deadline: Deadline): Promise<void> {
        const to = accountOf(news);
        let seen: O | undefined;
        try {
            seen = await ops.read(id, olds, deadline);
        } catch (error) {
            throw new VolumeError(`${id}: cannot switch to ${named(to)}: reading the volume with it failed: ${errorMessage(error)}`, {
                cause: error,
            });
        }
        if (!seen) {
            throw new VolumeError(
                `${id}: cannot switch from ${named(accountOf(olds))} to ${named(to)}: the volume is not visible with its credentials. ` +
                    `Check the account's token and API URL, or keep \`account\` as it was`,
            );
        }
    }

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
            const account = accountOf(declared);
            throw new VolumeError(
                `${what}: there is no such volume${account === undefined ? "" : ` under ${named(account)}`} (the cloud does not have it, ` +
                    `or it is being deleted), so nothing was imported or created. ` +
                    `Check the id${account === undefined ? "" : " and the account"}: ${adoption.lookupHint} lists the volumes.`,
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

/**
 * The resource's URN, which the SDK class passes as this hidden input so that progress shows on its
 * row (the engine hands a dynamic provider no URN). Kept in outputs for read and delete; never
 * checked, diffed, or seen by a cloud's code.
 */
const urnKey = "__urn";

function urnOf(props: object | undefined): string | undefined {
    const urn = props && urnKey in props ? (props as Record<string, unknown>)[urnKey] : undefined;
    return typeof urn === "string" && urn.startsWith("urn:pulumi:") ? urn : undefined;
}

function stripUrn<P extends object>(props: P): P {
    if (!(urnKey in props)) return props;
    const { [urnKey]: _urn, ...rest } = props as Record<string, unknown>;
    return rest as P;
}

/** `outs` with the URN of `from` (when it has one). */
function withUrn<O extends object>(outs: O, from: object | undefined): O {
    const urn = urnOf(from);
    return urn ? { ...outs, [urnKey]: urn } : outs;
}

function accountOf(props: object | undefined): string | undefined {
    const account = props && "account" in props ? props.account : undefined;
    return typeof account === "string" ? account : undefined;
}

function named(account: string | undefined): string {
    return account === undefined ? "the default account" : `account '${account}'`;
}

async function checkOnce<Shape extends z.ZodRawShape, O extends z.infer<z.ZodObject<Shape>>>(
    spec: ResourceSpec<Shape, O>,
    olds: Props,
    news: Props,
): Promise<CheckOutcome<z.infer<z.ZodObject<Shape>>>> {
    return spec.check ? spec.check(olds, news) : checkInputs(spec.inputs, olds, news);
}

/**
 * A missing credential, caught at preview: config is there, since the host calls `configure`
 * before the first check. Failed on `account` when one is named, else on the resource itself.
 */
function credentialFailures(endpoint: Endpoint | undefined, account: unknown): CheckFailure[] {
    if (!endpoint) return [];
    try {
        credentialsOf(endpoint);
        return [];
    } catch (error) {
        if (!(error instanceof MissingCredentialError)) throw error;
        return [{ property: typeof account === "string" ? "account" : "", reason: error.message }];
    }
}

async function readWith<O extends object>(
    read: ReadCapability<O>,
    id: string,
    props: Partial<O> | undefined,
    idOf: ((outs: O) => string) | undefined,
    stored: readonly string[],
) {
    const given: Partial<O> = props ?? {};
    try {
        const outs = await read(id, given, deadlineFor(given, "read"));
        return outs ? { id: idOf?.(outs) ?? id, props: withStored(outs, given, stored) } : gone<O>();
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
