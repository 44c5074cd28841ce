/** Drops `undefined` entries: absent is absent (Struct conversion and strict request schemas reject them). */
export function compact<T extends object>(o: T): T {
    return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}
