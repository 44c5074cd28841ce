import * as pulumi from "@pulumi/pulumi";
import { agentbayVolumeRules } from "../../provider/agentbay/rules";
import { defaultAgentBayVolumeName } from "../../provider/agentbay/schema";
import { volumeProps } from "../core/props";
import { serializedProvider } from "../core/provider";
import type { VolumeGetState, VolumeTimeouts } from "../core/types";

const provider = serializedProvider("agentbay:Volume");

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
     * Take a same-named volume that already exists in the image instead of refusing it. Default
     * false: AgentBay's create returns an existing volume of that name, and destroying this resource
     * would then delete someone else's data. Never takes a volume another resource of this deployment holds.
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
    /** Whether the create could take an existing same-named volume, as declared. */
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
    /** True when the create took a volume that already existed (`adoptExisting`). */
    declare readonly adopted: pulumi.Output<boolean | undefined>;

    /**
     * Adopts an existing volume by its Pulumi id `<imageId>/<volumeId>`. (`pulumi import` and the
     * `import` option do not work for dynamic resources; this does.)
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
        super(provider, name, props, opts, "agentbay", "Volume");
    }
}
