import { Endpoint, sessionFor } from "../core/config";
import { AgentBayClient } from "./client";

/**
 * Where AgentBay's key and gateway come from (interface.md, "Credentials and endpoints"). The
 * endpoint is a bare host as the official SDK takes it (`wuyingai.ap-southeast-1.aliyuncs.com`,
 * https assumed) or a URL (`http://127.0.0.1:PORT`, the emulator). Keys are per region.
 */
export const agentbayEndpoint: Endpoint = {
    cloud: "agentbay",
    token: { configKey: "agentbay:apiKey", envVars: ["AGENTBAY_API_KEY"] },
    apiUrl: { configKey: "agentbay:endpoint", envVars: ["AGENTBAY_ENDPOINT"] },
    defaultApiUrl: "https://wuyingai.cn-shanghai.aliyuncs.com",
};

/** The AgentBay client for the current key and endpoint, read when an operation needs them and shared in the process. */
export function agentbaySession(): AgentBayClient {
    return sessionFor(agentbayEndpoint, (baseUrl, key) => new AgentBayClient(baseUrl, key));
}
