import { isDeepStrictEqual } from "node:util";
import type { CheckFailure } from "./check";
import { errorMessage, VolumeError } from "./errors";
import { warn } from "./log";
import { definedOnly } from "./objects";
import { claimVolume } from "./ownership";
import { type FieldRule, type FieldRules, ruleKind } from "./rules";
import { containsUnknown } from "./unknown";

/**
 * Adoption by id: Pulumi's `import: "<id>"` resource option, made to work for dynamic resources.
 *
 * The engine's own import cannot: it calls read without `__provider`, so the dynamic-provider host
 * fails. The SDK classes therefore take `opts.import` out of the options and send it as this input;
 * the create then adopts exactly that volume instead of making one (see `adoptVolume`).
 */
export const importIdField = "importId";

/**
 * Its rule (`adopt`, rules.ts): read only by a create; never a change or a replacement by itself,
 * so removing the `import` option once the volume is adopted is no change.
 */
export const adoptionRules: FieldRules = { [importIdField]: "adopt" satisfies FieldRule };

/** What a cloud states about adopting one of its volumes; everything else is the core's. */
export interface AdoptionSpec<O> {
    /** For messages: `agentbay volume`. */
    subject: string;
    /** Parses a Pulumi id, throwing an error that says what one looks like: the `import` option's check. */
    parseId(id: string): unknown;
    /** Where the volume is claimed in this process: the same key and id the cloud's creates claim. */
    claimOf(id: string, live: O): { key: string; id: string };
    /** How to find the id, for the message of a volume that does not exist: `agentbay.getVolumes({ imageId })`. */
    lookupHint: string;
    /** Output fields an adopted volume carries (AgentBay's `adopted: true`). */
    marks?: Partial<O>;
}

/** The declared `importId`, when one is (a string, known). */
export function importIdOf(inputs: object): string | undefined {
    const value = (inputs as Record<string, unknown>)[importIdField];
    return typeof value === "string" ? value : undefined;
}

/** The inputs without `importId`, which no cloud's own code sees. */
export function withoutImportId<T extends object>(inputs: T): T {
    if (!(importIdField in inputs)) return inputs;
    const { [importIdField]: _dropped, ...rest } = inputs as Record<string, unknown>;
    void _dropped;
    return rest as T;
}

/** The `import` option's check: a known value must be one of this resource's Pulumi ids. */
export function importIdFailures(value: unknown, spec: AdoptionSpec<unknown> | undefined): CheckFailure[] {
    if (value === undefined || value === null || containsUnknown(value)) return [];
    const property = importIdField;
    if (typeof value !== "string" || value === "") {
        return [{ property, reason: "the `import` resource option must be the volume's Pulumi id, a non-empty string" }];
    }
    if (!spec) return [{ property, reason: "this resource cannot adopt an existing volume" }];
    try {
        spec.parseId(value);
        return [];
    } catch (error) {
        return [{ property, reason: `the \`import\` resource option is not a Pulumi id of this resource: ${errorMessage(error)}` }];
    }
}

/**
 * Pulumi ids adopted by a create of this process. The engine creates before it deletes, so a
 * resource renamed without an alias, whose new name imports the old one's volume, is a create that
 * adopts it and then a delete of the old resource, which must not delete the volume the new one holds.
 */
const adoptedHere = new Set<string>();

/** Whether `id` was adopted a moment ago by another resource of this process; forgets it (one delete is spared). */
export function spareAdopted(id: string, what: string): boolean {
    if (!adoptedHere.delete(id)) return false;
    warn(
        `${what}: not deleted, because another resource of this deployment ` +
            `imported it a moment ago (\`import: "${id}"\`); it now holds the volume`,
    );
    return true;
}

/** One declared input that the volume does not match. */
export interface Mismatch {
    field: string;
    declared: unknown;
    live: unknown;
}

/**
 * Declared inputs against what the volume is (outputs read with nothing declared), by rule:
 * a create-only or in-place field must equal the volume's value; a size may be at most the
 * volume's (a larger one would grow it: a change, not an adoption). A field the cloud does not
 * report (a placement hint, a fork's source) cannot be compared and is taken as declared.
 */
export function mismatches(rules: FieldRules, declared: object, live: object): Mismatch[] {
    const out: Mismatch[] = [];
    for (const [field, rule] of Object.entries(rules)) {
        const kind = ruleKind(rule);
        if (kind !== "replace" && kind !== "replaceWhenSet" && kind !== "inPlace" && kind !== "grow") continue;
        const want = (declared as Record<string, unknown>)[field];
        const have = (live as Record<string, unknown>)[field];
        if (want === undefined || want === null || have === undefined || have === null) continue;
        const same = kind === "grow" ? typeof want === "number" && typeof have === "number" && want <= have : isDeepStrictEqual(want, have);
        if (!same) out.push({ field, declared: want, live: have });
    }
    return out;
}

/**
 * The outputs of an adopted volume: each create-only, stored or ignored field as declared (else as
 * the volume has it), every in-place field, size and output as the volume has it.
 */
export function adoptedOutputs<O extends object>(rules: FieldRules, declared: object, live: O): O {
    const outs: Record<string, unknown> = { ...(live as Record<string, unknown>) };
    for (const [field, rule] of Object.entries(rules)) {
        const kind = ruleKind(rule);
        const want = (declared as Record<string, unknown>)[field];
        if ((kind === "replace" || kind === "replaceWhenSet" || kind === "stored" || kind === "ignore") && want !== undefined) {
            outs[field] = want;
        }
    }
    return definedOnly(outs) as O;
}

/** The mismatch error: each differing field with both values, and what to do. */
export function mismatchError(what: string, found: readonly Mismatch[]): VolumeError {
    const each = found.map((m) => `${m.field}: declared ${show(m.declared)}, the volume has ${show(m.live)}`).join("; ");
    return new VolumeError(
        `${what}: the volume does not match the declared inputs, so it was not imported and nothing was changed (${each}). ` +
            `Declare what the volume has to adopt it as it is (a change can follow in a later \`pulumi up\`), or import another volume.`,
    );
}

/** Claims the adopted volume for this resource and notes the adoption (see {@link spareAdopted}). */
export function claimAdopted(id: string, claim: { key: string; id: string }, what: string): void {
    if (!claimVolume(claim.key, claim.id)) {
        throw new VolumeError(
            `${what}: another resource of this deployment holds that volume; two resources never hold one volume, so it was not imported`,
        );
    }
    adoptedHere.add(id);
}

/** A value in a message: strings quoted, cut short. */
function show(value: unknown): string {
    const text = typeof value === "string" ? `'${value}'` : JSON.stringify(value);
    return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}
