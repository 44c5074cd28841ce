import * as pulumi from "@pulumi/pulumi";
import { resolveSetting } from "../../provider/core/config";
import { VolumeError } from "../../provider/core/errors";
import { toNetworkVolumeOutputs } from "../../provider/neevcloud/provider";
import { neevcloudOrgIdSetting, neevcloudProjectIdSetting } from "../../provider/neevcloud/schema";
import { neevcloudSession } from "../../provider/neevcloud/session";
import { defineLookup, inAccount, lookupDeadline } from "../core/lookup";
import type { AttachedTo, VolumeAttachment } from "./types";

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

/**
 * One volume as listed: the outputs a `NetworkVolume` has that NeevCloud reports, plus its Pulumi id.
 * (tests/types/publicTypes.test.ts holds it to the provider's outputs type.)
 */
export interface NetworkVolumeInfo {
    /** Pulumi id, `<orgId>/<projectId>/<volumeId>`: pass it to `NetworkVolume.get` to adopt the volume. */
    id: string;
    /** NeevCloud's volume id (UUID). */
    volumeId: string;
    /** Organization id. */
    orgId: string;
    /** Project id. */
    projectId: string;
    /** Region id. */
    regionId: string;
    /** Volume name. */
    name: string;
    /** Size in GB. */
    sizeGb: number;
    /** `filesystem` or `block`. */
    volumeMode: "filesystem" | "block";
    /** `pending`, `bound` (ready), `failed` or `terminated`. */
    status: string;
    /** True when the volume reads `bound`: a listed volume has no history, so this is its status now. */
    readyOnce?: boolean;
    /** State of the latest extension: `resizing`, `succeeded` or `failed`. */
    extensionStatus?: string;
    /** Provisioned capacity last observed for the latest extension, in GB. */
    actualSizeGb?: number;
    /** Pricing plan id. */
    planId?: string;
    /** AIRuntime instances attached. */
    airuntimeInstances?: AttachedTo[];
    /** Current mounts. */
    volumeAttachments?: VolumeAttachment[];
    /** When it was created. */
    createdAt?: string;
    /** When it last changed. */
    updatedAt?: string;
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

const listNetworkVolumes = defineLookup(
    "pulumi-volumes:neevcloud:getNetworkVolumes",
    (args: GetNetworkVolumesArgs): Promise<GetNetworkVolumesResult> =>
        inAccount("neevcloud.getNetworkVolumes", args.account, async () => {
            const deadline = lookupDeadline();
            const orgId = args.orgId ?? resolveSetting(neevcloudOrgIdSetting);
            const projectId = args.projectId ?? resolveSetting(neevcloudProjectIdSetting);
            if (!orgId || !projectId) {
                throw new VolumeError(
                    "neevcloud getNetworkVolumes: set orgId and projectId, or " +
                        "neevcloud:orgId/neevcloud:projectId, or NEEVCLOUD_ORG_ID/NEEVCLOUD_PROJECT_ID",
                );
            }
            const list = await neevcloudSession().client.listVolumes({ orgId, projectId }, deadline, {
                available: args.available || undefined,
            });
            const volumes = list.map((v): NetworkVolumeInfo => ({ id: `${orgId}/${projectId}/${v.id}`, ...toNetworkVolumeOutputs({}, v) }));
            return { orgId, projectId, volumes };
        }),
);

/**
 * Lists a project's network volumes, for adoption and inspection. Runs in the program, at preview
 * too. Under `pulumi.runtime.setMocks` it sends nothing: it is the invoke
 * `pulumi-volumes:neevcloud:getNetworkVolumes`, answered by the mocks' `call`.
 */
export function getNetworkVolumes(args: GetNetworkVolumesArgs = {}): Promise<GetNetworkVolumesResult> {
    return listNetworkVolumes(args);
}

/** Arguments of {@link getNetworkVolumesOutput}: {@link GetNetworkVolumesArgs} whose fields may be Outputs. */
export type GetNetworkVolumesOutputArgs = { [K in keyof GetNetworkVolumesArgs]: pulumi.Input<GetNetworkVolumesArgs[K]> };

/** {@link getNetworkVolumes} taking and giving Outputs. */
export function getNetworkVolumesOutput(
    args: GetNetworkVolumesOutputArgs | pulumi.Input<GetNetworkVolumesArgs> = {},
): pulumi.Output<GetNetworkVolumesResult> {
    return pulumi.output(args).apply((a) => getNetworkVolumes(a as GetNetworkVolumesArgs));
}
