/**
 * The resource types the bench measures, one entry each. AgentBay and VM0 join by adding an entry:
 * a kind whose type the package does not register yet (or whose cloud the emulator lacks) is skipped.
 */
import type { DeepPartial, Emulator, Knobs } from "../emulator";
import type { PropertyMap } from "../tests/harness";

/** The operations counted per kind. */
export type Op = "create" | "grow" | "read" | "delete";

/** What the bench needs to know of one resource type. */
export interface Kind {
    /** The emulator cloud that serves it (a key of `emu.urls`); also the row label. */
    cloud: string;
    /** Pulumi type token the SDK class registers. */
    type: string;
    /** The SDK class, as `<namespace>.<Class>` of `require("pulumi-volumes")`. */
    sdkClass: string;
    /** Stack config the provider reads (credentials, API URL, scope). */
    config: (emu: Emulator) => Record<string, string>;
    /** Inputs of the i-th volume in `scope` (a Fly app, …); valid for the emulator. */
    inputs: (i: number, scope: string) => PropertyMap;
    /** The same inputs, grown in place; absent for a type that cannot grow. */
    grown?: (inputs: PropertyMap) => PropertyMap;
    /** Knobs that make the cloud finish a create and an extend after `ms`. */
    readyAfter: (ms: number) => DeepPartial<Knobs>;
    /** The fewest requests each operation can take with the cloud ready at once, as printed. */
    floor: Record<Op, string>;
}

export const kinds: readonly Kind[] = [
    {
        cloud: "fly",
        type: "pulumi-nodejs:dynamic/fly:Volume",
        sdkClass: "fly.Volume",
        config: (emu) => ({ "fly:token": emu.token, "fly:apiUrl": emu.urls.fly }),
        inputs: (i, app) => ({ app, region: "iad", sizeGb: 3, name: `vol_${i}` }),
        grown: (inputs) => ({ ...inputs, sizeGb: 6 }),
        readyAfter: (ms) => ({ fly: { timeToReadyMs: ms, timeToExtendMs: ms } }),
        floor: {
            create: "2 (the ownership snapshot's list, then POST; the answer shows `created`, so no poll)",
            grow: "1 (extend; its response shows the new size)",
            read: "1",
            delete: "1",
        },
    },
    {
        cloud: "neevcloud",
        type: "pulumi-nodejs:dynamic/neevcloud:NetworkVolume",
        sdkClass: "neevcloud.NetworkVolume",
        config: (emu) => ({
            "neevcloud:token": emu.token,
            "neevcloud:apiUrl": emu.urls.neevcloud,
            "neevcloud:orgId": emu.env.NEEVCLOUD_ORG_ID ?? "org-bench",
            "neevcloud:projectId": emu.env.NEEVCLOUD_PROJECT_ID ?? "proj-bench",
        }),
        inputs: (i) => ({ regionId: "in-bom-1", sizeGb: 100, name: `vol-${i}` }),
        grown: (inputs) => ({ ...inputs, sizeGb: 250 }),
        readyAfter: (ms) => ({ neevcloud: { timeToBoundMs: ms, timeToExtendMs: ms } }),
        floor: {
            create: "3 (the ownership snapshot's list, POST, 1 poll: the 201 is always `pending`)",
            grow: "2 (extend, 1 poll: the 202 is always `resizing`)",
            read: "1",
            delete: "1",
        },
    },
    {
        cloud: "agentbay",
        type: "pulumi-nodejs:dynamic/agentbay:Volume",
        sdkClass: "agentbay.Volume",
        config: (emu) => ({ "agentbay:apiKey": emu.env.AGENTBAY_API_KEY ?? "", "agentbay:endpoint": emu.env.AGENTBAY_ENDPOINT ?? "" }),
        // One image per scope, so the bench's volumes never meet another section's names.
        inputs: (i, scope) => ({ imageId: `imgc-${scope}`, name: `vol-${i}` }),
        // Nothing to ready: "ready" is when ListVolumes shows the volume (its list lag).
        readyAfter: (ms) => ({ agentbay: { listLagMs: ms } }),
        floor: {
            create: "3 (the name: list + lookup, then GetVolume AllowCreate=true) + 1 list that shows it",
            grow: "— (no size)",
            read: "1 (ListVolumes by id)",
            delete: "1",
        },
    },
];

/** The bench's Pulumi project name (URNs, the host's unprefixed config). */
export const project = "bench";

export function urn(type: string, name: string): string {
    return `urn:pulumi:bench::${project}::${type}::${name}`;
}

/** Whether the emulator serves this kind's cloud. */
export function served(emu: Emulator, kind: Kind): boolean {
    return (emu.urls as unknown as Record<string, string | undefined>)[kind.cloud] !== undefined;
}
