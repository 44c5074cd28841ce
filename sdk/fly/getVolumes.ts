import * as pulumi from "@pulumi/pulumi";
import { toFlyVolumeOutputs } from "../../provider/fly/provider";
import { flySession } from "../../provider/fly/session";
import { goneStates } from "../../provider/fly/wire";
import { defineLookup, inAccount, lookupDeadline } from "../core/lookup";

/** Arguments of {@link getVolumes}. */
export interface GetVolumesArgs {
    /** The Fly app whose volumes to list. */
    app: string;
    /** Include soft-deleted volumes (Fly keeps them listed for a day). Default false. */
    includeDeleted?: boolean;
    /** Which account's credentials and endpoint to list with (as a resource's `account`). Absent: the default keys. */
    account?: string;
}

/**
 * One volume as Fly lists it: the outputs a `fly.Volume` has that Fly reports, plus its Pulumi id.
 * (tests/types/publicTypes.test.ts holds it to the provider's outputs type.)
 */
export interface VolumeInfo {
    /** Pulumi id, `<app>/<vol_id>`: pass it to `fly.Volume.get` to adopt the volume. */
    id: string;
    /** Fly's volume id, `vol_…`: what a Machine's mount names. */
    volumeId: string;
    /** The Fly app that owns the volume. */
    app: string;
    /** Volume name. */
    name: string;
    /** Region code. */
    region: string;
    /** Size in GB. */
    sizeGb: number;
    /** Fly's state: `created`, `hydrating`, `extending`, … */
    state: string;
    /** Whether it is encrypted at rest. */
    encrypted?: boolean;
    /** `ext4` or `raw`. */
    fstype?: "ext4" | "raw";
    /** Days snapshots are kept. */
    snapshotRetention?: number;
    /** Whether daily snapshots are on. */
    autoBackupEnabled?: boolean;
    /** The zone Fly placed it in. */
    zone?: string;
    /** The Machine it is attached to, if any. */
    attachedMachineId?: string;
    /** When it was created (RFC 3339). */
    createdAt?: string;
    /** Health of its host: `ok`, `unknown` or `unreachable`. */
    hostStatus?: string;
    /** Fly's volume type: `local` or `cache`. */
    volumeType?: string;
    /** Filesystem block size in bytes. */
    blockSize?: number;
    /** Blocks in the filesystem. */
    blocks?: number;
    /** Free blocks. */
    blocksFree?: number;
    /** Blocks available to unprivileged users. */
    blocksAvail?: number;
    /** Filesystem size in bytes. */
    bytesTotal?: number;
    /** Bytes in use. */
    bytesUsed?: number;
}

/** Result of {@link getVolumes}. */
export interface GetVolumesResult {
    /** The app listed. */
    app: string;
    /** Its volumes, in Fly's order. */
    volumes: VolumeInfo[];
}

const listVolumes = defineLookup("pulumi-volumes:fly:getVolumes", (args: GetVolumesArgs): Promise<GetVolumesResult> =>
    inAccount("fly.getVolumes", args.account, async () => {
        const deadline = lookupDeadline();
        const all = await flySession().client.listVolumes(args.app, deadline);
        const volumes = all
            .filter((v) => args.includeDeleted || !goneStates.has(v.state))
            .map((v): VolumeInfo => ({ id: `${args.app}/${v.id}`, ...toFlyVolumeOutputs(args.app, {}, v) }));
        return { app: args.app, volumes };
    }),
);

/**
 * Lists an app's volumes, for adoption and inspection. Runs in the program, at preview too. Under
 * `pulumi.runtime.setMocks` it sends nothing: it is the invoke `pulumi-volumes:fly:getVolumes`,
 * answered by the mocks' `call`.
 */
export function getVolumes(args: GetVolumesArgs): Promise<GetVolumesResult> {
    return listVolumes(args);
}

/** Arguments of {@link getVolumesOutput}: {@link GetVolumesArgs} whose fields may be Outputs. */
export type GetVolumesOutputArgs = { [K in keyof GetVolumesArgs]: pulumi.Input<GetVolumesArgs[K]> };

/** {@link getVolumes} taking and giving Outputs. */
export function getVolumesOutput(args: GetVolumesOutputArgs | pulumi.Input<GetVolumesArgs>): pulumi.Output<GetVolumesResult> {
    return pulumi.output(args).apply((a) => getVolumes(a as GetVolumesArgs));
}
