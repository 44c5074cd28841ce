import * as pulumi from "@pulumi/pulumi";
import { accountNamePattern, withAccount } from "../../provider/core/account";
import { setStackConfig } from "../../provider/core/config";
import { VolumeError } from "../../provider/core/errors";
import { Deadline } from "../../provider/core/deadline";

/**
 * Lookups run in the program's own process, where the stack config is `pulumi.Config`: point the
 * credential resolver at it (then the environment), and bound the lookup.
 * @internal
 */
export function lookupDeadline(): Deadline {
    setStackConfig({
        get(key: string) {
            const i = key.indexOf(":");
            return new pulumi.Config(key.slice(0, i)).get(key.slice(i + 1));
        },
    });
    return Deadline.in(120, "lookup");
}

/**
 * Runs a lookup with `account`'s credentials and endpoint (undefined: the default keys), as a
 * resource with that `account` would. A malformed name fails before anything is read.
 * @internal
 */
export function inAccount<T>(lookup: string, account: string | undefined, run: () => Promise<T>): Promise<T> {
    if (account !== undefined && (typeof account !== "string" || !accountNamePattern.test(account))) {
        return Promise.reject(
            new VolumeError(
                `${lookup}: account ${JSON.stringify(String(account)).slice(0, 40)} ` +
                    `is not an account name (a letter, then letters, digits, '_' or '-')`,
            ),
        );
    }
    return withAccount(account, run);
}

/** Each lookup's own implementation, by its invoke token. */
const implementations = new Map<string, (args: never) => Promise<unknown>>();

/**
 * True under `pulumi.runtime.setMocks`: the runtime's monitor is then Pulumi's `MockMonitor`, the
 * only monitor holding `mocks` (the engine's is a gRPC client). `@pulumi/pulumi` has no public flag.
 */
function mocked(): boolean {
    const monitor: unknown = pulumi.runtime.getMonitor();
    return typeof monitor === "object" && monitor !== null && "mocks" in monitor;
}

/**
 * A lookup under its invoke token: it runs in the program's process (the engine has no provider
 * plugin to invoke), or, under `pulumi.runtime.setMocks`, is the invoke `token` that the mocks'
 * `call` answers, so a unit test of a program sends no request and needs no credential.
 * @internal
 */
export function defineLookup<A extends object, R>(token: string, implementation: (args: A) => Promise<R>): (args: A) => Promise<R> {
    implementations.set(token, implementation as (args: never) => Promise<unknown>);
    return async (args) => (mocked() ? ((await pulumi.runtime.invoke(token, args as pulumi.Inputs)) as R) : implementation(args));
}

/**
 * Runs the lookup `token` as if no mocks were set: what a test harness standing in for the engine
 * answers a mocked invoke with.
 * @internal
 */
export function runLookupLocally(token: string, args: Record<string, unknown>): Promise<unknown> {
    const implementation = implementations.get(token);
    if (!implementation) return Promise.reject(new Error(`pulumi-volumes: no lookup has the token '${token}'`));
    return implementation(args as never);
}
