import * as pulumi from "@pulumi/pulumi";
import { resolveSetting } from "../../provider/core/config";
import { VolumeError } from "../../provider/core/errors";
import { toNetworkVolumeOutputs } from "../../provider/neevcloud/provider";
import { neevcloudOrgIdSetting, neevcloudProjectIdSetting, type NetworkVolumeOutputs } from "../../provider/neevcloud/schema";
import { neevcloudSession } from "../../provider/neevcloud/session";
import { inAccount, lookupDeadline } from "../core/lookup";

/** Arguments of {@link getNetworkVolumes}. */
export interface GetNetworkVolumesArgs {
    /** Organization id. Default: `neevcloud:orgId`, then NEEVCLOUD_ORG_ID. */
    orgId?: string;
    /** Project id. Default: `neevcloud:projectId`, then NEEVCLOUD_PROJECT_ID. */
    projectId?: string;
    /** Only bound (ready) volumes. Default false. */
    available?: boolean;
    /** Which account's credentials and endpoint to list with (as a resource's `account`). Absent: the default keys. */
    account?: string;
}

/** One volume as listed: the outputs a `NetworkVolume` would have, plus its Pulumi id. */
export interface NetworkVolumeInfo extends Omit<NetworkVolumeOutputs, "timeouts" | "attachedTo" | "mountPath"> {
    /** Pulumi id, `<orgId>/<projectId>/<volumeId>`: pass it to `NetworkVolume.get` to adopt the volume. */
    id: string;
}

/** Result of {@link getNetworkVolumes}. */
export interface GetNetworkVolumesResult {
    /** The organization listed. */
    orgId: string;
    /** The project listed. */
    projectId: string;
    /** Its volumes, every page walked. */
    volumes: NetworkVolumeInfo[];
}

/** Lists a project's network volumes, for adoption and inspection. Runs in the program, at preview too. */
export function getNetworkVolumes(args: GetNetworkVolumesArgs = {}): Promise<GetNetworkVolumesResult> {
    return inAccount("neevcloud.getNetworkVolumes", args.account, () => listNetworkVolumes(args));
}

async function listNetworkVolumes(args: GetNetworkVolumesArgs): Promise<GetNetworkVolumesResult> {
    const deadline = lookupDeadline();
    const orgId = args.orgId ?? resolveSetting(neevcloudOrgIdSetting);
    const projectId = args.projectId ?? resolveSetting(neevcloudProjectIdSetting);
    if (!orgId || !projectId) {
        throw new VolumeError(
            "neevcloud getNetworkVolumes: set orgId and projectId, or neevcloud:orgId/neevcloud:projectId, or NEEVCLOUD_ORG_ID/NEEVCLOUD_PROJECT_ID",
        );
    }
    const list = await neevcloudSession().client.listVolumes({ orgId, projectId }, deadline, { available: args.available || undefined });
    const volumes = list.map((v) => ({ id: `${orgId}/${projectId}/${v.id}`, ...toNetworkVolumeOutputs({}, v) }));
    return { orgId, projectId, volumes };
}

/** {@link getNetworkVolumes} taking and giving Outputs. */
export function getNetworkVolumesOutput(args: pulumi.Input<GetNetworkVolumesArgs> = {}): pulumi.Output<GetNetworkVolumesResult> {
    return pulumi.output(args).apply((a) => getNetworkVolumes(a as GetNetworkVolumesArgs));
}
