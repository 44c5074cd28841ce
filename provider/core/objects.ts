/** Drops `undefined` entries at the top level only: absent is absent (Struct conversion and strict request schemas reject them). */
export function compact<T extends object>(o: T): T {
    return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

/** Drops `undefined` at every depth (the host's Struct conversion fails on it); arrays keep nulls. */
export function definedOnly<T extends object>(value: T): T {
    return stripUndefined(value) as T;
}

function stripUndefined(value: unknown): unknown {
    if (Array.isArray(value)) return value.map((v) => (v === undefined ? null : stripUndefined(v)));
    if (value && typeof value === "object" && Object.getPrototypeOf(value) === Object.prototype) {
        return Object.fromEntries(
            Object.entries(value)
                .filter(([, v]) => v !== undefined)
                .map(([k, v]) => [k, stripUndefined(v)]),
        );
    }
    return value;
}
