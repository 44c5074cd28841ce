import type { z } from "zod";
import { definedOnly } from "./objects";
import { safeText } from "./secrets";
import type { FieldRules } from "./rules";
import { containsUnknown, isUnknown } from "./unknown";

/** One bad input, as the engine shows it at preview. */
export interface CheckFailure {
    property: string;
    reason: string;
}

/**
 * The checked inputs: every known field parsed by its schema (defaults applied), unknown (preview)
 * fields as sent. With failures, the inputs as sent. Never an `undefined` anywhere: the host must
 * serialize them, even beside failures.
 */
export interface CheckOutcome<I = Record<string, unknown>> {
    inputs: I;
    failures: CheckFailure[];
}

export interface InputSpec<Shape extends z.ZodRawShape> {
    /** Every input field with its validation and default. */
    schema: z.ZodObject<Shape>;
    rules: FieldRules;
    /**
     * Fills absent inputs whose default comes from the stack config or environment (resolved at
     * check, so the diff compares concrete values and a missing setting fails before any request).
     */
    resolveDefaults?: (news: Record<string, unknown>) => Record<string, unknown>;
    /**
     * Defaults that `resolveDefaults` fills rather than the schema (Fly's, only for a new empty
     * volume). The diff treats an absent old value equal to one of these as no change, as it does
     * for schema defaults: state from an older release may lack the field.
     */
    defaults?: Readonly<Record<string, unknown>>;
    /** Rules across fields; runs on the parsed values of the known fields only. */
    crossChecks?: (inputs: Partial<z.infer<z.ZodObject<Shape>>>, unknown: ReadonlySet<string>) => CheckFailure[];
}

const reserved = new Set(["__provider"]);

/**
 * Validates the declared inputs field by field with zod, so an unknown field (preview) is skipped
 * while every known one is still checked, and one failure per bad property comes back before any
 * request is sent. Also refuses a shrink: a grow field below its previous declared value.
 * Returns the inputs with defaults applied, so the diff never sees `undefined` against a default.
 */
export function checkInputs<Shape extends z.ZodRawShape>(
    spec: InputSpec<Shape>,
    olds: Record<string, unknown>,
    news: Record<string, unknown>,
): CheckOutcome<z.infer<z.ZodObject<Shape>>> {
    const shape = spec.schema.shape as unknown as Record<string, z.ZodType>;
    news = spec.resolveDefaults ? spec.resolveDefaults(news) : news;
    const failures: CheckFailure[] = [];
    const parsed: Record<string, unknown> = {};
    const unknownFields = new Set<string>();

    for (const key of Object.keys(news)) {
        if (!reserved.has(key) && !(key in shape)) {
            failures.push({
                property: key,
                reason: `is not an input of this resource (expected one of: ${Object.keys(shape).join(", ")})`,
            });
        }
    }
    for (const [key, fieldSchema] of Object.entries(shape)) {
        const value = news[key];
        if (isUnknown(value)) {
            unknownFields.add(key);
            continue;
        }
        const unknownPaths = containsUnknown(value) ? collectUnknownPaths(value, [key]) : [];
        if (unknownPaths.length > 0) unknownFields.add(key);
        const result = fieldSchema.safeParse(unknownPaths.length ? stripUnknown(value) : value);
        if (result.success) {
            if (result.data !== undefined) parsed[key] = unknownPaths.length ? value : result.data;
            continue;
        }
        for (const issue of result.error.issues) {
            const path = [key, ...issue.path.map(String)];
            if (unknownPaths.some((u) => isPrefix(u, path))) continue;
            // The engine prints a top-level property's value itself (`property region value {IAD} has a
            // problem`) but `{<nil>}` for a nested one: that one the reason echoes.
            const shown = issue.path.length > 0 ? echo(valueAt(value, issue.path)) : "";
            failures.push({ property: path.join("."), reason: issue.message + shown });
        }
    }

    if (failures.length === 0 && spec.crossChecks) {
        failures.push(...spec.crossChecks(parsed as Partial<z.infer<z.ZodObject<Shape>>>, unknownFields));
    }
    failures.push(...shrinkFailures(spec.rules, olds, parsed));

    if (failures.length > 0) return { inputs: asChecked<Shape>(definedOnly(news)), failures };
    for (const key of unknownFields) if (!(key in parsed)) parsed[key] = news[key];
    for (const key of reserved) if (key in news) parsed[key] = news[key];
    return { inputs: asChecked<Shape>(definedOnly(parsed)), failures };
}

