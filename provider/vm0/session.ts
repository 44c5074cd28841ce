import { type Endpoint, sessionFor } from "../core/config";
import { withDefaultScheme } from "../core/transport";
import { Vm0Client } from "./client";
import { requireVm0Id } from "./wire";

/** Where VM0's credential and public API URL come from (the README's credentials table, "Use it in a program"). */
export const vm0Endpoint: Endpoint = {
    cloud: "vm0",
    token: { configKey: "vm0:token", envVars: ["VM0_TOKEN", "VM0_API_KEY"] },
    apiUrl: { configKey: "vm0:apiUrl", envVars: ["VM0_API_URL"] },
    defaultApiUrl: "https://api.vm0.ai",
};

/** VM0's session: the client (volumes are read one by one; no shared list). */
export interface Vm0Session {
    client: Vm0Client;
}

/** The VM0 session of the current credentials (one client per token and URL, shared in the process). */
export function vm0Session(): Vm0Session {
    // The vm0 CLI accepts a host without a scheme and adds https://; so do we.
    return sessionFor(vm0Endpoint, (baseUrl, token) => ({ client: new Vm0Client(withDefaultScheme(baseUrl), token) }));
}

/** The Pulumi id is VM0's volume id, opaque: refused only when it would break a URL path. */
export function parseVm0VolumeId(id: string): string {
    return requireVm0Id(id, "volume id");
}
