/** Shared by the NeevCloud emulator tests: fixtures and a small HTTP helper. */
import type { Emulator } from "../../emulator";
import type { NeevNetworkVolume } from "../../emulator/neevcloud";

export const testOrg = "org-1";
export const testProject = "proj-1";
export const volumesPath = `/api/v1beta1/orgs/${testOrg}/projects/${testProject}/volumes`;
export const uuidShape = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
export const instance = { instance_id: "6d2c9a4e-1f3b-4c5d-8e7f-90a1b2c3d4e5", instance_name: "rt-1", instance_type: "gpu.a100" };
/** Short state lags, and a step of the emulator clock comfortably past them. */
export const fast = { timeToBoundMs: 80, timeToExtendMs: 80 };
export const settle = 160;

export interface Reply<T> {
    status: number;
    headers: Headers;
    text: string;
    body: T;
}

/** Call the NeevCloud emulator (`path` is below `/storage`); `auth: null` sends no header. */
export async function neev<T = NeevNetworkVolume>(
    emu: Emulator,
    method: string,
    path: string,
    options: { body?: unknown; rawBody?: string; auth?: string | null } = {},
): Promise<Reply<T>> {
    const headers: Record<string, string> = {};
    const auth = options.auth === undefined ? `Bearer ${emu.token}` : options.auth;
    if (auth !== null) headers["authorization"] = auth;
    const payload = options.rawBody ?? (options.body !== undefined ? JSON.stringify(options.body) : undefined);
    if (payload !== undefined) headers["content-type"] = "application/json";
    const res = await fetch(`${emu.urls.neevcloud}${path}`, { method, headers, body: payload });
    const text = await res.text();
    return { status: res.status, headers: res.headers, text, body: (text ? JSON.parse(text) : undefined) as T };
}

export function createBody(overrides: Record<string, unknown> = {}): Record<string, unknown> {
    return { name: "data", sizeGB: 10, regionID: "in-bom-1", volumeMode: "filesystem", ...overrides };
}

export async function create(emu: Emulator, overrides: Record<string, unknown> = {}, path = volumesPath): Promise<NeevNetworkVolume> {
    const reply = await neev(emu, "POST", path, { body: createBody(overrides) });
    if (reply.status !== 201) throw new Error(`create failed: ${reply.status} ${reply.text}`);
    return reply.body;
}

export const get = (emu: Emulator, id: string): Promise<Reply<NeevNetworkVolume>> => neev(emu, "GET", `${volumesPath}/${id}`);
