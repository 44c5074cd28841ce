/** Merging partial knob updates into the live knobs. */
import type { DeepPartial } from "./types";

function isPlainObject(value: unknown): value is Record<string, unknown> {
    return value !== null && typeof value === "object" && !Array.isArray(value) && !(value instanceof RegExp);
}

/**
 * Merge `patch` into a copy of `current`:
 * - plain objects merge key by key (onto the default when the current value is
 *   not an object, e.g. `rateLimit: false` then `{ rateLimit: { burst: 5 } }`);
 * - arrays and scalars replace;
 * - a key present with the value `undefined` goes back to its default.
 */
export function mergeKnobs<T>(current: T, patch: DeepPartial<T> | undefined, defaults: T): T {
    // No patch (e.g. `startEmulator()` without `knobs`) changes nothing; it must not yield `undefined`.
    if (patch === undefined) return clone(current);
    return mergeValue(current, patch, defaults) as T;
}

function mergeValue(current: unknown, patch: unknown, defaults: unknown): unknown {
    if (!isPlainObject(patch)) return clone(patch);
    const base = isPlainObject(current) ? current : isPlainObject(defaults) ? defaults : {};
    const defs = isPlainObject(defaults) ? defaults : {};
    const out: Record<string, unknown> = clone(base) as Record<string, unknown>;
    for (const key of Object.keys(patch)) {
        const value = patch[key];
        if (value === undefined) {
            if (key in defs && defs[key] !== undefined) out[key] = clone(defs[key]);
            else delete out[key];
        } else {
            out[key] = mergeValue(base[key], value, defs[key]);
        }
    }
    return out;
}

/** Deep copy of plain data (objects, arrays, scalars). */
export function clone<T>(value: T): T {
    if (Array.isArray(value)) return value.map((v: unknown) => clone(v)) as T;
    if (isPlainObject(value)) {
        const out: Record<string, unknown> = {};
        for (const [k, v] of Object.entries(value)) out[k] = clone(v);
        return out as T;
    }
    return value;
}
