/**
 * Publishing a directory as a VM0 version: prepare → upload the archive and the manifest to the
 * presigned URLs (never with the VM0 token) → commit; then the volume read back through the
 * public API. Exactly one version results under faults:
 * - prepare and commit are resent freely: the version id is a function of (volume, files), and a
 *   commit of a stored version only re-points HEAD, so a lost commit response, resent, changes
 *   nothing more (docs/apis/vm0.md §2; the emulator's commit does the same);
 * - an upload that fails with a 5xx or a broken connection is retried by `transfer`;
 * - a refused presigned URL (403: expired) or a commit answering that an upload is missing (409
 *   `S3_FILES_MISSING`, or the 400 "… not uploaded") starts a new round: prepare again (fresh
 *   URLs, same version id), upload again, commit again; at most three rounds.
 */
import type { Deadline } from "../../core/deadline";
import { ApiError, VolumeError } from "../../core/errors";
import { transfer } from "../../core/transfer";
import { manifestBytes, packArchive, type PackedArchive } from "./archive";
import type { Vm0Client } from "../client";
import { assertUnchanged, scanSource, type SourceScan } from "./source";
import { vm0StorageClient, type PrepareResult, type Vm0StorageClient } from "./storageClient";
import type { Vm0Volume, Vm0VolumeDetail } from "../wire";

/** Rounds of prepare → upload → commit before a refused URL or missing upload is reported. */
const maxRounds = 3;

export interface PublishArgs {
    /** The directory to publish. */
    dir: string;
    /** The volume's name (VM0's name rule); prepare makes the volume when it does not exist. */
    name: string;
    /** The new version's message (VM0 keeps the first message of a version: a re-commit does not change it). */
    message?: string;
}

export interface PublishResult {
    /** HEAD after the commit. */
    versionId: string;
    /** Bytes and files of that version. */
    size: number;
    fileCount: number;
    /** The version was stored already (same content as an earlier one): HEAD moved back to it, nothing was uploaded. */
    existing: boolean;
    /** The content fingerprint of what was published (source.ts). */
    sourceHash: string;
}

export interface PublishOptions {
    /** The storage client (default: the one of the current credentials). */
    storage?: Vm0StorageClient;
    /** Called with the first prepare's answer, before anything is uploaded or committed; throws to stop. */
    beforeUpload?: (prepared: PrepareResult, scan: SourceScan) => void | Promise<void>;
    /** Called just before each commit (after the uploads); throws to stop: nothing is committed. */
    beforeCommit?: (prepared: PrepareResult) => void | Promise<void>;
    /** A scan made already (check, a guard); scanned afresh when absent. */
    scan?: SourceScan;
}

export async function publishVersion(args: PublishArgs, deadline: Deadline, options: PublishOptions = {}): Promise<PublishResult> {
    const scan = options.scan ?? (await scanSource(args.dir));
    const storage = options.storage ?? vm0StorageClient();
    const what = `vm0 publish volume ${args.name}`;
    const manifest = manifestBytes(scan.files);
    let archive: PackedArchive | undefined;
    try {
        for (let round = 1; ; round++) {
            deadline.check(what);
            const prepared = await storage.prepare({ storageName: args.name, files: scan.files }, deadline);
            if (round === 1) await options.beforeUpload?.(prepared, scan);
            if (!prepared.existing) {
                const uploads = prepared.uploads;
                if (!uploads) {
                    throw new VolumeError(
                        `${what}: VM0 answered a new version without upload URLs; the storage API may have changed, please report it`,
                    );
                }
                try {
                    if (scan.files.length > 0) {
                        if (!archive) {
                            archive = await packArchive(scan);
                            await assertUnchanged(scan);
                        }
                        const packed = archive;
                        await transfer({
                            cloud: "vm0",
                            url: uploads.archive.presignedUrl,
                            method: "PUT",
                            headers: { "content-type": "application/gzip", "content-length": String(packed.bytes) },
                            body: () => packed.open(),
                            deadline,
                            operation: "upload archive",
                            target: args.name,
                        });
                    }
                    await transfer({
                        cloud: "vm0",
                        url: uploads.manifest.presignedUrl,
                        method: "PUT",
                        headers: { "content-type": "application/json", "content-length": String(manifest.length) },
                        body: () => manifest,
                        deadline,
                        operation: "upload manifest",
                        target: args.name,
                    });
                } catch (error) {
                    // A presigned URL that expired (or was refused) is replaced by a fresh prepare.
                    if (round < maxRounds && error instanceof ApiError && error.status === 403) continue;
                    throw error;
                }
            }
            await options.beforeCommit?.(prepared);
            try {
                const committed = await storage.commit(
                    { storageName: args.name, versionId: prepared.versionId, files: scan.files, message: args.message },
                    deadline,
                );
                return {
                    versionId: committed.versionId,
                    size: committed.size ?? scan.totalBytes,
                    fileCount: committed.fileCount ?? scan.files.length,
                    existing: prepared.existing,
                    sourceHash: scan.sourceHash,
                };
            } catch (error) {
                // The store lost (or never got) an upload: upload again to fresh URLs, then commit again.
                if (round < maxRounds && uploadMissing(error)) continue;
                throw error;
            }
        }
    } finally {
        await archive?.dispose();
    }
}

/**
 * The volume named `name`, from every page of the public list (de-duplicated by the client).
 * VM0's list cursor can skip rows, so "not listed" is not proof of absence: callers say so.
 * A freshly prepared volume is the newest, on the first page, which the cursor never skips.
 */
export async function findVolumeByName(client: Vm0Client, name: string, deadline: Deadline): Promise<Vm0Volume | undefined> {
    let all: Vm0Volume[];
    try {
        all = await client.listVolumes(deadline);
    } catch (error) {
        // Said of the volume being published (a bad token fails here first), not of the list alone.
        if (error instanceof ApiError && error.details.target === undefined) {
            throw new ApiError({ ...error.details, target: `for ${name}` }, { cause: error });
        }
        throw error;
    }
    const matches = all.filter((v) => v.name === name);
    if (matches.length > 1) {
        throw new VolumeError(
            `vm0: ${matches.length} volumes are named '${name}' (${matches.map((v) => v.id).join(", ")}); ` +
                "VM0 keeps names unique, so this is unexpected: adopt the right one with vm0.Volume.get(name, id)",
        );
    }
    return matches[0];
}

/** The volume read back by id after a publish; an error when VM0 no longer has it. */
export async function readBack(client: Vm0Client, volumeId: string, deadline: Deadline): Promise<Vm0VolumeDetail> {
    const v = await client.getVolume(volumeId, deadline);
    if (!v) throw new VolumeError(`vm0 read volume ${volumeId}: VM0 has no such volume any more (404) right after publishing to it`);
    return v;
}

/** A commit refused because the store lacks an upload: 409 `S3_FILES_MISSING`, or 400 "Manifest not uploaded". */
function uploadMissing(error: unknown): boolean {
    if (!(error instanceof ApiError)) return false;
    if (error.code === "S3_FILES_MISSING") return true;
    return error.status === 400 && /not uploaded|not found in storage/i.test(error.details.cloudMessage ?? "");
}
