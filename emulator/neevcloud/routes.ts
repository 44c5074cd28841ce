/**
 * The NeevCloud network volume routes, under the API gateway's `/storage`
 * prefix. Each route names its rate-limit action.
 */
import { json } from "../core/http";
import { Router, type RouteParams } from "../core/router";
import type { EmuRequest, EmuResponse } from "../core/types";
import type { NeevStore } from "./store";
import { jsonBody, parseCreateVolume, parseExtendVolume, parseListQuery } from "./validate";
import { toListPage, toWireVolume } from "./wire";

/** The gateway path every route sits under (the spec's server URL ends in `/storage`). */
export const storageBasePath = "/storage";

const volumesRoute = `${storageBasePath}/api/v1beta1/orgs/:org/projects/:project/volumes`;
const volumeRoute = `${volumesRoute}/:id`;

/** Rate-limit actions (the limiter keys on org + project + action). */
export type NeevAction = "list" | "create" | "get" | "extend" | "delete";

/** What a route handler gets. */
export interface NeevRouteContext {
    readonly store: NeevStore;
    readonly req: EmuRequest;
    readonly params: RouteParams;
}

/** A route: its action and handler. */
export interface NeevRoute {
    readonly action: NeevAction;
    handle(ctx: NeevRouteContext): EmuResponse;
}

/** The route table (the spec's five operations). */
export function neevRouter(): Router<NeevRoute> {
    return new Router<NeevRoute>()
        .add("GET", volumesRoute, { action: "list", handle: listVolumes })
        .add("POST", volumesRoute, { action: "create", handle: createVolume })
        .add("GET", volumeRoute, { action: "get", handle: getVolume })
        .add("DELETE", volumeRoute, { action: "delete", handle: deleteVolume })
        .add("POST", `${volumeRoute}/extend`, { action: "extend", handle: extendVolume });
}

/** org, project and (for volume routes) id. */
function scope(ctx: NeevRouteContext): [string, string, string] {
    return [ctx.params["org"] ?? "", ctx.params["project"] ?? "", ctx.params["id"] ?? ""];
}

function listVolumes(ctx: NeevRouteContext): EmuResponse {
    const [org, project] = scope(ctx);
    const query = parseListQuery(ctx.req.query);
    return json(200, toListPage(ctx.store.list(org, project), query));
}

function createVolume(ctx: NeevRouteContext): EmuResponse {
    const [org, project] = scope(ctx);
    const input = parseCreateVolume(jsonBody(ctx.req.body));
    return json(201, toWireVolume(ctx.store.create(org, project, input)));
}

function getVolume(ctx: NeevRouteContext): EmuResponse {
    return json(200, toWireVolume(ctx.store.get(...scope(ctx))));
}

function extendVolume(ctx: NeevRouteContext): EmuResponse {
    const [org, project, id] = scope(ctx);
    ctx.store.get(org, project, id); // 404 before body errors
    const sizeGb = parseExtendVolume(jsonBody(ctx.req.body));
    return json(202, toWireVolume(ctx.store.extend(org, project, id, sizeGb)));
}

function deleteVolume(ctx: NeevRouteContext): EmuResponse {
    ctx.store.delete(...scope(ctx));
    return { status: 204 };
}
