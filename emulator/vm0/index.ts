/**
 * The VM0 emulator (docs/apis/vm0.md): the public read-only API v1 under `/v1/volumes`, the
 * storage API the vm0 CLI publishes with under `/api/storages/…`, and the object store behind the
 * presigned URLs under `/_objects/…`, all on one loopback port. Order per request: presigned objects
 * (signed URL, no token) → Bearer auth → route. Every response carries a fresh `X-Request-Id` and
 * `X-API-Version: v1`.
 */
import { randomUUID } from "node:crypto";
import { describeAuthScheme, parseAuthorization } from "../core/auth";
import type { CloudContext, CloudDefinition, CloudEmulator, EmuRequest, EmuResponse } from "../core/types";
import { codeForStatus, publicError, publicErrorBody, storageError } from "./errors";
import { maxObjectBytes, objectsPrefix, Presigner } from "./objects";
import { handlePublic, publicRouter } from "./public";
import { handleStorage } from "./storage";
import { Vm0Store } from "./store";
import { defaultVm0Knobs, type Vm0Control, type Vm0Knobs, type Vm0VolumeRecord } from "./types";

export * from "./types";
export { contentHash, objectKey, sha256 } from "./store";
export { seedFromDirectory, tarGz } from "./archive";

const schemes = ["Bearer"] as const;

/** The token VM0's emulator accepts: VM0-shaped, yet never `vm0_live_<hex>` (what a credential scanner flags). */
export function vm0TokenFor(emulatorToken: string): string {
    return emulatorToken.startsWith("vm0_") ? emulatorToken : `vm0_live_${emulatorToken}`;
}

/** The VM0 entry of the cloud table. */
export const vm0Cloud: CloudDefinition<Vm0Knobs, Vm0Control, Vm0VolumeRecord> = {
    name: "vm0",
    defaultKnobs: defaultVm0Knobs,
    // VM0 has no asynchronous states, extends or documented rate limits: no common knob applies.
    fromCommonOptions: () => ({}),
    create: createVm0Emulator,
};

function createVm0Emulator(ctx: CloudContext<Vm0Knobs>): CloudEmulator<Vm0Control, Vm0VolumeRecord> {
    const token = vm0TokenFor(ctx.token);
    const store = new Vm0Store(() => ctx.now());
    const presigner = new Presigner(
        () => ctx.now(),
        () => ctx.knobs().presignTtlSeconds,
    );
    const router = publicRouter();
    let serverUrl = "";

    /** The 401 code for a request, or undefined when it may pass. */
    const authFailure = (req: EmuRequest): { code: string; message: string } | undefined => {
        if (req.headers.authorization === undefined) {
            return { code: "missing_api_key", message: "No API key provided: send Authorization: Bearer <key>" };
        }
        const auth = parseAuthorization(req.headers.authorization);
        if (!auth || auth.scheme.toLowerCase() !== "bearer" || auth.credentials !== token) {
            return { code: "invalid_api_key", message: "Invalid API key provided" };
        }
        const state = ctx.knobs().tokenState;
        if (state === "expired") return { code: "expired_api_key", message: "API key has expired" };
        if (state === "revoked") return { code: "revoked_api_key", message: "API key has been revoked" };
        return undefined;
    };

    const handle = (req: EmuRequest): EmuResponse => {
        const origin = typeof req.headers.host === "string" ? `http://${req.headers.host}` : serverUrl;
        if (req.path.startsWith(objectsPrefix)) return presigner.handle(req, store);
        const storageApi = req.path.startsWith("/api/");
        const denied = authFailure(req);
        if (denied)
            return storageApi ? storageError(401, "UNAUTHORIZED", "Not authenticated") : publicError(401, denied.code, denied.message);
        if (storageApi) {
            return (
                handleStorage(req, { store, presigner, origin }) ?? storageError(404, "NOT_FOUND", `No route for ${req.method} ${req.path}`)
            );
        }
        return (
            handlePublic(router, req, { store, presigner, origin, knobs: ctx.knobs() }) ??
            publicError(404, "resource_not_found", `Unrecognized request URL (${req.method}: ${req.path})`)
        );
    };

    const control: Vm0Control = {
        token,
        seedVolume: (seed) => store.seedVolume(seed),
        seedVersion: (volumeId, version) => store.seedVersion(volumeId, version),
        object: (key) => store.object(key),
        reset: () => store.reset(),
    };

    return {
        name: "vm0",
        control,
        maxBodyBytes: maxObjectBytes,
        handle,
        authScheme: (req) => describeAuthScheme(req.headers.authorization, schemes, token),
        responseHeaders: () => ({ "x-request-id": `req_${randomUUID().replace(/-/g, "")}`, "x-api-version": "v1" }),
        errorBody: (status, message) => publicErrorBody(status, codeForStatus(status), message),
        // One port serves both hosts (api.vm0.ai and www.vm0.ai in production).
        env: (url) => {
            serverUrl = url;
            return { VM0_API_URL: url, VM0_STORAGE_URL: url, VM0_TOKEN: token };
        },
        inventory: () => store.inventory(),
        knobsChanged: () => undefined,
        reset: control.reset,
    };
}
