import * as pulumi from "@pulumi/pulumi";
import { agentbayVolumeRules } from "../../provider/agentbay/rules";
import { defaultAgentBayVolumeName } from "../../provider/agentbay/schema";
import { volumeProps, withoutImport } from "../core/props";
import { withoutPromiseTraces } from "../core/provider";
import provider from "./handler";
import type { VolumeGetState, VolumeTimeouts } from "../core/types";

/** Arguments of a {@link Volume}. */
export interface VolumeArgs {
    /** The custom image the volume belongs to (`imgc-…`); required by every volume action. Replaces the volume when changed. */
    imageId: pulumi.Input<string>;
    /**
     * Volume name: 1 to 64 letters, digits, `-` and `_`, starting with a letter or digit (AgentBay's
     * own rule is undocumented; this one is safe). Default: the resource name, lowercased, other
     * characters turned into `-`. Replaces the volume when changed.
     */
    name?: pulumi.Input<string>;
    /**
     * Refused when true (a CheckFailure): it took whatever volume had this name. Adopt an existing
     * volume by its id with the `import: "<imageId>/<volumeId>"` resource option instead.
     * @deprecated Use the `import` resource option.
     */
    adoptExisting?: pulumi.Input<boolean>;
    /** Seconds per operation (default 300 each). A change to it alone is no change to the volume. */
    timeouts?: pulumi.Input<VolumeTimeouts>;
    /**
     * Which credentials and endpoint to use: the name of an account, read at run time from
     * `agentbay:accounts.<name>.apiKey` / `.endpoint` in the stack config, or `AGENTBAY_API_KEY_<NAME>` / `AGENTBAY_ENDPOINT_<NAME>`.
     * Absent: the default keys. Only the name is stored; a change re-points later operations and
     * sends nothing. E.g. one account for the China endpoint and one for the international one.
     */
    account?: pulumi.Input<string>;
}

/**
 * An Alibaba AgentBay volume (the Volume beta, allowlist only). Pulumi id: `<imageId>/<volumeId>`.
 * Mount it by passing `volumeId` as `VolumeId` to `CreateMcpSession` (one volume per session).
 * Nothing changes in place: a new `imageId` or `name` replaces it.
 */
export class Volume extends pulumi.dynamic.Resource {
    /** The image the volume belongs to, as declared. */
    declare readonly imageId: pulumi.Output<string>;
    /** Volume name. */
    declare readonly name: pulumi.Output<string>;
    /** As declared (always false: true is refused). */
    declare readonly adoptExisting: pulumi.Output<boolean>;
    /** Operation time limits, as declared. */
    declare readonly timeouts: pulumi.Output<VolumeTimeouts | undefined>;
    /** The account whose credentials and endpoint it uses, as declared (absent: the default keys). */
    declare readonly account: pulumi.Output<string | undefined>;
    /** AgentBay's volume id: what `CreateMcpSession` takes as `VolumeId`. */
    declare readonly volumeId: pulumi.Output<string>;
    /** AgentBay's status, free-form (`Available`). */
    declare readonly status: pulumi.Output<string | undefined>;
    /** `BelongingImageId`, as AgentBay reports it. */
    declare readonly belongingImageId: pulumi.Output<string | undefined>;
    /** `CreateTime`, as AgentBay wrote it. */
    declare readonly createdAt: pulumi.Output<string | undefined>;
    /** Whether `ListVolumes` showed it at the last look (false only while the list lags behind a create). */
    declare readonly listed: pulumi.Output<boolean | undefined>;
    /** True when the resource adopted an existing volume by id (the `import` option) instead of making one. */
    declare readonly adopted: pulumi.Output<boolean | undefined>;

    /**
     * Tracks an existing volume read-only by its Pulumi id `<imageId>/<volumeId>`: refresh reads it,
     * nothing is ever changed or deleted through it. To manage one, declare it with the `import: "<id>"` option.
     */
    static get(name: string, id: pulumi.Input<pulumi.ID>, opts?: pulumi.CustomResourceOptions, state?: VolumeGetState): Volume {
        return new Volume(name, state, { ...opts, id });
    }

    constructor(name: string, args: VolumeArgs, opts?: pulumi.CustomResourceOptions);
    /** @internal */
    constructor(name: string, args: VolumeArgs | VolumeGetState | undefined, opts?: pulumi.CustomResourceOptions);
    constructor(name: string, args: VolumeArgs | VolumeGetState | undefined, opts?: pulumi.CustomResourceOptions) {
        const props = volumeProps(Object.keys(agentbayVolumeRules), args, opts, () => defaultAgentBayVolumeName(name), {
            cloud: "agentbay",
            type: "Volume",
            name,
        });
        const restore = withoutPromiseTraces();
        try {
            super(provider, name, props, withoutImport(opts), "agentbay", "Volume");
        } finally {
            restore();
        }
    }
}
