import { z } from "zod";

/**
 * The zod pieces every cloud's schemas share: strict ones for what we send and check, a lenient one
 * for what we read.
 */

/** A non-empty string we send (an input, a request field); `what` names it in the message: "must be a Fly region code". */
export function nonEmptyText(what: string) {
    return z.string({ error: `must be ${what}` }).min(1, { error: `must be ${what}` });
}

/**
 * A response field read leniently: absent or `null` is undefined, so a cloud that nulls a field
 * never makes a volume unreadable.
 */
export function lenient<T extends z.ZodType>(t: T) {
    return t.nullish().transform((v): z.output<T> | undefined => v ?? undefined);
}

/**
 * {@link lenient}, and a value of another type is undefined too: for an API whose types are not
 * confirmed (AgentBay's beta, VM0's young API), where a mistyped field must not hide the volume.
 */
export function forgiving<T extends z.ZodType>(t: T) {
    return t
        .nullish()
        .catch(undefined)
        .transform((v): z.output<T> | undefined => v ?? undefined);
}

/** A record type spelled out flat (an intersection of picks and omits reads as one object in editors and errors). */
export type Flat<T> = { [K in keyof T]: T[K] } & {};

/**
 * `T` with every field that may be undefined made optional: the record type of a mapping function
 * (`ReturnType<typeof toFlyVolume>`), where an absent field reads `x: T | undefined`.
 */
export type OptionalUndefined<T> = Flat<
    { [K in keyof T as undefined extends T[K] ? never : K]: T[K] } & { [K in keyof T as undefined extends T[K] ? K : never]?: T[K] }
>;

/**
 * Compiles only when `unmapped` has no fields left: a mapping from one record to another (camelCase
 * inputs to a wire body) destructures every field it maps and hands the rest here, so a field added
 * to the source type and not mapped is a compile error, never a value silently not sent.
 */
export function allMapped(unmapped: Record<string, never>): void {
    void unmapped;
}
