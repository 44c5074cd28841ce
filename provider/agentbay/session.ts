import { type Endpoint, sessionFor } from "../core/config";
import { parseCompositeId } from "../core/ids";
import { AgentBayClient } from "./client";

/**
 * Where AgentBay's key and gateway come from (the README's credentials table, "Use it in a program"). The
 * endpoint is a bare host as the official SDK takes it (`wuyingai.ap-southeast-1.aliyuncs.com`,
 * https assumed) or a URL (`http://127.0.0.1:PORT`, the emulator). Keys are per region.
 */
export const agentbayEndpoint: Endpoint = {
    cloud: "agentbay",
    token: { configKey: "agentbay:apiKey", envVars: ["AGENTBAY_API_KEY"] },
    apiUrl: { configKey: "agentbay:endpoint", envVars: ["AGENTBAY_ENDPOINT"] },
    defaultApiUrl: "https://wuyingai.cn-shanghai.aliyuncs.com",
};

/** AgentBay's session: the client (each operation reads its volume by id or name; no shared list). */
export interface AgentBaySession {
    client: AgentBayClient;
}

/** The AgentBay session of the current key and endpoint, read when an operation needs them and shared in the process. */
export function agentbaySession(): AgentBaySession {
    return sessionFor(agentbayEndpoint, (baseUrl, key) => ({ client: new AgentBayClient(baseUrl, key) }));
}

/** `<imageId>/<volumeId>`: the image is needed even to read by id (ListVolumes requires it). */
export function parseAgentBayId(id: string): { imageId: string; volumeId: string } {
    return parseCompositeId("agentbay", id, {
        what: "AgentBay volume id",
        parts: [{ name: "imageId" }, { name: "volumeId" }],
        example: "imgc-0a1b2c3d/vol-0123456789abcdef",
    });
}
