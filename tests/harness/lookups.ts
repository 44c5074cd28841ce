import type * as pulumiT from "@pulumi/pulumi";

/** Runs a lookup of the package by its invoke token, as `sdk/core/lookup.ts`'s `runLookupLocally` does. */
export type LocalLookup = (token: string, args: Record<string, unknown>) => Promise<unknown>;

/**
 * A mocks `call` for a harness standing in for the engine: under `pulumi up` the engine has no
 * provider for a lookup's token and the lookup runs in the program's process, so this runs it there.
 * Any other token answers `{}`. A lookup's error message is copied to `details`, the field Pulumi's
 * invoke reports (it would print `undefined` otherwise).
 */
export function callRunningLookups(run: () => LocalLookup): (args: pulumiT.runtime.MockCallArgs) => Promise<Record<string, unknown>> {
    return async (args) => {
        if (!args.token.startsWith("pulumi-volumes:")) return {};
        try {
            return (await run()(args.token, args.inputs as Record<string, unknown>)) as Record<string, unknown>;
        } catch (err) {
            const message = err instanceof Error ? err.message : String(err);
            throw Object.assign(err instanceof Error ? err : new Error(message), { details: message });
        }
    };
}
