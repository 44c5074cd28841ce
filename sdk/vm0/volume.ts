import * as pulumi from "@pulumi/pulumi";
import { resolve } from "node:path";
import { vm0VolumeRules } from "../../provider/vm0/rules";
import { defaultVm0VolumeName } from "../../provider/vm0/schema";
import { volumeProps, withoutImport } from "../core/props";
import { withoutPromiseTraces } from "../core/provider";
import provider from "./handler";
import type { VolumeGetState, VolumeTimeouts } from "../core/types";

/** Arguments of a {@link Volume}: a local directory published as the volume's versions. */
export interface VolumeArgs {
    /**
     * The directory to publish: a path (relative to the program's directory) or a
     * `pulumi.asset.FileArchive` of a directory. Its content is what counts: a file added, removed or
     * changed publishes a new version (or moves HEAD back to an identical older one); timestamps
     * and the path itself do not. At most 100 MB, 50,000 files, each path inside the directory.
     */
    source: pulumi.Input<string | pulumi.asset.FileArchive>;
    /**
     * The volume's name, unique in the VM0 organization: 3–64 lowercase letters, digits and `-`,
     * alphanumeric at both ends, no `--`. Default: the resource name in that form. Replaces the
     * volume when changed (VM0 has no rename; the old volume stays in VM0).
     */
    name?: pulumi.Input<string>;
    /** The message of a new version. Changing it alone publishes nothing: it goes with the next content change. */
    message?: pulumi.Input<string>;
    /** Seconds per operation (default 300 each). A change to it alone is no change to the volume. */
    timeouts?: pulumi.Input<VolumeTimeouts>;
    /**
     * Which credentials and endpoint to use: the name of an account, read at run time from
     * `vm0:accounts.<name>.token` / `.apiUrl` in the stack config, or `VM0_TOKEN_<NAME>` / `VM0_API_URL_<NAME>`.
     * Absent: the default keys. Only the name is stored; a change re-points later operations and
     * sends nothing.
     */
    account?: pulumi.Input<string>;
}

/**
 * A VM0 volume (vm0.ai). Pulumi id: VM0's volume id.
 *
 * `new vm0.Volume(name, { source })` publishes a directory as a version (through the storage API the
 * vm0 CLI uses, not part of VM0's documented public API) and publishes again when its content
 * changes. `vm0.Volume.get(name, id)` adopts an existing volume read-only. VM0 has no delete: the
 * class defaults `retainOnDelete: true`, so a destroy or a replacement leaves the volume in VM0.
 */
export class Volume extends pulumi.dynamic.Resource {
    /** VM0's volume id (a UUID in production). */
    declare readonly volumeId: pulumi.Output<string>;
    /** The volume's name. */
    declare readonly name: pulumi.Output<string>;
    /** HEAD: the current version's id (64-hex). Wire it into the agents and compute that read the volume. */
    declare readonly currentVersionId: pulumi.Output<string | undefined>;
    /** Bytes of the current version. */
    declare readonly size: pulumi.Output<number | undefined>;
    /** Files in the current version. */
    declare readonly fileCount: pulumi.Output<number | undefined>;
    /** When the volume was created (ISO 8601). */
    declare readonly createdAt: pulumi.Output<string | undefined>;
    /** When it last changed (ISO 8601). */
    declare readonly updatedAt: pulumi.Output<string | undefined>;
    /** The directory published, as an absolute path (absent on an adopted volume). */
    declare readonly source: pulumi.Output<string | undefined>;
    /** The content fingerprint of the published directory (paths, sizes, SHA-256), absent when HEAD moved elsewhere. */
    declare readonly sourceHash: pulumi.Output<string | undefined>;
    /** The message declared. */
    declare readonly message: pulumi.Output<string | undefined>;
    /** Operation time limits, as declared. */
    declare readonly timeouts: pulumi.Output<VolumeTimeouts | undefined>;
    /** The account whose credentials and endpoint it uses, as declared (absent: the default keys). */
    declare readonly account: pulumi.Output<string | undefined>;

    /**
     * Tracks an existing VM0 volume read-only by its id (`vm0.getVolume({ name })` finds it): its
     * outputs refresh with `pulumi refresh`, and a volume gone from VM0 is dropped. To publish to
     * one, declare it with `source` and the `import: "<id>"` option.
     */
    static get(name: string, id: pulumi.Input<pulumi.ID>, opts?: pulumi.CustomResourceOptions, state?: VolumeGetState): Volume {
        return new Volume(name, state, { ...opts, id });
    }

    constructor(name: string, args: VolumeArgs, opts?: pulumi.CustomResourceOptions);
    /** @internal */
    constructor(name: string, args: VolumeArgs | VolumeGetState | undefined, opts?: pulumi.CustomResourceOptions);
    constructor(name: string, args: VolumeArgs | VolumeGetState | undefined, opts?: pulumi.CustomResourceOptions) {
        const declared =
            args && "source" in args ? { ...args, source: args.source === undefined ? undefined : absoluteSource(args.source) } : args;
        const props = volumeProps(Object.keys(vm0VolumeRules), declared, opts, () => defaultVm0VolumeName(name), {
            cloud: "vm0",
            type: "Volume",
            name,
        });
        // VM0 has no delete: unless the program says otherwise, the engine retains the volume and says so.
        const restore = withoutPromiseTraces();
        try {
            super(provider, name, props, { ...withoutImport(opts), retainOnDelete: opts?.retainOnDelete ?? true }, "vm0", "Volume");
        } finally {
            restore();
        }
    }
}

/**
 * The directory resolved here, in the program's process, so the provider (another process, maybe
 * another working directory) gets an absolute path. A FileArchive stays a FileArchive (the host
 * hands the provider its `path`), with that path made absolute. (`pulumi.output` is not applied to
 * an archive itself: it would flatten it into a plain object.)
 */
function absoluteSource(source: pulumi.Input<string | pulumi.asset.FileArchive>): pulumi.Input<string | pulumi.asset.FileArchive> {
    if (typeof source === "string") return resolve(source);
    const value: unknown = source;
    if (pulumi.asset.Archive.isInstance(value)) {
        const path = (value as { path?: unknown }).path;
        return path === undefined ? source : new pulumi.asset.FileArchive(Promise.resolve(path).then((p) => resolve(String(p))));
    }
    // An Output or Promise: a string is resolved when known; anything else is passed on as it comes.
    return pulumi.output(source).apply((s: unknown) => (typeof s === "string" ? resolve(s) : s)) as pulumi.Input<string>;
}
