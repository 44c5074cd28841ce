import * as pulumi from "@pulumi/pulumi";
import { VolumeError } from "../../provider/core/errors";
import { vm0Session } from "../../provider/vm0/session";
import { requireVm0Id } from "../../provider/vm0/wire";
import { defineLookup, inAccount, lookupDeadline } from "../core/lookup";
import type { LookupAccount } from "../core/types";
import type { VolumeVersion } from "./getVolume";

/** Arguments of {@link getVolumeVersions}. */
export interface GetVolumeVersionsArgs extends LookupAccount {
    /** VM0's volume id. */
    id: string;
}

/** Result of {@link getVolumeVersions}. */
export interface GetVolumeVersionsResult {
    /** The volume listed. */
    id: string;
    /** Every version VM0 lists, newest first, each once. */
    versions: VolumeVersion[];
}

/**
 * Every version of a VM0 volume. Runs in the program, at preview too. Under `pulumi.runtime.setMocks`
 * it sends nothing: it is the invoke `pulumi-volumes:vm0:getVolumeVersions`, answered by the mocks' `call`.
 */
export async function getVolumeVersions(args: GetVolumeVersionsArgs): Promise<GetVolumeVersionsResult> {
    requireVm0Id(args.id, "volume id");
    return listVersions(args);
}

const listVersions = defineLookup("pulumi-volumes:vm0:getVolumeVersions", (args: GetVolumeVersionsArgs): Promise<GetVolumeVersionsResult> =>
    inAccount("vm0.getVolumeVersions", args.account, async () => {
        const deadline = lookupDeadline();
        const id = requireVm0Id(args.id, "volume id");
        const versions = await vm0Session().client.listVersions(id, deadline);
        return { id, versions };
    }),
);

/** Arguments of {@link getVolumeVersionsOutput}: {@link GetVolumeVersionsArgs} whose fields may be Outputs. */
export type GetVolumeVersionsOutputArgs = { [K in keyof GetVolumeVersionsArgs]: pulumi.Input<GetVolumeVersionsArgs[K]> };

/** {@link getVolumeVersions} taking and giving Outputs. */
export function getVolumeVersionsOutput(
    args: GetVolumeVersionsOutputArgs | pulumi.Input<GetVolumeVersionsArgs>,
): pulumi.Output<GetVolumeVersionsResult> {
    return pulumi.output(args).apply((a) => getVolumeVersions(a as GetVolumeVersionsArgs));
}

/** Arguments of {@link getVolumeDownloadUrl}. */
export interface GetVolumeDownloadUrlArgs extends LookupAccount {
    /** VM0's volume id. */
    id: string;
    /** The version to download: its whole id or a unique prefix of ≥ 8 characters. Default: the current version. */
    versionId?: string;
}

/** Result of {@link getVolumeDownloadUrl}. */
export interface GetVolumeDownloadUrlResult {
    /** The volume. */
    id: string;
    /** The whole id of the version the URL downloads. */
    versionId?: string;
    /**
     * A presigned URL of the version's `tar.gz`, valid for about an hour. It is a bearer credential:
     * anyone holding it can read the files. {@link getVolumeDownloadUrlOutput} marks it secret.
     */
    url: string;
}

/**
 * A presigned download URL of a volume's archive (the current version, or `versionId`). VM0 answers
 * with a redirect; the URL is returned, never followed. Prefer {@link getVolumeDownloadUrlOutput},
 * whose result is secret. Under `pulumi.runtime.setMocks` it sends nothing: it is the invoke
 * `pulumi-volumes:vm0:getVolumeDownloadUrl`, answered by the mocks' `call`.
 */
export async function getVolumeDownloadUrl(args: GetVolumeDownloadUrlArgs): Promise<GetVolumeDownloadUrlResult> {
    requireVm0Id(args.id, "volume id");
    return downloadUrl(args);
}

const downloadUrl = defineLookup(
    "pulumi-volumes:vm0:getVolumeDownloadUrl",
    (args: GetVolumeDownloadUrlArgs): Promise<GetVolumeDownloadUrlResult> =>
        inAccount("vm0.getVolumeDownloadUrl", args.account, async () => {
            const deadline = lookupDeadline();
            const id = requireVm0Id(args.id, "volume id");
            const { client } = vm0Session();
            let versionId = args.versionId;
            if (versionId === undefined) {
                const v = await client.getVolume(id, deadline);
                if (!v) throw new VolumeError(`vm0.getVolumeDownloadUrl: no volume with id '${id}'`);
                versionId = v.currentVersionId ?? v.currentVersion?.id;
                if (!versionId) throw new VolumeError(`vm0.getVolumeDownloadUrl: volume '${v.name ?? id}' (${id}) has no versions yet`);
            }
            // Naming HEAD's whole id keeps the URL and the version id reported together consistent.
            const download = await client.downloadUrl(id, versionId, deadline);
            return { id, versionId: download.versionId ?? versionId, url: download.url };
        }),
);

/** Arguments of {@link getVolumeDownloadUrlOutput}: {@link GetVolumeDownloadUrlArgs} whose fields may be Outputs. */
export type GetVolumeDownloadUrlOutputArgs = { [K in keyof GetVolumeDownloadUrlArgs]: pulumi.Input<GetVolumeDownloadUrlArgs[K]> };

/** {@link getVolumeDownloadUrl} taking and giving Outputs; the result is secret, because the URL is a credential. */
export function getVolumeDownloadUrlOutput(
    args: GetVolumeDownloadUrlOutputArgs | pulumi.Input<GetVolumeDownloadUrlArgs>,
): pulumi.Output<GetVolumeDownloadUrlResult> {
    return pulumi.secret(pulumi.output(args).apply((a) => getVolumeDownloadUrl(a as GetVolumeDownloadUrlArgs)));
}
