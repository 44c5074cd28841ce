import { Endpoint, sessionFor } from "../core/config";
import type { Deadline } from "../core/deadline";
import { compact } from "../core/objects";
import type { Flat } from "../core/schemas";
import { withDefaultScheme } from "../core/transport";
import { Vm0Client } from "./client";
import { requireVm0Id } from "./ids";
import type { Vm0Volume } from "./wire";

/** What Pulumi stores and an adopted `vm0.Volume` exposes: the volume as VM0 reports it, its id as `volumeId`. */
export type Vm0VolumeOutputs = Flat<Omit<Vm0Volume, "id"> & { /** VM0's volume id (a UUID in production; opaque). */ volumeId: string }>;

/** Where VM0's credential and public API URL come from (interface.md, "Credentials and endpoints"). */
export const vm0Endpoint: Endpoint = {
    cloud: "vm0",
    token: { configKey: "vm0:token", envVars: ["VM0_TOKEN", "VM0_API_KEY"] },
    apiUrl: { configKey: "vm0:apiUrl", envVars: ["VM0_API_URL"] },
    defaultApiUrl: "https://api.vm0.ai",
};

interface Vm0Session {
    client: Vm0Client;
}

/** The VM0 session of the current credentials (one client per token and URL, shared in the process). */
export function vm0Session(): Vm0Session {
    // The vm0 CLI accepts a host without a scheme and adds https://; so do we.
    return sessionFor(vm0Endpoint, (baseUrl, token) => ({ client: new Vm0Client(withDefaultScheme(baseUrl), token) }));
}

/**
 * The read of the read-only `vm0.Volume` (adopted with `vm0.Volume.get(name, id)`): fresh outputs,
 * or undefined when VM0 no longer has the volume, so `pulumi refresh` drops it.
 */
export async function readVm0Volume(id: string, deadline: Deadline): Promise<Vm0VolumeOutputs | undefined> {
    requireVm0Id(id, "volume id");
    const v = await vm0Session().client.getVolume(id, deadline);
    if (!v) return undefined;
    return compact({
        volumeId: v.id,
        name: v.name,
        currentVersionId: v.currentVersionId ?? v.currentVersion?.id,
        size: v.size,
        fileCount: v.fileCount,
        createdAt: v.createdAt,
        updatedAt: v.updatedAt,
    });
}
