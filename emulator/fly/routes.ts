/** The Fly Machines API volume routes. Each route names its rate-limit action. */
import { json, parseJsonObject } from "../core/http";
import { Router, type RouteParams } from "../core/router";
import type { EmuRequest, EmuResponse } from "../core/types";
import { FlyApiError, volumeNotFound } from "./errors";
import { isGone, type FlyStore } from "./store";
import type { FlyKnobs } from "./types";
import { parseCreateVolume, parseExtendVolume, parseUpdateVolume } from "./validate";
import { toExtendResponse, toWireVolume } from "./wire";

/** Rate-limit actions (the limiter keys on app + action). */
export type FlyAction = "list" | "create" | "get" | "update" | "extend" | "delete";

/** What a route handler gets. */
export interface FlyRouteContext {
    readonly store: FlyStore;
    readonly knobs: FlyKnobs;
    readonly req: EmuRequest;
    readonly params: RouteParams;
}

/** A route: its action and its handler. Every route is under `/v1/apps/:app`. */
export interface FlyRoute {
    readonly action: FlyAction;
    handle(ctx: FlyRouteContext): EmuResponse;
}

const appVolumes = "/v1/apps/:app/volumes";
const appVolume = `${appVolumes}/:id`;

/** The route table: what the provider, the SDK and the demo use, no more. */
export function flyRouter(): Router<FlyRoute> {
    return new Router<FlyRoute>()
        .add("GET", appVolumes, { action: "list", handle: listVolumes })
        .add("POST", appVolumes, { action: "create", handle: createVolume })
        .add("GET", appVolume, { action: "get", handle: getVolume })
        .add("PUT", appVolume, { action: "update", handle: updateVolume })
        .add("DELETE", appVolume, { action: "delete", handle: deleteVolume })
        .add("PUT", `${appVolume}/extend`, { action: "extend", handle: extendVolume });
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
    return json(200, ctx.store.list(param(ctx, "app")).map(toWireVolume));
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
    return json(200, toExtendResponse(volume, needsRestart));
}

function deleteVolume(ctx: FlyRouteContext): EmuResponse {
    return json(200, toWireVolume(ctx.store.destroy(param(ctx, "app"), param(ctx, "id"))));
}
