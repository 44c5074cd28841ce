import { isDeepStrictEqual } from "node:util";
import { containsUnknown } from "./unknown";

/**
 * How a change to one field reaches the cloud. Each cloud states its fields in one table
 * (`provider/<cloud>/rules.ts`); diff and the shrink check read only that table.
 *
 * - `replace`: create-only; a change replaces the volume.
 * - `replaceWhenSet`: create-only, but undeclared means "as the cloud chose" (a Fly fork takes
 *   `encrypted` from its source): a declared change replaces, an absent value is no change.
 * - `inPlace`: updated in place; compared with the live value, so drift is put back.
 * - `grow`: a size; only an increase is a change, a decrease is refused at check.
 * - `ignore`: an input that is no change to the volume (`timeouts`).
 * - `output`: never an input; never diffed.
 */
export type FieldRule = "replace" | "replaceWhenSet" | "inPlace" | "grow" | "ignore" | "output";

export type FieldRules = Readonly<Record<string, FieldRule>>;

/** What `diff` hands the engine (the host drops every other field). */
export interface DiffOutcome {
    changes: boolean;
    replaces: string[];
    deleteBeforeReplace?: boolean;
}

/** Whether a replacement must delete the old volume first: always, never, or decided per diff. */
export type DeleteBeforeReplace = boolean | ((olds: Record<string, unknown>, news: Record<string, unknown>) => boolean);

export function fieldsWith(rules: FieldRules, ...kinds: FieldRule[]): string[] {
    return Object.keys(rules).filter((k) => kinds.includes(rules[k]));
}

/**
 * Declared inputs (`news`) against the old outputs (`olds`), which hold the live value of every
 * in-place and grow field and the declared value of every replace field.
 *
 * An unknown value (preview) may replace when its field replaces, and is a change otherwise.
 * An absent in-place field is not managed, so it is no change. A live size above the declared one
 * (grown outside Pulumi) is no change, never a shrink.
 */
export function diffByRules(
    rules: FieldRules,
    olds: Record<string, unknown>,
    news: Record<string, unknown>,
    options: { deleteBeforeReplace?: DeleteBeforeReplace } = {},
): DiffOutcome {
    const replaces: string[] = [];
    let changes = false;
    for (const [field, rule] of Object.entries(rules)) {
        if (rule === "ignore" || rule === "output") continue;
        const next = news[field];
        const prev = olds[field];
        if (containsUnknown(next)) {
            if (rule === "replace" || rule === "replaceWhenSet") replaces.push(field);
            else changes = true;
            continue;
        }
        switch (rule) {
            case "replace":
                if (!sameValue(prev, next)) replaces.push(field);
                break;
            case "replaceWhenSet":
                if (next !== undefined && !sameValue(prev, next)) replaces.push(field);
                break;
            case "inPlace":
                if (next !== undefined && !sameValue(prev, next)) changes = true;
                break;
            case "grow":
                if (typeof next === "number" && !(typeof prev === "number" && prev >= next)) changes = true;
                break;
        }
    }
    const outcome: DiffOutcome = { changes: changes || replaces.length > 0, replaces };
    const dbr = options.deleteBeforeReplace;
    if (replaces.length > 0 && (typeof dbr === "function" ? dbr(olds, news) : dbr)) outcome.deleteBeforeReplace = true;
    return outcome;
}

/** `undefined` and `null` are both "not set"; objects compare by value. */
function sameValue(a: unknown, b: unknown): boolean {
    if ((a === undefined || a === null) && (b === undefined || b === null)) return true;
    return isDeepStrictEqual(a, b);
}
