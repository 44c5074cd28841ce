/**
 * pulumi-volumes: storage volumes on Fly.io, NeevCloud, Alibaba AgentBay and VM0 as Pulumi resources.
 *
 * ```ts
 * import { fly } from "pulumi-volumes";
 * const data = new fly.Volume("data", { app: "my-app", region: "iad", sizeGb: 10 });
 * ```
 */
export * as fly from "./fly";
export * as neevcloud from "./neevcloud";
export * as agentbay from "./agentbay";
export * as vm0 from "./vm0";
