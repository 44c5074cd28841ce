/**
 * The Fly.io Machines API volumes emulator (docs/apis/fly.md): auth, then
 * route, then app existence, then the per-(app, action) rate limit, then the
 * handler. Every response carries a fresh `fly-request-id`.
 */
import { describeAuthScheme, parseAuthorization } from "../core/auth";
import { TokenBucketLimiter } from "../core/rateLimiter";
import type { CloudContext, CloudDefinition, CloudEmulator, EmuRequest, EmuResponse } from "../core/types";
import { FlyApiError, flyError, flyErrorBody } from "./errors";
import { newRequestId } from "./ids";
import { flyRouter } from "./routes";
import { FlyStore, isGone } from "./store";
import { defaultFlyKnobs, type FlyControl, type FlyKnobs, type FlyVolumeRecord } from "./types";
import { toRecord } from "./wire";

export * from "./types";

/** Authorization schemes Fly accepts (fly-go `tokens.go`). */
const acceptedSchemes = ["FlyV1", "Bearer"] as const;

/** The Fly entry of the cloud table. */
export const flyCloud: CloudDefinition<FlyKnobs, FlyControl, FlyVolumeRecord> = {
    name: "fly",
    defaultKnobs: defaultFlyKnobs,
    fromCommonOptions(options) {
        return {
            ...(options.readyMs !== undefined ? { timeToReadyMs: options.readyMs } : {}),
            ...(options.extendMs !== undefined ? { timeToExtendMs: options.extendMs } : {}),
            ...(options.noRateLimit ? { rateLimit: false as const } : {}),
        };
    },
    create: createFlyEmulator,
};

function createFlyEmulator(ctx: CloudContext<FlyKnobs>): CloudEmulator<FlyControl, FlyVolumeRecord> {
    const store = new FlyStore(
        () => ctx.knobs(),
        () => ctx.now(),
    );
    const limiter = new TokenBucketLimiter(() => ctx.now());
    const router = flyRouter();

    const authorized = (req: EmuRequest): boolean => {
        const auth = parseAuthorization(req.headers.authorization);
        if (!auth || !acceptedSchemes.some((s) => s.toLowerCase() === auth.scheme.toLowerCase())) return false;
        return auth.credentials === ctx.token;
    };

    const handle = (req: EmuRequest): EmuResponse => {
        if (!authorized(req)) return flyError(401, "unauthorized: missing or invalid Authorization header (FlyV1 or Bearer token)");
        const match = router.match(req.method, req.path);
        if (!match) return flyError(404, "not found");
        const knobs = ctx.knobs();
        const { value: route, params } = match;
        const app = params["app"] ?? "";
        if (knobs.apps !== undefined && !knobs.apps.includes(app)) return flyError(404, "app not found");
        if (knobs.rateLimit !== false && !limiter.take(`${app}\u0000${route.action}`, knobs.rateLimit)) {
            const headers = knobs.retryAfterOn429 !== undefined ? { "retry-after": String(knobs.retryAfterOn429) } : undefined;
            return flyError(429, "rate limit exceeded", undefined, headers);
        }
        try {
            return route.handle({ store, knobs, req, params });
        } catch (err) {
            if (err instanceof FlyApiError) return flyError(err.status, err.message, err.code);
            throw err;
        }
    };

    const control: FlyControl = {
        attach: (app, id, machineId) => store.attach(app, id, machineId),
        detach: (app, id) => store.detach(app, id),
        migrateHost: (app, id) => store.migrateHost(app, id),
        setState: (app, id, state) => store.setState(app, id, state),
        resize: (app, id, sizeGb) => store.resize(app, id, sizeGb),
        destroy: (app, id) => store.forceDestroy(app, id),
        snapshot: (app, id) => {
            const v = store.find(app, id);
            if (!v || isGone(v)) throw new Error(`fly emulator: no live volume ${id} in app ${app}`);
            return store.takeSnapshot(app, id).id;
        },
        readyAt: (app, id) => store.find(app, id)?.readyAt,
        reset: () => {
            store.reset();
            limiter.reset();
        },
    };

    return {
        name: "fly",
        control,
        handle,
        authScheme: (req) => describeAuthScheme(req.headers.authorization, acceptedSchemes, ctx.token),
        responseHeaders: () => ({ "fly-request-id": newRequestId() }),
        errorBody: (_status, message) => flyErrorBody(message),
        env: (url) => ({ FLY_API_URL: url, FLY_API_TOKEN: ctx.token }),
        inventory: () =>
            store
                .all()
                .sort((a, b) => (a.app < b.app ? -1 : a.app > b.app ? 1 : a.seq - b.seq))
                .map(toRecord),
        knobsChanged: () => limiter.reset(),
        reset: control.reset,
    };
}
