import * as pulumi from "@pulumi/pulumi";
import { flyVolumeRules } from "../../provider/fly/rules";
import { defaultFlyVolumeName } from "../../provider/fly/schema";
import { volumeProps, withoutImport } from "../core/props";
import { withoutPromiseTraces } from "../core/provider";
import provider from "./handler";
import type { VolumeGetState, VolumeTimeouts } from "../core/types";

/** Placement hints for the Machine that will mount the volume (Fly's `MachineGuest`). */
export interface VolumeCompute {
    /** `shared` or `performance`. */
    cpuKind?: string;
    /** Number of CPUs. */
    cpus?: number;
    /** Memory in MB. */
    memoryMb?: number;
    /** GPU model, e.g. `a100-pcie-40gb`. */
    gpuKind?: string;
    /** Number of GPUs. */
    gpus?: number;
}

/** Arguments of a {@link Volume}. */
export interface VolumeArgs {
    /** The Fly app that owns the volume. Replaces the volume when changed. */
    app: pulumi.Input<string>;
    /** Region code, e.g. `iad` (must match the Machines that mount it). Replaces the volume when changed. */
    region: pulumi.Input<string>;
    /** Size in GB, 1 to 500. Grows in place (`extend`); a smaller value is refused at preview, never a replacement. */
    sizeGb: pulumi.Input<number>;
    /**
     * Volume name: lowercase letters, digits and `_`, at most 30. Default: the resource name,
     * lowercased, other characters turned into `_`. Names need not be unique. Replaces the volume when changed.
     */
    name?: pulumi.Input<string>;
    /** Encrypt at rest. Default true. Replaces the volume when changed. */
    encrypted?: pulumi.Input<boolean>;
    /** `ext4` (default) or `raw`. Replaces the volume when changed. */
    fstype?: pulumi.Input<"ext4" | "raw">;
    /** Place it in a zone where no same-named volume of the app is. Default true. Replaces the volume when changed. */
    requireUniqueZone?: pulumi.Input<boolean>;
    /** Zone uniqueness across all the app's volumes, any name. Default false. Replaces the volume when changed. */
    uniqueZoneAppWide?: pulumi.Input<boolean>;
    /** Restore from this snapshot (`vs_…`); size must be at least the snapshot's. Replaces the volume when changed. */
    snapshotId?: pulumi.Input<string>;
    /** Fork this volume (`vol_…`). Ready once it is hydrating. Replaces the volume when changed. */
    sourceVolumeId?: pulumi.Input<string>;
    /** Days to keep snapshots, 1 to 60 (Fly's default 5). Updated in place. */
    snapshotRetention?: pulumi.Input<number>;
    /** Take daily snapshots (Fly's default true). Updated in place. */
    autoBackupEnabled?: pulumi.Input<boolean>;
    /** Placement hints for the Machine that will mount it. Replaces the volume when changed. */
    compute?: pulumi.Input<VolumeCompute>;
    /** Image of the Machine that will mount it, a placement hint. Replaces the volume when changed. */
    computeImage?: pulumi.Input<string>;
    /** Seconds per operation (default 300 each). A change to it alone is no change to the volume. */
    timeouts?: pulumi.Input<VolumeTimeouts>;
    /**
     * Which credentials and endpoint to use: the name of an account, read at run time from
     * `fly:accounts.<name>.token` / `.apiUrl` in the stack config, or `FLY_API_TOKEN_<NAME>` / `FLY_API_URL_<NAME>`.
     * Absent: the default keys. Only the name is stored; a change re-points later operations and
     * sends nothing. A Fly deploy token is scoped to one app: give each app's volumes the account of its token.
     */
    account?: pulumi.Input<string>;
}

/**
 * A Fly.io volume (Machines API). Pulumi id: `<app>/<vol_id>`.
 *
 * A larger `sizeGb` extends it in place; a change to any other create-only field replaces it (the
 * new one is created first: Fly names need not be unique). A smaller `sizeGb` is refused at
 * preview: replacing a volume would destroy its data.
 */
