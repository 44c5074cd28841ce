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
}

export function resolveSetting(source: SettingSource): string | undefined {
    const fromConfig = stackConfig?.get(source.configKey);
    if (typeof fromConfig === "string" && fromConfig !== "") return fromConfig;
    if (typeof fromConfig === "number" || typeof fromConfig === "boolean") return String(fromConfig);
    for (const name of source.envVars) {
        const v = process.env[name];
        if (v) return v;
    }
    return undefined;
}

/** The credential, or a MissingCredentialError naming the config key and the env vars. */
export function requireCredential(cloud: CloudName, source: SettingSource): string {
    const value = resolveSetting(source)?.trim();
    if (!value) throw new MissingCredentialError(cloud, source.configKey, source.envVars);
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

const sessions = new Map<string, unknown>();

/**
 * The per-credentials state of a cloud (its client, its pollers), made on first use and shared by
 * every resource in the process. Credentials are read here, when an operation needs them.
 */
export function sessionFor<T>(endpoint: Endpoint, make: (baseUrl: string, token: string) => T): T {
    const token = requireCredential(endpoint.cloud, endpoint.token);
    const baseUrl = resolveSetting(endpoint.apiUrl) ?? endpoint.defaultApiUrl;
    const key = `${endpoint.cloud}\n${baseUrl}\n${token}`;
    if (!sessions.has(key)) sessions.set(key, make(baseUrl, token));
    return sessions.get(key) as T;
}
