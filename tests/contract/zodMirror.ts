/**
 * Does a zod schema mirror an OpenAPI component? Same property names, same
 * required ones, accepts what the spec allows, and (for what we send) refuses
 * what the spec refuses. Works on zod 4 schemas by their `_zod.def`.
 */
import type { z } from "zod";
import type { OpenApiDocument, Schema } from "./openapi";

type Def = { type: string; innerType?: z.ZodType; in?: z.ZodType; element?: z.ZodType; shape?: Record<string, z.ZodType> };

function defOf(t: z.ZodType): Def {
    return (t as unknown as { _zod: { def: Def } })._zod.def;
}

/** Strip optional/nullable/default/pipe wrappers down to the schema that carries the shape. */
export function unwrap(t: z.ZodType): z.ZodType {
    for (let cur = t; ;) {
        const def = defOf(cur);
        if ((def.type === "optional" || def.type === "nullable" || def.type === "default") && def.innerType) cur = def.innerType;
        else if (def.type === "pipe" && def.in) cur = def.in;
        else return cur;
    }
}

/** The shape of a zod object (after unwrapping). */
export function shapeOf(t: z.ZodType): Record<string, z.ZodType> {
    const def = defOf(unwrap(t));
    if (def.type !== "object" || !def.shape) throw new Error(`not a zod object (${def.type})`);
    return def.shape;
}

/** The element of a zod array (after unwrapping). */
export function elementOf(t: z.ZodType): z.ZodType {
    const def = defOf(unwrap(t));
    if (def.type !== "array" || !def.element) throw new Error(`not a zod array (${def.type})`);
    return def.element;
}

/** Resolve a `$ref` to its component. */
export function deref(doc: OpenApiDocument, schema: Schema): Schema {
    const ref = schema["$ref"];
    if (typeof ref !== "string") return schema;
    const name = ref.replace(/^#\/components\/schemas\//, "");
    const target = doc.components.schemas[name];
    if (!target) throw new Error(`no component ${name}`);
    return target;
}

/** A value the spec schema allows: every property (`full`) or only required ones. */
export function sample(doc: OpenApiDocument, raw: Schema, mode: "full" | "minimal"): unknown {
    const schema = deref(doc, raw);
    if (Array.isArray(schema["enum"])) return schema["enum"][0];
    switch (schema["type"]) {
        case "string":
            if (schema["format"] === "uuid") return "0b8f7c3e-2a51-4c8e-9d0a-5f3e1b2c4d6e";
            if (schema["format"] === "date-time") return "2025-01-02T03:04:05Z";
            return "x";
        case "integer":
        case "number":
            return typeof schema["minimum"] === "number" ? schema["minimum"] : 1;
        case "boolean":
            return true;
        case "array":
            return [sample(doc, (schema["items"] ?? {}) as Schema, mode)];
        case "object": {
            const props = (schema["properties"] ?? {}) as Record<string, Schema>;
            const required = new Set((schema["required"] ?? []) as string[]);
            return Object.fromEntries(
                Object.entries(props)
                    .filter(([k]) => mode === "full" || required.has(k))
                    .map(([k, v]) => [k, sample(doc, v, mode)]),
            );
        }
        default:
            return {};
    }
}

/**
 * Values the spec refuses for one property, each with why. Formats are probed
 * only when `formats` is set (zod's `z.string()` does not check them).
 */
export function invalidValues(doc: OpenApiDocument, raw: Schema, formats: boolean): { value: unknown; why: string }[] {
    const schema = deref(doc, raw);
    const out: { value: unknown; why: string }[] = [];
    const type = schema["type"];
    if (type === "string") {
        out.push({ value: 7, why: "not a string" });
        if (Array.isArray(schema["enum"])) out.push({ value: "zz-not-in-enum", why: "not in the enum" });
        if (formats && typeof schema["format"] === "string")
            out.push({ value: "not-a-" + schema["format"], why: `not a ${schema["format"]}` });
    } else if (type === "integer" || type === "number") {
        out.push({ value: "1", why: "a string" });
        if (type === "integer") out.push({ value: 1.5, why: "not an integer" });
        if (typeof schema["minimum"] === "number") out.push({ value: schema["minimum"] - 1, why: `below minimum ${schema["minimum"]}` });
        if (typeof schema["maximum"] === "number") out.push({ value: schema["maximum"] + 1, why: `above maximum ${schema["maximum"]}` });
    } else if (type === "array") {
        out.push({ value: "x", why: "not an array" });
    } else if (type === "boolean") {
        out.push({ value: "true", why: "a string" });
    }
    return out;
}
