import * as fs from "node:fs";
import * as path from "node:path";

import { type CheckFailure, type Host, HostError, type PartialState } from "./host";
import type { Registration } from "./program";
import { clone, deepEqual, type PropertyMap } from "./wire";

/** One resource in the engine's state. */
export interface StateResource {
    urn: string;
    type: string;
    id: string;
    /** The checked inputs of the last successful (or partially failed) step, `__provider` included. */
    inputs: PropertyMap;
    /** The provider's outputs, `__provider` included (the host re-adds it). */
    outputs: PropertyMap;
    /** Read by a static `get`: the engine forgets it but never deletes it. */
    external?: boolean;
    /** Registered with `retainOnDelete`: a delete (destroy, replacement, removal) forgets it without calling Delete. */
    retainOnDelete?: boolean;
    /** Set when create/update failed after the provider made the resource (partial state); the next `up` updates it. */
    initErrors?: string[];
}

/** The engine's whole state, as persisted to `statePath`. */
export interface EngineState {
    resources: StateResource[];
    /** Replaced resources whose delete has not happened yet (deleted at the end of the next `up`). */
    pendingDeletes: StateResource[];
}

/** What a step did (or, in preview, would do). */
export type StepOp = "create" | "update" | "replace" | "delete" | "same" | "read" | "discard" | "refresh" | "refresh-drop";

/** One step of a deployment. */
export interface Step {
    urn: string;
    /** The resource name (last URN segment). */
    name: string;
    type: string;
    op: StepOp;
    /** The resource's id after the step (for delete: the id deleted); unset in preview of a create. */
    id?: string;
    /** Properties that forced a replacement. */
    replaces?: string[];
    /** Set on replace steps: the old resource was deleted before the new one was created. */
    deleteBeforeReplace?: boolean;
    /** The provider's (or engine's) error message when the step failed. */
    error?: string;
    /** Check failures, when the step failed at Check. */
    failures?: CheckFailure[];
    /** Partial state the provider returned with a failed create/update. */
    partial?: PartialState;
    /** On delete steps: the resource had `retainOnDelete`, so it was only dropped from state (Delete not called). */
    retained?: boolean;
}

/** The steps of one operation; `ok` is false when any step failed. */
export interface DeploymentResult {
    steps: Step[];
    ok: boolean;
}

/** The step for a resource name or URN, if the result has one. */
export function findStep(result: DeploymentResult, nameOrUrn: string): Step | undefined {
    return result.steps.find((s) => s.urn === nameOrUrn) ?? result.steps.find((s) => s.name === nameOrUrn);
}

/** Options of {@link Engine}. */
export interface EngineOptions {
    /**
     * The provider host. A factory starts a fresh host for each operation and closes it after, as the
     * CLI starts a new plugin process per deployment; a `Host` is reused (and not closed).
     */
    host: Host | (() => Promise<Host>);
    /**
     * Stack config sent with Configure before each operation (keys like "fly:token"). The host configures
     * each serialized provider once per process, so with a reused `Host` the first config it saw sticks.
     */
    config?: Readonly<Record<string, string>>;
    /** Persist the state here after each operation (and load it, if present, at construction). */
    statePath?: string;
    /** Run steps of independent resources concurrently (default true). */
    parallel?: boolean;
}

const providerKey = "__provider";

function nameOf(urn: string): string {
    return urn.slice(urn.lastIndexOf("::") + 2);
}

function message(err: unknown): string {
    return err instanceof Error ? err.message : String(err);
}

/** The `retainOnDelete` a registration gives its state entry (kept in state, as the engine does). */
function retention(r: Registration): { retainOnDelete?: true } {
    return r.retainOnDelete ? { retainOnDelete: true } : {};
}

function partialOf(err: unknown): PartialState | undefined {
    return err instanceof HostError ? err.partial : undefined;
}

/** Top-level `ignoreChanges`: keep the old input value for each ignored key (as the engine does before Check). */
function applyIgnoreChanges(olds: PropertyMap | undefined, news: PropertyMap, ignore: readonly string[]): PropertyMap {
    const out = clone(news);
    if (!olds) return out;
    for (const key of ignore) {
        const old = olds[key];
        if (old === undefined) delete out[key];
        else out[key] = clone(old);
    }
    return out;
}

/** The working copy of state during one operation. */
class Working {
    readonly resources: Map<string, StateResource>;
    pendingDeletes: StateResource[];
    constructor(state: EngineState) {
        const copy = structuredClone(state);
        this.resources = new Map(copy.resources.map((r) => [r.urn, r]));
        this.pendingDeletes = copy.pendingDeletes;
    }
    toState(): EngineState {
        return { resources: [...this.resources.values()], pendingDeletes: this.pendingDeletes };
    }
}

