/** The Fly Machines API volume routes. Each route names its rate-limit action. */
import { json, parseJsonObject } from "../core/http";
import { Router, type RouteParams } from "../core/router";
import type { EmuRequest, EmuResponse } from "../core/types";
import { FlyApiError, volumeNotFound } from "./errors";
import { flag, ORG_SLUG, orgVolumesPage } from "./orgList";
import { isGone, type FlyStore } from "./store";
import type { FlyKnobs } from "./types";
import { parseCreateVolume, parseExtendVolume, parseUpdateVolume } from "./validate";
import { toWireSnapshot, toWireVolume } from "./wire";

/** Rate-limit actions (the limiter keys on app + action). */
export type FlyAction = "list" | "create" | "get" | "update" | "extend" | "delete" | "snapshots";

/** What a route handler gets. */
export interface FlyRouteContext {
    readonly store: FlyStore;
    readonly knobs: FlyKnobs;
    readonly req: EmuRequest;
    readonly params: RouteParams;
}

/** A route: its action, whether `:app` or `:org` scopes it, and its handler. */
export interface FlyRoute {
    readonly action: FlyAction;
    readonly scope: "app" | "org";
    handle(ctx: FlyRouteContext): EmuResponse;
}

const APP_VOLUMES = "/v1/apps/:app/volumes";
const APP_VOLUME = `${APP_VOLUMES}/:id`;

/** The route table. */
export function flyRouter(): Router<FlyRoute> {
    return new Router<FlyRoute>()
        .add("GET", APP_VOLUMES, { action: "list", scope: "app", handle: listVolumes })
        .add("POST", APP_VOLUMES, { action: "create", scope: "app", handle: createVolume })
        .add("GET", APP_VOLUME, { action: "get", scope: "app", handle: getVolume })
        .add("PUT", APP_VOLUME, { action: "update", scope: "app", handle: updateVolume })
        .add("DELETE", APP_VOLUME, { action: "delete", scope: "app", handle: deleteVolume })
        .add("PUT", `${APP_VOLUME}/extend`, { action: "extend", scope: "app", handle: extendVolume })
        .add("GET", `${APP_VOLUME}/snapshots`, { action: "snapshots", scope: "app", handle: listSnapshots })
        .add("POST", `${APP_VOLUME}/snapshots`, { action: "snapshots", scope: "app", handle: createSnapshot })
        .add("GET", "/v1/orgs/:org/volumes", { action: "list", scope: "org", handle: listOrgVolumes });
}

function param(ctx: FlyRouteContext, name: string): string {
    return ctx.params[name] ?? "";
}

function body(req: EmuRequest, emptyIsObject: boolean): Record<string, unknown> {
    const parsed = parseJsonObject(req.body, emptyIsObject);
    if (!parsed.ok) throw new FlyApiError(400, parsed.reason);
    return parsed.value;
}

function listVolumes(ctx: FlyRouteContext): EmuResponse {
    const summary = flag(ctx.req.query, "summary");
    return json(
        200,
        ctx.store.list(param(ctx, "app")).map((v) => toWireVolume(v, summary)),
    );
}

function createVolume(ctx: FlyRouteContext): EmuResponse {
    const input = parseCreateVolume(body(ctx.req, false));
    return json(200, toWireVolume(ctx.store.create(param(ctx, "app"), input)));
}

function getVolume(ctx: FlyRouteContext): EmuResponse {
    const v = ctx.store.find(param(ctx, "app"), param(ctx, "id"));
    if (!v || (isGone(v) && ctx.knobs.softDeletedGet === "404")) throw volumeNotFound();
    return json(200, toWireVolume(v));
}

function updateVolume(ctx: FlyRouteContext): EmuResponse {
    const app = param(ctx, "app");
    const id = param(ctx, "id");
    ctx.store.live(app, id);
    const patch = parseUpdateVolume(body(ctx.req, true));
    return json(200, toWireVolume(ctx.store.update(app, id, patch)));
}

function extendVolume(ctx: FlyRouteContext): EmuResponse {
    const app = param(ctx, "app");
    const id = param(ctx, "id");
    ctx.store.live(app, id); // 404 before body errors, as for the other volume routes
    const sizeGb = parseExtendVolume(body(ctx.req, false));
    const { volume, needsRestart } = ctx.store.extend(app, id, sizeGb);
    return json(200, { volume: toWireVolume(volume), needs_restart: needsRestart });
}

function deleteVolume(ctx: FlyRouteContext): EmuResponse {
    return json(200, toWireVolume(ctx.store.destroy(param(ctx, "app"), param(ctx, "id"))));
}

function listSnapshots(ctx: FlyRouteContext): EmuResponse {
    return json(200, ctx.store.snapshotsOf(param(ctx, "app"), param(ctx, "id")).map(toWireSnapshot));
}

function createSnapshot(ctx: FlyRouteContext): EmuResponse {
    ctx.store.takeSnapshot(param(ctx, "app"), param(ctx, "id"));
    return json(200, {});
}

function listOrgVolumes(ctx: FlyRouteContext): EmuResponse {
    if (param(ctx, "org") !== ORG_SLUG) throw new FlyApiError(404, "organization not found");
    return json(200, orgVolumesPage(ctx.store.all(), ctx.req.query));
}
