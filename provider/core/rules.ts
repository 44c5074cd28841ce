import { isDeepStrictEqual } from "node:util";
import { containsUnknown } from "./unknown";

/**
 * How a change to one field reaches the cloud. Each cloud states its fields in one table
 * (`provider/<cloud>/rules.ts`); diff, update and the shrink check read only that table.
 *
 * - `replace`: create-only; a change replaces the resource.
 * - `replaceWhenSet`: create-only, but undeclared means "as the cloud chose" (a Fly fork takes
 *   `encrypted` from its source): a declared change replaces, an absent value is no change.
 * - `inPlace`: updated in place; compared with the live value, so drift is put back.
 * - `{ grow: unit }`: a size in `unit` (`GB`); only an increase is a change, a decrease is
 *   refused at check. A resource with no such field has no shrink check.
 * - `stored`: kept in state, sent in no request (`timeouts`): a change is an update that sends
 *   nothing to the cloud and stores the new value (delete and read see only stored outputs).
 * - `ignore`: an input that is never diffed nor sent by itself: it rides along with the next real
 *   change (VM0's `message`, and its `source` path, whose content `sourceHash` stands for).
 * - `adopt`: create-only and never a change: the id of an existing volume a create adopts
 *   (`importId`, the `import` resource option; adoption.ts). Once adopted, removing or changing it
 *   is no change, and it never replaces.
 * - `output`: never an input; never diffed.
 */
export type FieldRule = "replace" | "replaceWhenSet" | "inPlace" | GrowRule | "stored" | "ignore" | "adopt" | "output";

/** A size that only grows, in `grow` units (`GB`). */
export interface GrowRule {
    readonly grow: string;
}

export type FieldRules = Readonly<Record<string, FieldRule>>;

/**
 * A resource's rules table tied to its outputs type: one rule for every output field, and no rule
 * for a field the outputs lack. Write a cloud's table as `{…} as const satisfies RulesFor<Outputs>`,
 * so adding a field to the outputs without stating how it changes is a compile error.
 */
export type RulesFor<O> = { readonly [K in keyof Required<O>]: FieldRule };

/** The kind of a rule, for filtering: `grow` for a {@link GrowRule}. */
export type RuleKind = "replace" | "replaceWhenSet" | "inPlace" | "grow" | "stored" | "ignore" | "adopt" | "output";

export function ruleKind(rule: FieldRule): RuleKind {
    return typeof rule === "object" ? "grow" : rule;
}

/** What `diff` hands the engine (the host drops every other field). */
export interface DiffOutcome {
    changes: boolean;
    replaces: string[];
    deleteBeforeReplace?: boolean;
}

/** Whether a replacement must delete the old resource first: always, never, or decided per diff. */
export type DeleteBeforeReplace<O = Record<string, unknown>, I = Record<string, unknown>> = boolean | ((olds: O, news: I) => boolean);

export function fieldsWith(rules: FieldRules, ...kinds: RuleKind[]): string[] {
    return Object.entries(rules)
        .filter(([, rule]) => kinds.includes(ruleKind(rule)))
        .map(([field]) => field);
}

/** The fields of one diff, by what they need. */
export interface FieldChanges {
    /** Replace fields that changed (or may change: unknown at preview). */
    replaces: string[];
    /** In-place and grow fields the cloud must change. */
    updates: string[];
    /** Stored fields that changed: no request, only state. */
    stored: string[];
}

export interface CompareOptions {
    /**
     * Each input's schema default. State written by an older release may lack a field that now has
     * a default: an absent old value equal to the default is no change, never a replacement.
     */
    defaults?: Readonly<Record<string, unknown>>;
}

/**
 * Declared inputs (`news`) against the old outputs (`olds`), which hold the live value of every
 * in-place and grow field and the declared value of every replace and stored field.
 *
 * An unknown value (preview) may replace when its field replaces, and is a change otherwise.
 * An absent in-place field is not managed, so it is no change. A live size above the declared one
 * (grown outside Pulumi) is no change, never a shrink.
 */
export function changedFields(rules: FieldRules, olds: object, news: object, options: CompareOptions = {}): FieldChanges {
    const out: FieldChanges = { replaces: [], updates: [], stored: [] };
    for (const [field, rule] of Object.entries(rules)) {
        const kind = ruleKind(rule);
        if (kind === "output" || kind === "ignore" || kind === "adopt") continue;
        const next = valueOf(news, field);
        const prev = valueOf(olds, field) ?? options.defaults?.[field];
        if (containsUnknown(next)) {
            if (kind === "replace" || kind === "replaceWhenSet") out.replaces.push(field);
            else if (kind === "stored") out.stored.push(field);
            else out.updates.push(field);
            continue;
        }
        switch (kind) {
            case "replace":
                if (!sameValue(prev, next)) out.replaces.push(field);
                break;
            case "stored":
                if (!sameValue(prev, next)) out.stored.push(field);
                break;
            case "replaceWhenSet":
                if (next !== undefined && !sameValue(prev, next)) out.replaces.push(field);
                break;
            case "inPlace":
                if (next !== undefined && !sameValue(prev, next)) out.updates.push(field);
                break;
            case "grow":
                if (typeof next === "number" && !(typeof prev === "number" && prev >= next)) out.updates.push(field);
                break;
        }
    }
    return out;
}

export interface DiffOptions<O, I> extends CompareOptions {
    deleteBeforeReplace?: DeleteBeforeReplace<O, I>;
    /**
     * Output fields whose stored value says the resource is in a terminal failed state (a create
     * that failed for good): it is replaced, naming these fields, as Terraform replaces a tainted
     * resource.
     */
    failed?: readonly string[];
}

/** The engine's diff: replaces, or an update when anything else (a stored field included) changed. */
export function diffByRules<O extends object = Record<string, unknown>, I extends object = Record<string, unknown>>(
    rules: FieldRules,
    olds: O,
    news: I,
    options: DiffOptions<O, I> = {},
): DiffOutcome {
    const c = changedFields(rules, olds, news, options);
    const replaces = [...(options.failed ?? []), ...c.replaces];
    const outcome: DiffOutcome = { changes: replaces.length + c.updates.length + c.stored.length > 0, replaces };
    const dbr = options.deleteBeforeReplace;
    if (replaces.length > 0 && (typeof dbr === "function" ? dbr(olds, news) : dbr)) outcome.deleteBeforeReplace = true;
    return outcome;
}

/** A field of a typed record, by name (rules tables name fields as strings). */
export function valueOf(o: object, field: string): unknown {
    return (o as Readonly<Record<string, unknown>>)[field];
}

/** `undefined` and `null` are both "not set"; objects compare by value. */
function sameValue(a: unknown, b: unknown): boolean {
    if ((a === undefined || a === null) && (b === undefined || b === null)) return true;
    return isDeepStrictEqual(a, b);
}
