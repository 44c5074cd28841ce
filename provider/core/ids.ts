import { z } from "zod";
import { type CloudName, VolumeError } from "./errors";

/**
 * Composite Pulumi ids (`<a>/<b>[/<c>]`) and the URL path segments they and some inputs become.
 * `encodeURIComponent` leaves `.` alone, so `..` would walk up the API's path: every segment goes
 * through `encodeSegment`, which refuses it, and every id and input that becomes one refuses it
 * earlier, where the message can name the id or the property.
 */

/** Why a string cannot be one URL path segment, or undefined when it can. */
export function segmentProblem(value: string): string | undefined {
    if (value === "") return "is empty";
    if (value === "." || value === "..") return `is '${value}', which a URL path reads as a directory step`;
    if (value.includes("/")) return "contains '/'";
    if (/\s/.test(value)) return "contains whitespace";
    return undefined;
}

/**
 * One URL path segment, percent-encoded. Refuses an empty segment and `.`/`..` (which
 * `encodeURIComponent` does not escape): a bug upstream, never a request to the wrong path.
 */
export function encodeSegment(cloud: CloudName, segment: string): string {
    if (segment === "" || segment === "." || segment === "..") {
        throw new VolumeError(`${cloud}: refusing to send '${segment}' as a URL path segment; this is a bug, please report it`);
    }
    return encodeURIComponent(segment);
}

/**
 * A zod string for an input that becomes a URL path segment (an app, an org, a project): non-empty,
 * and no `/`, whitespace, `.` or `..`. `what` names the value in the message ("the Fly app name").
 */
export function pathSegment(what: string) {
    return z
        .string({ error: `must be ${what}` })
        .min(1, { error: `must be ${what}`, abort: true })
        .superRefine((v, ctx) => {
            const problem = segmentProblem(v);
            // `continue: false`: one message per value, not this one and a pattern's after it.
            if (problem) ctx.addIssue({ code: "custom", message: `must be ${what}, usable in a URL path: it ${problem}`, continue: false });
        });
}

/** One part of a composite id: a name and, optionally, the rule it must meet. */
export interface IdPart<N extends string = string> {
    name: N;
    /** e.g. `/^vol_[A-Za-z0-9]+$/`; every part also refuses `.`, `..`, whitespace and empty. */
    pattern?: RegExp;
    /** What the pattern means, for the message: "a Fly volume id (vol_…)". */
    describe?: string;
}

export interface IdShape<R extends string, O extends string = never> {
    /** What the id names, for the message: "fly volume id". */
    what: string;
    parts: ReadonlyArray<IdPart<R>>;
    /** Trailing parts that may be left off (`<a>/<b>[/<c>]`). */
    optional?: ReadonlyArray<IdPart<O>>;
    /** A valid id, shown in the message. */
    example: string;
}

/**
 * Splits `<a>/<b>[/<c>]` into named parts. A wrong shape is one line that names the expected
 * shape and an example: `fly: 'x' is not a fly volume id; expected '<app>/<volumeId>', e.g. '…'`.
 */
export function parseCompositeId<R extends string, O extends string = never>(
    cloud: CloudName,
    id: string,
    shape: IdShape<R, O>,
): Record<R, string> & Partial<Record<O, string>> {
    const all: IdPart[] = [...shape.parts, ...(shape.optional ?? [])];
    const expected = shape.parts.map((p) => `<${p.name}>`).join("/") + (shape.optional ?? []).map((p) => `[/<${p.name}>]`).join("");
    const fail = (why?: string): never => {
        const shown = typeof id === "string" ? id : String(id);
        throw new VolumeError(
            `${cloud}: '${shown}' is not ${/^[aeiou]/i.test(shape.what) ? "an" : "a"} ${shape.what}${why ? ` (${why})` : ""}; expected '${expected}', e.g. '${shape.example}'`,
        );
    };
    if (typeof id !== "string") return fail();
    const segments = id.split("/");
    if (segments.length < shape.parts.length || segments.length > all.length) {
        return fail(`${segments.length} part${segments.length === 1 ? "" : "s"}`);
    }
    const out: Record<string, string> = {};
    segments.forEach((value, i) => {
        const part = all[i] as IdPart;
        const problem = segmentProblem(value);
        if (problem) fail(`its ${part.name} ${problem}`);
        if (part.pattern && !part.pattern.test(value)) fail(`its ${part.name} is not ${part.describe ?? `like ${part.pattern}`}`);
        out[part.name] = value;
    });
    return out as Record<R, string> & Partial<Record<O, string>>;
}

/** Loose 8-4-4-4-12 hex, as OpenAPI's `format: uuid` checks it (no version or variant rule). */
export const uuidPattern = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
