import * as pulumi from "@pulumi/pulumi";
import type { VolumeTimeouts } from "./types";

const unitMs: Readonly<Record<string, number>> = { ns: 1e-6, us: 1e-3, µs: 1e-3, ms: 1, s: 1_000, m: 60_000, h: 3_600_000 };

/** The longest operation `timeouts` allows (the provider's check says the same). */
const maxSeconds = 86_400;

/**
 * Seconds of a Pulumi duration string (Go's `time.ParseDuration`, which the engine uses for
 * `customTimeouts`): `"5m"`, `"1h30m"`, `"90s"`, `"1.5h"`, `"500ms"`. Undefined when it is not one.
 */
export function durationSeconds(text: string): number | undefined {
    const s = text.trim();
    if (!/^(\d+(\.\d*)?|\.\d+)(ns|us|µs|ms|s|m|h)((\d+(\.\d*)?|\.\d+)(ns|us|µs|ms|s|m|h))*$/.test(s)) return undefined;
    let ms = 0;
    for (const m of s.matchAll(/(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|ms|s|m|h)/g)) ms += Number(m[1]) * (unitMs[m[2] ?? ""] ?? 0);
    return ms / 1000;
}

/**
 * `timeouts` from Pulumi's `customTimeouts` (which never reach a dynamic provider) merged with the
 * declared `timeouts`: a field the user set in `timeouts` wins over the same field of
 * `customTimeouts`. A malformed or out-of-range duration throws, naming the option and its value.
 * @internal
 */
export function mergedTimeouts(
    declared: pulumi.Input<VolumeTimeouts> | undefined,
    custom: pulumi.CustomTimeouts | undefined,
    resource: string,
): pulumi.Input<VolumeTimeouts> | undefined {
    if (!custom) return declared;
    const fromCustom: VolumeTimeouts = {};
    for (const op of ["create", "update", "delete"] as const) {
        const text = custom[op];
        if (text === undefined || text === "") continue;
        const seconds = typeof text === "string" ? durationSeconds(text) : undefined;
        if (seconds === undefined || seconds <= 0 || seconds > maxSeconds) {
            const shown = JSON.stringify(String(text)).slice(0, 40);
            throw new Error(
                `${resource}: customTimeouts.${op} ${shown} ` +
                    (seconds === undefined
                        ? `is not a duration: write it as Pulumi does, e.g. "5m", "1h30m" or "90s"`
                        : `must be more than 0 and at most 24h`),
            );
        }
        fromCustom[op] = seconds;
    }
    if (Object.keys(fromCustom).length === 0) return declared;
    if (declared === undefined) return fromCustom;
    // `declared` may be an Output, or an object of Outputs: apply resolves both.
    return pulumi.output(declared).apply((t) => ({ ...fromCustom, ...definedFields(t ?? {}) }));
}

function definedFields(t: VolumeTimeouts): VolumeTimeouts {
    return Object.fromEntries(Object.entries(t).filter(([, v]) => v !== undefined)) as VolumeTimeouts;
}