/**
 * A small deployment engine over the dynamic-provider {@link Host}, following the Pulumi engine's step
 * rules: Check(old inputs, news); new → Create; existing → Diff(id, old outputs, checked inputs):
 * none → same (or update when the old state has init errors), some → Update, replaces → Check({}, news)
 * again, then create-before-delete (delete at the end) or delete-before-create; `get` → Read(id, props);
 * unregistered → Delete at the end, skipped when a step failed. Preview runs Check, Diff and Read only.
 * A resource registered with `retainOnDelete` is dropped from state where it would be deleted, without a
 * Delete call (step `delete` with `retained`), as the engine does.
 *
 * It is our reading of the engine, for faults and timing aimed at one step; `tests/engine/` runs the
 * real CLI and is the reference. It does NOT show, and its results must not be read as showing:
 * the engine's preview display and JSON events (the host sends Diff no changed keys; the engine
 * compares inputs itself); `up --refresh` (refresh then up in one operation); dependency order
 * (`dependsOn` and output references: steps here run all at once, deletes too); `protect`;
 * `aliases`; the `import` option (ignored here, so it creates; the real host fails on it);
 * `customTimeouts`; the default `pulumi-nodejs` provider resource, which holds the stack config
 * (secrets as ciphertext) in the real state; the engine reading and hashing a `FileArchive` when it
 * is registered; the state file's own format (`pulumi stack export`).
 */
export class Engine {
    private current: EngineState;
    private readonly opts: EngineOptions;

    constructor(opts: EngineOptions) {
        this.opts = opts;
        this.current = { resources: [], pendingDeletes: [] };
        if (opts.statePath && fs.existsSync(opts.statePath)) {
            const loaded = JSON.parse(fs.readFileSync(opts.statePath, "utf8")) as Partial<EngineState>;
            this.current = { resources: loaded.resources ?? [], pendingDeletes: loaded.pendingDeletes ?? [] };
        }
    }

    /** A copy of the current state. */
    get state(): EngineState {
        return structuredClone(this.current);
    }

    /** The state entry with this URN, or the first whose name is `nameOrUrn`. */
    resource(nameOrUrn: string): StateResource | undefined {
        const found =
            this.current.resources.find((r) => r.urn === nameOrUrn) ?? this.current.resources.find((r) => nameOf(r.urn) === nameOrUrn);
        return found ? structuredClone(found) : undefined;
    }

    /** Check and Diff every registration (and Read `get`s) without changing anything. */
    preview(registrations: readonly Registration[]): Promise<DeploymentResult> {
        return this.deploy(registrations, true);
    }

    /** Brings state in line with the registrations. */
    up(registrations: readonly Registration[]): Promise<DeploymentResult> {
        return this.deploy(registrations, false);
    }

    /** Reads every resource: an empty id drops it from state, otherwise its outputs (and returned inputs) replace the stored ones. */
    async refresh(): Promise<DeploymentResult> {
        return this.withHost(async (host) => {
            const work = new Working(this.current);
            const steps = await this.each([...work.resources.values()], async (res): Promise<Step> => {
                const base = { urn: res.urn, name: nameOf(res.urn), type: res.type };
                try {
                    const read = await host.read(res.urn, res.id, res.outputs, res.inputs);
                    if (read.id === "") {
                        work.resources.delete(res.urn);
                        return { ...base, op: "refresh-drop", id: res.id };
                    }
                    const next: StateResource = { ...res, id: read.id, outputs: read.properties, inputs: read.inputs ?? res.inputs };
                    delete next.initErrors;
                    work.resources.set(res.urn, next);
                    return { ...base, op: "refresh", id: read.id };
                } catch (err) {
                    return { ...base, op: "refresh", id: res.id, error: message(err) };
                }
            });
            this.commit(work);
            return { steps, ok: steps.every((s) => !s.error) };
        });
    }

    /** Deletes every resource (and pending delete); `get` resources are only forgotten. */
    async destroy(): Promise<DeploymentResult> {
        return this.withHost(async (host) => {
            const work = new Working(this.current);
            const steps = await this.deleteAll(host, work, [...work.pendingDeletes, ...work.resources.values()]);
            this.commit(work);
            return { steps, ok: steps.every((s) => !s.error) };
        });
    }

