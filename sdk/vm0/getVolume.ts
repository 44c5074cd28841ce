import * as pulumi from "@pulumi/pulumi";
import { VolumeError } from "../../provider/core/errors";
import { vm0Session } from "../../provider/vm0/session";
import { requireVm0Id, type Vm0VolumeDetail } from "../../provider/vm0/wire";
import { defineLookup, inAccount, lookupDeadline } from "../core/lookup";
import type { LookupAccount } from "../core/types";

/** Look a volume up by its VM0 id. */
export interface GetVolumeByIdArgs extends LookupAccount {
    /** VM0's volume id (a UUID; the docs show `vol_…`). Read directly: the most reliable lookup. */
    id: string;
    name?: never;
}

/** Look a volume up by name. */
export interface GetVolumeByNameArgs extends LookupAccount {
    /**
     * The volume's name (unique in the organization). Found by listing every page; VM0's list can
     * skip volumes when there are more than 100 (a server bug), so prefer `id` when you know it.
     */
    name: string;
    id?: never;
}

/** Arguments of {@link getVolume}: exactly one of `id` or `name`. */
export type GetVolumeArgs = GetVolumeByIdArgs | GetVolumeByNameArgs;

/** One immutable version of a VM0 volume. */
export interface VolumeVersion {
    /** The version id: a 64-hex content hash. Any unique prefix of ≥ 8 characters names it too. */
    id: string;
    /** The volume it belongs to. */
    volumeId?: string;
    /** Bytes. */
    size?: number;
    /** Number of files. */
    fileCount?: number;
    /** The commit message, if any. */
    message?: string;
    /** `user`, or `agent` when a run wrote it. */
    createdBy?: string;
    /** ISO 8601. */
    createdAt?: string;
}

/**
 * Result of {@link getVolume}: the volume (its `id` is what `vm0.Volume.get` adopts) and its current
 * version in full. (tests/types/publicTypes.test.ts holds it to the provider's type.)
 */
export interface GetVolumeResult {
    /** VM0's id: a UUID in production, `vol_…` in the docs; opaque. */
    id: string;
    /** The volume's name, unique in its organization. */
    name?: string;
    /** HEAD: the current version's id (64-hex content hash); absent before the first version. */
    currentVersionId?: string;
    /** Bytes of the current version. */
    size?: number;
    /** Files in the current version. */
    fileCount?: number;
    /** ISO 8601. */
    createdAt?: string;
    /** ISO 8601. */
    updatedAt?: string;
    /** The current version in full; absent before the first version. */
    currentVersion?: VolumeVersion;
}

/**
 * A VM0 volume with its current version, by id or by name. Runs in the program, at preview too.
 * A name matching no volume, or several, is an error that says so. Under `pulumi.runtime.setMocks`
 * it sends nothing: it is the invoke `pulumi-volumes:vm0:getVolume`, answered by the mocks' `call`.
 */
export async function getVolume(args: GetVolumeArgs): Promise<GetVolumeResult> {
    // Bad arguments fail before credentials are read or any request is sent, under mocks too.
    const hasId = args?.id !== undefined;
    const hasName = args?.name !== undefined;
    if (hasId === hasName) throw new VolumeError("vm0.getVolume: give exactly one of `id` or `name`");
    if (hasId) requireVm0Id(args.id, "volume id");
    else if (typeof args.name !== "string" || args.name === "") throw new VolumeError("vm0.getVolume: `name` must be a non-empty string");
    return lookupVolume(args);
}

const lookupVolume = defineLookup("pulumi-volumes:vm0:getVolume", (args: GetVolumeArgs): Promise<GetVolumeResult> =>
    inAccount("vm0.getVolume", args.account, async () => {
        const hasName = args.name !== undefined;
        const deadline = lookupDeadline();
        const { client } = vm0Session();
        let id: string;
        if (!hasName) {
            id = args.id as string;
        } else {
            const name = args.name as string;
            const all = await client.listVolumes(deadline);
            const named = all.filter((v) => v.name === name);
            if (named.length === 0) {
                throw new VolumeError(
                    `vm0.getVolume: no volume named '${name}' among the ${all.length} VM0 listed. ` +
                        "Check the name and the organization of the token; VM0's list can skip volumes when there are more than 100 " +
                        "(a known server bug), so if it exists, look it up by `id` (`vm0 volume list` shows it).",
                );
            }
            if (named.length > 1) {
                throw new VolumeError(
                    `vm0.getVolume: ${named.length} volumes are named '${name}' ` +
                        `(${named.map((v) => v.id).join(", ")}); look one up by \`id\``,
                );
            }
            id = (named[0] as { id: string }).id;
        }
        const v = await client.getVolume(id, deadline);
        if (!v) throw new VolumeError(`vm0.getVolume: no volume with id '${id}'${hasName ? ` (named '${args.name}' a moment ago)` : ""}`);
        return toResult(v);
    }),
);

/** Arguments of {@link getVolumeOutput}: {@link GetVolumeArgs} whose fields may be Outputs. */
export type GetVolumeOutputArgs =
    | { [K in keyof GetVolumeByIdArgs]: pulumi.Input<GetVolumeByIdArgs[K]> }
    | { [K in keyof GetVolumeByNameArgs]: pulumi.Input<GetVolumeByNameArgs[K]> };

/** {@link getVolume} taking and giving Outputs. */
export function getVolumeOutput(args: GetVolumeOutputArgs | pulumi.Input<GetVolumeArgs>): pulumi.Output<GetVolumeResult> {
    return pulumi.output(args).apply((a) => getVolume(a as GetVolumeArgs));
}

function toResult(v: Vm0VolumeDetail): GetVolumeResult {
    const head = v.currentVersionId ?? v.currentVersion?.id;
    // HEAD's own figures: VM0 leaves the volume record's size and fileCount stale after a rollback.
    const version = v.currentVersion && v.currentVersion.id === head ? v.currentVersion : undefined;
    return { ...v, currentVersionId: head, ...(version ? { size: version.size, fileCount: version.fileCount } : {}) };
}
