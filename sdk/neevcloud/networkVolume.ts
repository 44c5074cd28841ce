import * as pulumi from "@pulumi/pulumi";
import { networkVolumeRules } from "../../provider/neevcloud/rules";
import { defaultNetworkVolumeName } from "../../provider/neevcloud/schema";
import { volumeProps, withoutImport } from "../core/props";
import { withoutPromiseTraces } from "../core/provider";
import provider from "./handler";
import type { VolumeGetState, VolumeTimeouts } from "../core/types";
import type { AttachedTo, VolumeAttachment } from "./types";

/** Arguments of a {@link NetworkVolume}. */
export interface NetworkVolumeArgs {
    /** Region id, e.g. `in-bangalore-1`. Replaces the volume when changed. */
    regionId: pulumi.Input<string>;
    /** Size in GB, 1 to 1000. Grows in place (`extend`, then waits); a smaller value is refused at preview, never a replacement. */
    sizeGb: pulumi.Input<number>;
    /** Organization id. Default: `neevcloud:orgId`, then NEEVCLOUD_ORG_ID. Replaces the volume when changed. */
    orgId?: pulumi.Input<string>;
    /** Project id. Default: `neevcloud:projectId`, then NEEVCLOUD_PROJECT_ID. Replaces the volume when changed. */
    projectId?: pulumi.Input<string>;
    /**
     * Volume name: lowercase letters, digits and `-`, at most 63. Default: the resource name made
     * into such a name. Replaces the volume when changed.
     */
    name?: pulumi.Input<string>;
    /** `filesystem` (default, for shared mounts) or `block` (disk-like). Replaces the volume when changed. */
    volumeMode?: pulumi.Input<"filesystem" | "block">;
    /** Mount path, e.g. `/mnt/data`. Replaces the volume when changed. */
    mountPath?: pulumi.Input<string>;
    /** AIRuntime instances to attach at creation. Replaces the volume when changed. */
    attachedTo?: pulumi.Input<pulumi.Input<AttachedTo>[]>;
    /** Seconds per operation (default 300 each). A change to it alone is no change to the volume. */
    timeouts?: pulumi.Input<VolumeTimeouts>;
    /**
     * Which credentials and endpoint to use: the name of an account, read at run time from
     * `neevcloud:accounts.<name>.token` / `.apiUrl` (and `.orgId` / `.projectId`) in the stack config,
     * or `NEEVCLOUD_API_TOKEN_<NAME>` / `NEEVCLOUD_API_URL_<NAME>`.
     * Absent: the default keys. Only the name is stored; a change re-points later operations and
     * sends nothing.
     */
    account?: pulumi.Input<string>;
}

/**
 * A NeevCloud network volume. Pulumi id: `<orgId>/<projectId>/<volumeId>`.
 *
 * A larger `sizeGb` extends it in place and waits until the new size shows; any other change
 * replaces it. A replacement that keeps its name deletes the old volume first (names are unique
 * in a project). A smaller `sizeGb` is refused at preview.
 */
export class NetworkVolume extends pulumi.dynamic.Resource {
    /** Organization id. */
    declare readonly orgId: pulumi.Output<string>;
    /** Project id. */
    declare readonly projectId: pulumi.Output<string>;
    /** Region id. */
    declare readonly regionId: pulumi.Output<string>;
    /** Size in GB as NeevCloud reports it. */
    declare readonly sizeGb: pulumi.Output<number>;
    /** Volume name. */
    declare readonly name: pulumi.Output<string>;
    /** `filesystem` or `block`. */
    declare readonly volumeMode: pulumi.Output<string>;
    /** Mount path, as declared. */
    declare readonly mountPath: pulumi.Output<string | undefined>;
    /** AIRuntime instances attached at creation, as declared. */
    declare readonly attachedTo: pulumi.Output<AttachedTo[] | undefined>;
    /** Operation time limits, as declared. */
    declare readonly timeouts: pulumi.Output<VolumeTimeouts | undefined>;
    /** The account whose credentials and endpoint it uses, as declared (absent: the default keys). */
    declare readonly account: pulumi.Output<string | undefined>;
    /** NeevCloud's volume id (UUID). */
    declare readonly volumeId: pulumi.Output<string>;
    /** `pending`, `bound` (ready), `failed` or `terminated`. */
    declare readonly status: pulumi.Output<string>;
    /** State of the latest extension: `resizing`, `succeeded` or `failed`. */
    declare readonly extensionStatus: pulumi.Output<string | undefined>;
    /** Provisioned capacity last observed for the latest extension, in GB. */
    declare readonly actualSizeGb: pulumi.Output<number | undefined>;
    /** Pricing plan id. */
    declare readonly planId: pulumi.Output<string | undefined>;
    /** AIRuntime instances attached, as NeevCloud reports them. */
    declare readonly airuntimeInstances: pulumi.Output<AttachedTo[] | undefined>;
    /** Current mounts. */
    declare readonly volumeAttachments: pulumi.Output<VolumeAttachment[] | undefined>;
    /** When it was created. */
    declare readonly createdAt: pulumi.Output<string | undefined>;
    /** When it last changed. */
    declare readonly updatedAt: pulumi.Output<string | undefined>;
    /**
     * True once the volume was seen `bound`: it may hold data, so a later `failed` is reported (a
     * warning at refresh) and never replaced automatically.
     */
    declare readonly readyOnce: pulumi.Output<boolean | undefined>;

    /**
     * Tracks an existing volume read-only by its Pulumi id `<orgId>/<projectId>/<volumeId>`: refresh
     * reads it, nothing is ever changed or deleted through it. To manage one, declare it with the `import: "<id>"` option.
     */
    static get(name: string, id: pulumi.Input<pulumi.ID>, opts?: pulumi.CustomResourceOptions, state?: VolumeGetState): NetworkVolume {
        return new NetworkVolume(name, state, { ...opts, id });
    }

    constructor(name: string, args: NetworkVolumeArgs, opts?: pulumi.CustomResourceOptions);
    /** @internal */
    constructor(name: string, args: NetworkVolumeArgs | VolumeGetState | undefined, opts?: pulumi.CustomResourceOptions);
    constructor(name: string, args: NetworkVolumeArgs | VolumeGetState | undefined, opts?: pulumi.CustomResourceOptions) {
        const props = volumeProps(Object.keys(networkVolumeRules), args, opts, () => defaultNetworkVolumeName(name), {
            cloud: "neevcloud",
            type: "NetworkVolume",
            name,
        });
        const restore = withoutPromiseTraces();
        try {
            super(provider, name, props, withoutImport(opts), "neevcloud", "NetworkVolume");
        } finally {
            restore();
        }
    }
}