    private async deploy(registrations: readonly Registration[], preview: boolean): Promise<DeploymentResult> {
        const custom = registrations.filter((r) => r.custom);
        const seen = new Set<string>();
        for (const r of custom) {
            if (seen.has(r.urn)) throw new Error(`duplicate resource URN ${r.urn}`);
            seen.add(r.urn);
        }
        return this.withHost(async (host) => {
            const work = new Working(this.current);
            const steps = await this.each(custom, (r) =>
                r.id !== undefined ? this.readStep(host, work, r) : this.registerStep(host, work, r, preview),
            );
            const ok = steps.every((s) => !s.error);
            const gone = [...work.resources.values()].filter((r) => !seen.has(r.urn));
            if (preview) {
                for (const r of [...work.pendingDeletes, ...gone]) {
                    const step: Step = { urn: r.urn, name: nameOf(r.urn), type: r.type, op: r.external ? "discard" : "delete", id: r.id };
                    if (!r.external && r.retainOnDelete) step.retained = true;
                    steps.push(step);
                }
                return { steps, ok };
            }
            // The engine stops after a failed step: deletes (unregistered, replaced) wait for the next up.
            if (ok) steps.push(...(await this.deleteAll(host, work, [...work.pendingDeletes, ...gone])));
            this.commit(work);
            return { steps, ok: steps.every((s) => !s.error) };
        });
    }

    private async readStep(host: Host, work: Working, r: Registration): Promise<Step> {
        const base = { urn: r.urn, name: r.name, type: r.type, op: "read" as const, id: r.id ?? "" };
        try {
            // As ReadStep: Read(urn, id, inputs = nil, state = the props the SDK sent, __provider included).
            const read = await host.read(r.urn, r.id ?? "", r.inputs);
            if (read.id === "") return { ...base, error: `resource '${r.id}' does not exist` };
            // A managed resource now only read is let go of: deleted at the end, as the engine's read-replacement.
            const managed = work.resources.get(r.urn);
            if (managed && !managed.external) work.pendingDeletes.push(managed);
            work.resources.set(r.urn, {
                urn: r.urn,
                type: r.type,
                id: read.id,
                inputs: clone(r.inputs),
                outputs: read.properties,
                external: true,
            });
            return { ...base, id: read.id };
        } catch (err) {
            return { ...base, error: message(err) };
        }
    }

    private async registerStep(host: Host, work: Working, r: Registration, preview: boolean): Promise<Step> {
        // A resource only read before (static get) and now declared is created; the read entry is replaced.
        const existing = work.resources.get(r.urn);
        const old = existing && !existing.external ? existing : undefined;
        const base = { urn: r.urn, name: r.name, type: r.type };
        if (typeof r.inputs[providerKey] !== "string") {
            return { ...base, op: old ? "update" : "create", error: `${r.urn} has no ${providerKey} input: not a dynamic resource` };
        }
        const news = applyIgnoreChanges(old?.inputs, r.inputs, r.ignoreChanges);
        let checked: PropertyMap;
        try {
            const check = await host.check(r.urn, old?.inputs ?? {}, news);
            if (check.failures.length > 0) {
                return { ...base, op: old ? "update" : "create", error: "check failed", failures: check.failures };
            }
            checked = check.inputs;
        } catch (err) {
            return { ...base, op: old ? "update" : "create", error: message(err) };
        }
        if (!old) {
            if (preview) return { ...base, op: "create" };
            return this.create(host, work, r, checked, { ...base, op: "create" });
        }

        let changes: "some" | "none";
        let replaces: string[];
        let providerDbr: boolean;
        try {
            const diff = await host.diff(r.urn, old.id, old.outputs, checked, { oldInputs: old.inputs });
            // DIFF_UNKNOWN: the engine compares old and new inputs itself; any change is an update.
            changes = diff.changes === "unknown" ? (deepEqual(old.inputs, checked) ? "none" : "some") : diff.changes;
            replaces = diff.replaces;
            providerDbr = diff.deleteBeforeReplace;
        } catch (err) {
            return { ...base, op: "update", id: old.id, error: message(err) };
        }

        if (changes === "some" && replaces.length > 0) {
            const deleteBeforeReplace = r.deleteBeforeReplace ?? providerDbr;
            const step: Step = { ...base, op: "replace", replaces, deleteBeforeReplace };
            // A replacement recomputes inputs from scratch: Check({}, news).
            try {
                const check = await host.check(r.urn, {}, news);
                if (check.failures.length > 0) return { ...step, error: "check failed", failures: check.failures };
                checked = check.inputs;
            } catch (err) {
                return { ...step, error: message(err) };
            }
            if (preview) return step;
            if (deleteBeforeReplace) {
                try {
                    // A retained resource is let go of without a Delete, as the engine does.
                    if (!old.retainOnDelete) await host.delete(r.urn, old.id, old.outputs, { oldInputs: old.inputs });
                } catch (err) {
                    return { ...step, id: old.id, error: message(err) };
                }
                work.resources.delete(r.urn);
                return this.create(host, work, r, checked, step);
            }
            const created = await this.create(host, work, r, checked, step);
            // Created (fully or partially): the old one is deleted at the end of the deployment.
            if (created.id !== undefined) work.pendingDeletes.push(old);
            return created;
        }

        if (changes === "some" || (old.initErrors?.length ?? 0) > 0) {
            const step: Step = { ...base, op: "update", id: old.id };
            if (preview) return step;
            try {
                const updated = await host.update(r.urn, old.id, old.outputs, checked, { oldInputs: old.inputs });
                work.resources.set(r.urn, {
                    urn: r.urn,
                    type: r.type,
                    id: old.id,
                    inputs: checked,
                    outputs: updated.properties,
                    ...retention(r),
                });
                return step;
            } catch (err) {
                const partial = partialOf(err);
                if (partial) {
                    const id = partial.id || old.id;
                    work.resources.set(r.urn, {
                        urn: r.urn,
                        type: r.type,
                        id,
                        inputs: checked,
                        outputs: partial.properties,
                        initErrors: partial.reasons.length > 0 ? partial.reasons : [message(err)],
                        ...retention(r),
                    });
                    return { ...step, id, error: message(err), partial };
                }
                return { ...step, error: message(err) };
            }
        }

        if (!preview) {
            const same: StateResource = { ...old, inputs: checked, ...retention(r) };
            if (!r.retainOnDelete) delete same.retainOnDelete;
            work.resources.set(r.urn, same);
        }
        return { ...base, op: "same", id: old.id };
    }

