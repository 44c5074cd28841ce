import * as pulumi from "@pulumi/pulumi";
import { agentbaySession } from "../../provider/agentbay/session";
import { defineLookup, inAccount, lookupDeadline } from "../core/lookup";

/** Arguments of {@link getVolumes}. */
export interface GetVolumesArgs {
    /** The image whose volumes to list (AgentBay requires it). */
    imageId: string;
    /** Only the volume of exactly this name. */
    name?: string;
    /** Which account's credentials and endpoint to list with (as a resource's `account`). Absent: the default keys. */
    account?: string;
}

/** One volume as AgentBay lists it. */
export interface VolumeInfo {
    /** Pulumi id, `<imageId>/<volumeId>`: pass it to `agentbay.Volume.get` to adopt the volume. */
    id: string;
    /** AgentBay's volume id: what `CreateMcpSession` takes as `VolumeId`. */
    volumeId: string;
    /** Volume name. */
    name?: string;
    /** Free-form status (`Available`). */
    status?: string;
    /** `BelongingImageId`. */
    belongingImageId?: string;
    /** `CreateTime`, as AgentBay wrote it. */
    createdAt?: string;
}

/** Result of {@link getVolumes}. */
export interface GetVolumesResult {
    /** The image listed. */
    imageId: string;
    /** Its volumes (every page of `NextToken` walked). The list lags a few seconds behind a create. */
    volumes: VolumeInfo[];
}

const listVolumes = defineLookup("pulumi-volumes:agentbay:getVolumes", (args: GetVolumesArgs): Promise<GetVolumesResult> =>
    inAccount("agentbay.getVolumes", args.account, async () => {
        const deadline = lookupDeadline();
        const list = await agentbaySession().client.listVolumes({ imageId: args.imageId, name: args.name }, deadline);
        const volumes = list.map((v) => ({
            id: `${args.imageId}/${v.id}`,
            volumeId: v.id,
            name: v.name,
            status: v.status,
            belongingImageId: v.imageId,
            createdAt: v.createdAt,
        }));
        return { imageId: args.imageId, volumes };
    }),
);

/**
 * Lists an image's volumes, for adoption and inspection. Runs in the program, at preview too. Under
 * `pulumi.runtime.setMocks` it sends nothing: it is the invoke `pulumi-volumes:agentbay:getVolumes`,
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