/**
 * The one place checked inputs take their type: each known field passed its own schema, and the
 * rest are unknowns of a preview (the engine's contract for every provider's inputs).
 */
function asChecked<Shape extends z.ZodRawShape>(inputs: Record<string, unknown>): z.infer<z.ZodObject<Shape>> {
    return inputs as z.infer<z.ZodObject<Shape>>;
}

/** Every input's schema default (`fstype: "ext4"`): what an absent value in old state meant. */
export function inputDefaults<Shape extends z.ZodRawShape>(schema: z.ZodObject<Shape>): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const [key, field] of Object.entries(schema.shape as unknown as Record<string, z.ZodType>)) {
        const r = field.safeParse(undefined);
        if (r.success && r.data !== undefined) out[key] = r.data;
    }
    return out;
}

/** A grow field below its previous declared value, refused at preview with the rule's unit. */
function shrinkFailures(rules: FieldRules, olds: Record<string, unknown>, parsed: Record<string, unknown>): CheckFailure[] {
    const failures: CheckFailure[] = [];
    for (const [field, rule] of Object.entries(rules)) {
        if (typeof rule !== "object") continue;
        const unit = rule.grow;
        const prev = olds[field];
        const next = parsed[field];
        if (typeof prev === "number" && typeof next === "number" && next < prev) {
            failures.push({
                property: field,
                reason:
                    `cannot shrink from ${prev} ${unit} to ${next} ${unit}: volumes only grow. ` +
                    `Keep ${field} at ${prev} or more; to start smaller, create a new volume and copy the data.`,
            });
        }
    }
    return failures;
}

/** The value at `path` inside `value`, or undefined. */
function valueAt(value: unknown, path: readonly PropertyKey[]): unknown {
    let v = value;
    for (const k of path) v = v !== null && typeof v === "object" ? (v as Record<PropertyKey, unknown>)[k] : undefined;
    return v;
}

/**
 * ` (got "IAD")`: the bad value, so a person sees what was refused. Scalars only, cut to 40
 * characters and scrubbed (a credential registered or token-shaped is masked, and a token pasted
 * into a field is caught by its shape); an object or a missing value is not shown.
 */
export function echo(value: unknown): string {
    if (typeof value === "string") return ` (got ${JSON.stringify(safeText(value, 40))})`;
    if (typeof value === "number" || typeof value === "boolean") return ` (got ${String(value)})`;
    if (value === null) return " (got null)";
    return "";
}

function collectUnknownPaths(value: unknown, at: string[]): string[][] {
    if (isUnknown(value)) return [at];
    if (Array.isArray(value)) return value.flatMap((v, i) => collectUnknownPaths(v, [...at, String(i)]));
    if (value && typeof value === "object") {
        return Object.entries(value).flatMap(([k, v]) => collectUnknownPaths(v, [...at, k]));
    }
    return [];
}

function stripUnknown(value: unknown): unknown {
    if (isUnknown(value)) return undefined;
    if (Array.isArray(value)) return value.map(stripUnknown);
    if (value && typeof value === "object") {
        return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, stripUnknown(v)]));
    }
    return value;
}

function isPrefix(prefix: string[], path: string[]): boolean {
    return prefix.length <= path.length && prefix.every((p, i) => p === path[i]);
}
