import { AsyncLocalStorage } from "node:async_hooks";
import { z } from "zod";

/**
 * Named accounts: a resource or lookup with `account: "staging"` uses that account's credential and
 * endpoint, read at run time from `<cloud>:accounts.staging.*` in the stack config or from
 * `<ENV_VAR>_STAGING`; without one, today's keys. State holds only the name.
 *
 * The account of the operation in progress travels in async context, so every session lookup the
 * operation makes (its polls, its shared lists) resolves the same credentials without each cloud
 * threading a parameter through: `withAccount` is entered once per operation, by the core.
 */
const scope = new AsyncLocalStorage<string | undefined>();

/** Runs `fn` (and everything it starts) with `account`'s credentials; undefined is the default account. */
export function withAccount<T>(account: string | undefined, fn: () => T): T {
    return scope.run(account, fn);
}

/** The named account of the operation in progress, or undefined for the default one. */
export function currentAccount(): string | undefined {
    return scope.getStore();
}

/** An account name: it becomes a config path segment and an environment variable suffix. */
export const accountNamePattern = /^[A-Za-z][A-Za-z0-9_-]{0,62}$/;

export const accountSchema = z
    .string({ error: "must be a string: the name of an account in the stack config" })
    .regex(accountNamePattern, {
        error: "must be an account name: a letter, then up to 62 letters, digits, '_' or '-'",
    })
    .optional();

/** `FLY_API_TOKEN` for account `staging-eu` → `FLY_API_TOKEN_STAGING_EU`. */
export function accountEnvVar(base: string, account: string): string {
    return `${base}_${account.toUpperCase().replace(/-/g, "_")}`;
}
