/**
 * What the serialized provider reaches through `require("pulumi-volumes/provider")` inside the
 * provider host. Each cloud loads on first use, so a Fly-only program never loads NeevCloud code.
 */
import type * as dynamic from "@pulumi/pulumi/dynamic";
import type * as AgentBay from "./agentbay/provider";
import { setStackConfig, type StackConfig } from "./core/config";
import type * as Fly from "./fly/provider";
import type * as NeevCloud from "./neevcloud/provider";
import type * as Vm0 from "./vm0/provider";

export type ResourceKind = "fly:Volume" | "neevcloud:NetworkVolume" | "agentbay:Volume" | "vm0:Volume";

const loaders: Record<ResourceKind, () => dynamic.ResourceProvider> = {
    "fly:Volume": () => (require("./fly/provider") as typeof Fly).flyVolumeProvider,
    "neevcloud:NetworkVolume": () => (require("./neevcloud/provider") as typeof NeevCloud).networkVolumeProvider,
    "vm0:Volume": () => (require("./vm0/provider") as typeof Vm0).vm0VolumeProvider,
    "agentbay:Volume": () => (require("./agentbay/provider") as typeof AgentBay).agentbayVolumeProvider,
};

const loaded = new Map<string, dynamic.ResourceProvider>();

/** The provider for a resource kind, e.g. `fly:Volume`. */
export function providerFor(kind: string): dynamic.ResourceProvider {
    let provider = loaded.get(kind);
    if (!provider) {
        const load = loaders[kind as ResourceKind];
        if (!load) throw new Error(`pulumi-volumes: unknown resource kind '${kind}'; is the installed package older than the program?`);
        provider = load();
        loaded.set(kind, provider);
    }
    return provider;
}

/** Saves the stack config; credentials are read from it when an operation needs them. */
export async function configure(req: { config: StackConfig }): Promise<void> {
    setStackConfig(req.config);
}
