import * as pulumi from "@pulumi/pulumi";
import type { Flat } from "../../provider/core/schemas";
import { toFlyVolumeOutputs } from "../../provider/fly/provider";
import type { FlyVolumeOutputs } from "../../provider/fly/schema";
import { flySession } from "../../provider/fly/session";
import { goneStates } from "../../provider/fly/wire";
import { inAccount, lookupDeadline } from "../core/lookup";

/** Arguments of {@link getVolumes}. */
export interface GetVolumesArgs {
    /** The Fly app whose volumes to list. */
    app: string;
    /** Include soft-deleted volumes (Fly keeps them listed for a day). Default false. */
    includeDeleted?: boolean;
    /** Which account's credentials and endpoint to list with (as a resource's `account`). Absent: the default keys. */
    account?: string;
}

/** Outputs only a declaration gives: a listed volume has none of them. */
type DeclaredOnly =
    "timeouts" | "compute" | "computeImage" | "requireUniqueZone" | "uniqueZoneAppWide" | "snapshotId" | "sourceVolumeId" | "needsRestart";

/** One volume as Fly lists it: the outputs a `fly.Volume` would have (those Fly reports), plus its Pulumi id. */
export type VolumeInfo = Flat<
    Omit<FlyVolumeOutputs, DeclaredOnly> & {
        /** Pulumi id, `<app>/<vol_id>`: pass it to `fly.Volume.get` to adopt the volume. */
        id: string;
    }
>;

/** Result of {@link getVolumes}. */
export interface GetVolumesResult {
    /** The app listed. */
    app: string;
    /** Its volumes, in Fly's order. */
    volumes: VolumeInfo[];
}

/** Lists an app's volumes, for adoption and inspection. Runs in the program, at preview too. */
export function getVolumes(args: GetVolumesArgs): Promise<GetVolumesResult> {
    return inAccount("fly.getVolumes", args.account, () => listVolumes(args));
}

async function listVolumes(args: GetVolumesArgs): Promise<GetVolumesResult> {
    const deadline = lookupDeadline();
    const all = await flySession().client.listVolumes(args.app, deadline);
    const volumes = all
        .filter((v) => args.includeDeleted || !goneStates.has(v.state))
        .map((v): VolumeInfo => ({ id: `${args.app}/${v.id}`, ...toFlyVolumeOutputs(args.app, {}, v) }));
    return { app: args.app, volumes };
}

/** {@link getVolumes} taking and giving Outputs. */
export function getVolumesOutput(args: pulumi.Input<GetVolumesArgs>): pulumi.Output<GetVolumesResult> {
    return pulumi.output(args).apply((a) => getVolumes(a as GetVolumesArgs));
}
