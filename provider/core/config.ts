import { accountConfigPath, accountEnvVar, currentAccount, noteAccountOnlySetting } from "./account";
import { type CloudName, MissingCredentialError } from "./errors";
import { registerSecret } from "./secrets";

/** What `configure` receives: the stack's config, namespaced keys (`fly:token`). */
export interface StackConfig {
    get(key: string): unknown;
}

let stackConfig: StackConfig | undefined;

/**
 * Saved by the provider's `configure`, which the host calls once per serialized provider before
 * its first operation, and by the SDK's lookups, which run in the program. Credentials are read
 * from it (or the environment) when an operation needs them: never at import time, never captured.
 */
export function setStackConfig(config: StackConfig | undefined): void {
    stackConfig = config;
}

/** Where a setting comes from: a config key, then environment variables in order. */
export interface SettingSource {
    configKey: string;
    envVars: readonly string[];
    /**
     * Under a named account (`account: "staging"`): `only` (credentials and endpoints) reads just
     * that account's settings, never another account's; `first` (NeevCloud's org and project)
     * falls back to the default ones. Default `only`.
     */
    perAccount?: "only" | "first";
}

/**
 * Where `source` is read under `account`: `fly:token` → the config path `fly:accounts.<account>.token`
 * (written with `pulumi config set --secret --path 'fly:accounts.<account>.token' …`) and the env
 * var `FLY_API_TOKEN_<ACCOUNT>`.
 */
export function accountSource(source: SettingSource, account: string): { configPath: string; envVars: string[] } {
    return {
        configPath: accountConfigPath(source.configKey, account),
        envVars: source.envVars.map((v) => accountEnvVar(v, account)),
    };
}

/** The setting for the current account (see `withAccount`): its own keys, then (`first` only) the default ones. */
export function resolveSetting(source: SettingSource): string | undefined {
    if ((source.perAccount ?? "only") === "only") noteAccountOnlySetting(source.configKey, source.envVars);
    const account = currentAccount();
    if (account === undefined) return fromConfig(stackConfig?.get(source.configKey)) ?? fromEnv(source.envVars);
    const named = accountSource(source, account);
    const i = source.configKey.indexOf(":");
    const accounts = structured(stackConfig?.get(`${source.configKey.slice(0, i)}:accounts`));
    const own =
        fromConfig(unwrapSecret(member(unwrapSecret(member(accounts, account)), source.configKey.slice(i + 1)))) ?? fromEnv(named.envVars);
    if (own !== undefined || (source.perAccount ?? "only") === "only") return own;
    return fromConfig(stackConfig?.get(source.configKey)) ?? fromEnv(source.envVars);
}

function fromConfig(value: unknown): string | undefined {
    value = unwrapSecret(value);
    if (typeof value === "string" && value !== "") return value;
    if (typeof value === "number" || typeof value === "boolean") return String(value);
    return undefined;
}

function fromEnv(names: readonly string[]): string | undefined {
    for (const name of names) {
        const v = process.env[name];
        if (v) return v;
    }
    return undefined;
}

/**
 * A structured config value (`fly:accounts`): the program's `pulumi.Config` gives it as JSON text,
 * the provider host as an object.
 */
function structured(value: unknown): unknown {
    value = unwrapSecret(value);
    if (typeof value !== "string") return value;
    try {
        return JSON.parse(value) as unknown;
    } catch {
        return undefined;
    }
}

function member(value: unknown, key: string): unknown {
    return value !== null && typeof value === "object" && Object.prototype.hasOwnProperty.call(value, key)
        ? (value as Record<string, unknown>)[key]
        : undefined;
}

/** Pulumi's wire form of a secret inside a structured value: `{ <signature>: <secret sig>, value }`. */
const secretSignature = "4dabf18193072939515e22adb298388d";

function unwrapSecret(value: unknown): unknown {
    return member(value, secretSignature) !== undefined ? member(value, "value") : value;
}

/** The credential, or a MissingCredentialError naming the config key and the env vars (the account's, under one). */
export function requireCredential(cloud: CloudName, source: SettingSource): string {
    const value = resolveSetting(source)?.trim();
    if (!value) {
        const account = currentAccount();
        if (account === undefined) throw new MissingCredentialError(cloud, source.configKey, source.envVars);
        const named = accountSource(source, account);
        throw new MissingCredentialError(cloud, named.configPath, named.envVars, account);
    }
    registerSecret(value);
    return value;
}

/** Where a cloud's credential and API URL come from (the README's credentials table, "Use it in a program"). */
export interface Endpoint {
    cloud: CloudName;
    token: SettingSource;
    apiUrl: SettingSource;
    defaultApiUrl: string;
}

/**
 * The current account's credential and base URL (a named account's own URL, else the cloud's
 * default: never the default account's). Throws MissingCredentialError naming where to set it.
 */
export function credentialsOf(endpoint: Endpoint): { token: string; baseUrl: string } {
    const token = requireCredential(endpoint.cloud, endpoint.token);
    return { token, baseUrl: resolveSetting(endpoint.apiUrl) ?? endpoint.defaultApiUrl };
}

const sessions = new Map<string, unknown>();

/**
 * The per-credentials state of a cloud (its client, its pollers), made on first use and shared by
 * every resource in the process. Credentials are read here, when an operation needs them.
 */
export function sessionFor<T>(endpoint: Endpoint, make: (baseUrl: string, token: string) => T): T {
    const { token, baseUrl } = credentialsOf(endpoint);
    const key = `${endpoint.cloud}\n${baseUrl}\n${token}`;
    if (!sessions.has(key)) sessions.set(key, make(baseUrl, token));
    return sessions.get(key) as T;
}
