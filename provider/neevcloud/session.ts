import type { Endpoint } from "../core/config";
import { parseCompositeId, uuidPattern } from "../core/ids";
import { type ListedSession, listedSession } from "../core/session";
import { NeevcloudClient, type NeevcloudScope } from "./client";
import type { NetworkVolume } from "./wire";

/** Where NeevCloud's token and API URL come from. */
export const neevcloudEndpoint: Endpoint = {
    cloud: "neevcloud",
    token: { configKey: "neevcloud:token", envVars: ["NEEVCLOUD_API_TOKEN"] },
    apiUrl: { configKey: "neevcloud:apiUrl", envVars: ["NEEVCLOUD_API_URL"] },
    defaultApiUrl: "https://api.ai.neevcloud.com/storage",
};

/** NeevCloud's session: the client, one shared list per project (`<orgId>/<projectId>`), and its poller. */
export type NeevcloudSession = ListedSession<NeevcloudClient, NetworkVolume>;

/** Lists and polls are shared per project: the key is `<orgId>/<projectId>`. */
export function scopeKey(scope: NeevcloudScope): string {
    return `${scope.orgId}/${scope.projectId}`;
}

/** The project a {@link scopeKey} names (keys are only ever made by it, so both parts are there). */
function scopeOf(key: string): NeevcloudScope {
    const [orgId = "", projectId = ""] = key.split("/");
    return { orgId, projectId };
}

export function neevcloudSession(): NeevcloudSession {
    return listedSession(neevcloudEndpoint, {
        client: (baseUrl, token) => new NeevcloudClient(baseUrl, token),
        list: (client, key, deadline) => client.listVolumes(scopeOf(key), deadline),
        idOf: (v) => v.id,
        // A list walks pages of 100: for a lone read in a big project, its own GET is cheaper.
        costOf: (items) => Math.max(1, Math.ceil(items / 100)),
    });
}

/** `<orgId>/<projectId>/<volumeId>`, the Pulumi id; the volume id is a UUID (the spec's `format: uuid`). */
export function parseNetworkVolumeId(id: string): NeevcloudScope & { volumeId: string } {
    return parseCompositeId("neevcloud", id, {
        what: "network volume id",
        parts: [{ name: "orgId" }, { name: "projectId" }, { name: "volumeId", pattern: uuidPattern, describe: "a UUID" }],
        example: "my-org/my-project/0b8f7c3e-2a51-4c8e-9d0a-5f3e1b2c4d6e",
    });
}