    /** Create, recording success or partial state; `step.id` is set iff a resource now exists. */
    private async create(host: Host, work: Working, r: Registration, checked: PropertyMap, step: Step): Promise<Step> {
        try {
            const created = await host.create(r.urn, checked);
            work.resources.set(r.urn, {
                urn: r.urn,
                type: r.type,
                id: created.id,
                inputs: checked,
                outputs: created.properties,
                ...retention(r),
            });
            return { ...step, id: created.id };
        } catch (err) {
            const partial = partialOf(err);
            if (partial) {
                work.resources.set(r.urn, {
                    urn: r.urn,
                    type: r.type,
                    id: partial.id,
                    inputs: checked,
                    outputs: partial.properties,
                    initErrors: partial.reasons.length > 0 ? partial.reasons : [message(err)],
                    ...retention(r),
                });
                return { ...step, id: partial.id, error: message(err), partial };
            }
            const failed: Step = { ...step, error: message(err) };
            delete failed.id;
            return failed;
        }
    }

    /** Deletes `targets` (pending deletes and resources), newest first when sequential; failures stay in state. */
    private async deleteAll(host: Host, work: Working, targets: StateResource[]): Promise<Step[]> {
        const steps = await this.each([...targets].reverse(), async (res): Promise<Step> => {
            const base = { urn: res.urn, name: nameOf(res.urn), type: res.type, id: res.id };
            const forget = (): void => {
                const i = work.pendingDeletes.indexOf(res);
                if (i >= 0) work.pendingDeletes.splice(i, 1);
                else if (work.resources.get(res.urn) === res) work.resources.delete(res.urn);
            };
            if (res.external) {
                forget();
                return { ...base, op: "discard" };
            }
            if (res.retainOnDelete) {
                // As the engine: a retained resource leaves state, and Delete is never called.
                forget();
                return { ...base, op: "delete", retained: true };
            }
            try {
                await host.delete(res.urn, res.id, res.outputs, { oldInputs: res.inputs });
                forget();
                return { ...base, op: "delete" };
            } catch (err) {
                return { ...base, op: "delete", error: message(err) };
            }
        });
        return steps.reverse();
    }

    /** Runs `fn` over `items` concurrently (or one by one when `parallel` is false); results keep item order. */
    private async each<T>(items: readonly T[], fn: (item: T) => Promise<Step>): Promise<Step[]> {
        if (this.opts.parallel === false) {
            const out: Step[] = [];
            for (const item of items) out.push(await fn(item));
            return out;
        }
        return Promise.all(items.map(fn));
    }

    private commit(work: Working): void {
        this.current = work.toState();
        if (this.opts.statePath) {
            fs.mkdirSync(path.dirname(this.opts.statePath), { recursive: true });
            fs.writeFileSync(this.opts.statePath, JSON.stringify(this.current, null, 2));
        }
    }

    private async withHost<T>(fn: (host: Host) => Promise<T>): Promise<T> {
        const own = typeof this.opts.host === "function";
        const host = typeof this.opts.host === "function" ? await this.opts.host() : this.opts.host;
        try {
            await host.configure(this.opts.config ?? {});
            return await fn(host);
        } finally {
            if (own) await host.close();
        }
    }
}
