import { VolumeError } from "../core/errors";
import type { Vm0Version } from "./wire";

/** VM0's `MIN_VERSION_PREFIX_LENGTH`: a version may be named by a unique prefix this long. */
export const MIN_VERSION_PREFIX = 8;

/**
 * Why `id` cannot be a VM0 id, or undefined when it can. Ids are opaque (UUIDs in production, `vol_…`
 * in the docs, 64-hex for versions): only what would break the URL path is refused.
 */
export function idProblem(id: unknown): string | undefined {
    if (typeof id !== "string" || id === "") return "must be a non-empty string";
    if (id === "." || id === "..") return `'${id}' is not an id`;
    if (/[/\\]/.test(id)) return "must not contain '/' or '\\'";
    // eslint-disable-next-line no-control-regex
    if (/[\s\u0000-\u001f\u007f]/.test(id)) return "must not contain whitespace or control characters";
    if (id.length > 256) return "must be at most 256 characters";
    return undefined;
}

/** Throws a one-line error naming `what` when `id` is not usable in a path. */
export function requireVm0Id(id: unknown, what: string): string {
    const problem = idProblem(id);
    if (problem) throw new VolumeError(`vm0: ${what} ${JSON.stringify(id)} ${problem}`);
    return id as string;
}

/** What a version id or prefix names among the versions known: one, several, or none. */
export type VersionMatch = { kind: "one"; version: Vm0Version } | { kind: "several"; matches: Vm0Version[] } | { kind: "none" };

/** Resolves a whole id or a prefix of ≥ 8 characters (case-insensitive, as version ids are lowercase hex). */
export function matchVersion(versions: readonly Vm0Version[], wanted: string): VersionMatch {
    const w = wanted.toLowerCase();
    const exact = versions.find((v) => v.id.toLowerCase() === w);
    if (exact) return { kind: "one", version: exact };
    const matches = versions.filter((v) => v.id.toLowerCase().startsWith(w));
    if (matches.length === 1) return { kind: "one", version: matches[0] as Vm0Version };
    return matches.length > 1 ? { kind: "several", matches } : { kind: "none" };
}
