import type { Endpoint } from "../core/config";
import { parseCompositeId } from "../core/ids";
import { type ListedSession, listedSession } from "../core/session";
import { FlyClient } from "./client";
import type { FlyVolume } from "./wire";

/** Where Fly's token and API URL come from. */
export const flyEndpoint: Endpoint = {
    cloud: "fly",
    token: { configKey: "fly:token", envVars: ["FLY_API_TOKEN"] },
    apiUrl: { configKey: "fly:apiUrl", envVars: ["FLY_API_URL"] },
    defaultApiUrl: "https://api.machines.dev",
};

/** Fly's session: the client, one shared list per app, and the poller whose waiters in one app share a list. */
export type FlySession = ListedSession<FlyClient, FlyVolume>;

export function flySession(): FlySession {
    return listedSession(flyEndpoint, {
        client: (baseUrl, token) => new FlyClient(baseUrl, token),
        list: (client, app, deadline) => client.listVolumes(app, deadline),
        idOf: (v) => v.id,
    });
}

/** `<app>/<vol_id>`, the Pulumi id: every Fly call needs the app. */
export function parseFlyVolumeId(id: string): { app: string; volumeId: string } {
    return parseCompositeId("fly", id, flyIdShape);
}

const flyIdShape = {
    what: "fly volume id",
    parts: [
        { name: "app", pattern: /^[a-z0-9][a-z0-9-]*$/, describe: "a Fly app name" },
        { name: "volumeId", pattern: /^vol_[A-Za-z0-9]+$/, describe: "a Fly volume id (vol_…)" },
    ],
    example: "my-app/vol_9vw681egy1jj5xm4",
} as const;
