import * as pulumi from "@pulumi/pulumi";
import { flySession } from "../../provider/fly/provider";
import { goneStates } from "../../provider/fly/wire";
import { lookupDeadline } from "../core/lookup";

/** Arguments of {@link getVolumes}. */
export interface GetVolumesArgs {
    /** The Fly app whose volumes to list. */
    app: string;
    /** Include soft-deleted volumes (Fly keeps them listed for a day). Default false. */
    includeDeleted?: boolean;
}

/** One volume as Fly lists it. */
export interface VolumeInfo {
    /** Pulumi id, `<app>/<vol_id>`: pass it to `fly.Volume.get` to adopt the volume. */
    id: string;
    /** Fly's volume id, `vol_…`. */
    volumeId: string;
    /** Volume name. */
    name?: string;
    /** Fly's state. */
    state: string;
    /** Size in GB. */
    sizeGb?: number;
    /** Region code. */
    region?: string;
    /** Zone. */
    zone?: string;
    /** Whether it is encrypted. */
    encrypted?: boolean;
    /** The Machine it is attached to, if any. */
    attachedMachineId?: string;
    /** When it was created. */
    createdAt?: string;
}

/** Result of {@link getVolumes}. */
export interface GetVolumesResult {
    /** The app listed. */
    app: string;
    /** Its volumes, in Fly's order. */
    volumes: VolumeInfo[];
}

/** Lists an app's volumes, for adoption and inspection. Runs in the program, at preview too. */
export async function getVolumes(args: GetVolumesArgs): Promise<GetVolumesResult> {
    const deadline = lookupDeadline();
    const all = await flySession().client.listVolumes(args.app, deadline);
    const volumes = all
        .filter((v) => args.includeDeleted || !goneStates.has(v.state))
        .map((v) => ({
            id: `${args.app}/${v.id}`,
            volumeId: v.id,
            name: v.name,
            state: v.state,
            sizeGb: v.sizeGb,
            region: v.region,
            zone: v.zone,
            encrypted: v.encrypted,
            attachedMachineId: v.attachedMachineId,
            createdAt: v.createdAt,
        }));
    return { app: args.app, volumes };
}

/** {@link getVolumes} taking and giving Outputs. */
export function getVolumesOutput(args: pulumi.Input<GetVolumesArgs>): pulumi.Output<GetVolumesResult> {
    return pulumi.output(args).apply((a) => getVolumes(a as GetVolumesArgs));
}
