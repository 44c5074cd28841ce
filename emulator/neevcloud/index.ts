/**
 * The NeevCloud Storage Service API (network volumes) emulator
 * (docs/apis/neevcloud.md, normative OpenAPI): auth, then route, then the
 * optional per-(org, project, action) rate limit, then the handler. Served
 * under `/storage`, as behind the real gateway; every response carries a fresh
 * `x-request-id`.
 */
import { describeAuthScheme, parseAuthorization } from "../core/auth";
import { TokenBucketLimiter } from "../core/rateLimiter";
import type { CloudContext, CloudDefinition, CloudEmulator, EmuRequest, EmuResponse } from "../core/types";
import { codeForStatus, NeevApiError, neevError, neevErrorBody } from "./errors";
import { newUuid } from "./ids";
import { storageBasePath, neevRouter } from "./routes";
import { NeevStore } from "./store";
import { defaultNeevCloudKnobs, type NeevCloudControl, type NeevCloudKnobs, type NeevNetworkVolume } from "./types";
import { toWireVolume } from "./wire";

export * from "./types";
export { codeForStatus } from "./errors";
export { storageBasePath } from "./routes";

/** The org and project `env` names (every org and project exists; these are the ones a program is pointed at). */
export const emulatorOrgId = "emulator-org";
export const emulatorProjectId = "emulator-project";

/** The only scheme the spec declares (`BearerAuth`: HTTP bearer, JWT). Any opaque token is accepted. */
const schemes = ["Bearer"] as const;

/** The NeevCloud entry of the cloud table. */
export const neevcloudCloud: CloudDefinition<NeevCloudKnobs, NeevCloudControl, NeevNetworkVolume> = {
    name: "neevcloud",
    defaultKnobs: defaultNeevCloudKnobs,
    fromCommonOptions(options) {
        return {
            ...(options.readyMs !== undefined ? { timeToBoundMs: options.readyMs } : {}),
            ...(options.extendMs !== undefined ? { timeToExtendMs: options.extendMs } : {}),
            ...(options.noRateLimit ? { rateLimit: false as const } : {}),
        };
    },
    create: createNeevCloudEmulator,
};

function createNeevCloudEmulator(ctx: CloudContext<NeevCloudKnobs>): CloudEmulator<NeevCloudControl, NeevNetworkVolume> {
    const store = new NeevStore(
        () => ctx.knobs(),
        () => ctx.now(),
    );
    const limiter = new TokenBucketLimiter(() => ctx.now());
    const router = neevRouter();

    const authorized = (req: EmuRequest): boolean => {
        const auth = parseAuthorization(req.headers.authorization);
        return auth !== undefined && auth.scheme.toLowerCase() === "bearer" && auth.credentials === ctx.token;
    };

    const handle = (req: EmuRequest): EmuResponse => {
        if (!authorized(req)) return neevError(401, "UNAUTHORIZED", "missing or invalid bearer token (Authorization: Bearer <token>)");
        const match = router.match(req.method, req.path);
        if (!match) return neevError(404, "NOT_FOUND", `no route for ${req.method} ${req.path}`);
        const { value: route, params } = match;
        const knobs = ctx.knobs();
        const key = `${params["org"] ?? ""}\u0000${params["project"] ?? ""}\u0000${route.action}`;
        if (knobs.rateLimit !== false && !limiter.take(key, knobs.rateLimit)) {
            const headers = knobs.retryAfterOn429 !== undefined ? { "retry-after": String(knobs.retryAfterOn429) } : undefined;
            return neevError(429, "RATE_LIMITED", "rate limit exceeded", headers);
        }
        try {
            return route.handle({ store, req, params });
        } catch (err) {
            if (err instanceof NeevApiError) return neevError(err.status, err.code, err.message, undefined, err.details);
            throw err;
        }
    };

    const control: NeevCloudControl = {
        attach: (org, project, id, options) => store.attach(org, project, id, options),
        detach: (org, project, id) => store.detach(org, project, id),
        setStatus: (org, project, id, status) => store.setStatus(org, project, id, status),
        destroy: (org, project, id) => store.destroy(org, project, id),
        reset: () => {
            store.reset();
            limiter.reset();
        },
    };

    return {
        name: "neevcloud",
        basePath: storageBasePath,
        control,
        handle,
        authScheme: (req) => describeAuthScheme(req.headers.authorization, schemes, ctx.token),
        responseHeaders: () => ({ "x-request-id": newUuid() }),
        errorBody: (status, message) => neevErrorBody(codeForStatus(status), message),
        env: (url) => ({
            NEEVCLOUD_API_URL: url,
            NEEVCLOUD_API_TOKEN: ctx.token,
            NEEVCLOUD_ORG_ID: emulatorOrgId,
            NEEVCLOUD_PROJECT_ID: emulatorProjectId,
        }),
        inventory: () =>
            store
                .all()
                .sort((a, b) => compare(a.orgId, b.orgId) || compare(a.projectId, b.projectId) || a.seq - b.seq)
                .map(toWireVolume),
        knobsChanged: () => limiter.reset(),
        reset: control.reset,
    };
}

function compare(a: string, b: string): number {
    return a < b ? -1 : a > b ? 1 : 0;
}