export class Volume extends pulumi.dynamic.Resource {
    /** The Fly app that owns the volume. */
    declare readonly app: pulumi.Output<string>;
    /** Volume name. */
    declare readonly name: pulumi.Output<string>;
    /** Region code. */
    declare readonly region: pulumi.Output<string>;
    /** Size in GB as Fly reports it (may exceed the declared size if grown outside Pulumi). */
    declare readonly sizeGb: pulumi.Output<number>;
    /** Whether it is encrypted at rest. */
    declare readonly encrypted: pulumi.Output<boolean>;
    /** `ext4` or `raw`. */
    declare readonly fstype: pulumi.Output<string>;
    /** Zone uniqueness among same-named volumes, as declared. */
    declare readonly requireUniqueZone: pulumi.Output<boolean>;
    /** Zone uniqueness across the app, as declared. */
    declare readonly uniqueZoneAppWide: pulumi.Output<boolean>;
    /** Snapshot it was restored from, if any. */
    declare readonly snapshotId: pulumi.Output<string | undefined>;
    /** Volume it was forked from, if any. */
    declare readonly sourceVolumeId: pulumi.Output<string | undefined>;
    /** Days snapshots are kept, as Fly reports it. */
    declare readonly snapshotRetention: pulumi.Output<number | undefined>;
    /** Whether daily snapshots are on, as Fly reports it. */
    declare readonly autoBackupEnabled: pulumi.Output<boolean | undefined>;
    /** Placement hints, as declared. */
    declare readonly compute: pulumi.Output<VolumeCompute | undefined>;
    /** Image placement hint, as declared. */
    declare readonly computeImage: pulumi.Output<string | undefined>;
    /** Operation time limits, as declared. */
    declare readonly timeouts: pulumi.Output<VolumeTimeouts | undefined>;
    /** The account whose credentials and endpoint it uses, as declared (absent: the default keys). */
    declare readonly account: pulumi.Output<string | undefined>;
    /** Fly's volume id, `vol_…`: what a Machine's mount names. */
    declare readonly volumeId: pulumi.Output<string>;
    /** Fly's state: `created`, `hydrating`, `extending`, … */
    declare readonly state: pulumi.Output<string>;
    /** The zone Fly placed it in. */
    declare readonly zone: pulumi.Output<string | undefined>;
    /** The Machine it is attached to, if any. */
    declare readonly attachedMachineId: pulumi.Output<string | undefined>;
    /** When it was created (RFC 3339). */
    declare readonly createdAt: pulumi.Output<string | undefined>;
    /** Health of its host: `ok`, `unknown` or `unreachable`. */
    declare readonly hostStatus: pulumi.Output<string | undefined>;
    /** Fly's volume type: `local` or `cache`. */
    declare readonly volumeType: pulumi.Output<string | undefined>;
    /** Filesystem block size in bytes. */
    declare readonly blockSize: pulumi.Output<number | undefined>;
    /** Blocks in the filesystem. */
    declare readonly blocks: pulumi.Output<number | undefined>;
    /** Free blocks. */
    declare readonly blocksFree: pulumi.Output<number | undefined>;
    /** Blocks available to unprivileged users. */
    declare readonly blocksAvail: pulumi.Output<number | undefined>;
    /** Filesystem size in bytes. */
    declare readonly bytesTotal: pulumi.Output<number | undefined>;
    /** Bytes in use. */
    declare readonly bytesUsed: pulumi.Output<number | undefined>;
    /** True after an extend when the attached Machine must restart to see the new size (never restarted for you). */
    declare readonly needsRestart: pulumi.Output<boolean | undefined>;

    /**
     * Tracks an existing volume read-only by its Pulumi id `<app>/<vol_id>`: refresh reads it,
     * nothing is ever changed or deleted through it. To manage one, declare it with the `import: "<id>"` option.
     */
    static get(name: string, id: pulumi.Input<pulumi.ID>, opts?: pulumi.CustomResourceOptions, state?: VolumeGetState): Volume {
        return new Volume(name, state, { ...opts, id });
    }

    constructor(name: string, args: VolumeArgs, opts?: pulumi.CustomResourceOptions);
    /** @internal */
    constructor(name: string, args: VolumeArgs | VolumeGetState | undefined, opts?: pulumi.CustomResourceOptions);
    constructor(name: string, args: VolumeArgs | VolumeGetState | undefined, opts?: pulumi.CustomResourceOptions) {
        const props = volumeProps(Object.keys(flyVolumeRules), args, opts, () => defaultFlyVolumeName(name), {
            cloud: "fly",
            type: "Volume",
            name,
        });
        const restore = withoutPromiseTraces();
        try {
            super(provider, name, props, withoutImport(opts), "fly", "Volume");
        } finally {
            restore();
        }
    }
}
