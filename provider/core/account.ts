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

/** `fly:token` under account `staging` → `fly:accounts.staging.token`: a config path (`--path`). */
export function accountConfigPath(configKey: string, account: string): string {
    const i = configKey.indexOf(":");
    return `${configKey.slice(0, i)}:accounts.${account}.${configKey.slice(i + 1)}`;
}

/** The settings read from a named account alone (credentials, endpoints): the ones a remedy must name as that account's. */
const accountOnlySettings = new Map<string, readonly string[]>();

/** Records a setting that a named account reads only from its own keys (config.ts, on every read). */
export function noteAccountOnlySetting(configKey: string, envVars: readonly string[]): void {
    if (!accountOnlySettings.has(configKey)) accountOnlySettings.set(configKey, envVars);
}

const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/**
 * A remedy written for the default account (`check the token in \`fly:token\` or FLY_API_TOKEN`), in
 * the terms of the account of the operation in progress: `fly:accounts.staging.token` (set with
 * `--path`) and `FLY_API_TOKEN_STAGING`. The clients know nothing of accounts; this is where their
 * advice is made true for a named one. Unchanged for the default account.
 */
export function inAccountTerms(text: string): string {
    const account = currentAccount();
    if (account === undefined) return text;
    let out = text;
    for (const [configKey, envVars] of accountOnlySettings) {
        const path = accountConfigPath(configKey, account);
        const key = escape(configKey);
        out = out
            .replace(new RegExp(`--secret ${key}(?![\\w.])`, "g"), `--secret --path '${path}'`)
            .replace(new RegExp(`(?<![\\w.'])${key}(?![\\w.])`, "g"), path);
        for (const v of envVars) out = out.replace(new RegExp(`\\b${escape(v)}\\b`, "g"), accountEnvVar(v, account));
    }
    return out;
}
