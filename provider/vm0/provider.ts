/**
 * The engine-facing provider of `vm0.Volume`: a published volume (`source` → versions, through
 * publish/) assembled by the core from the operations below (check with the content fingerprint,
 * create, update, read, delete), and the read of an adopted one (`vm0.Volume.get`).
 */
import { checkInputs, type CheckOutcome } from "../core/check";
import type { Deadline } from "../core/deadline";
import { VolumeError } from "../core/errors";
import { warn } from "../core/log";
import { compact } from "../core/objects";
import { claimVolume, isClaimed, withNameLock } from "../core/ownership";
import { resourceProvider } from "../core/provider";
import { isUnknown, unknownValue } from "../core/unknown";
import { findVolumeByName, publishVersion, readBack, type PublishResult } from "./publish/publish";
import { vm0StorageClient } from "./publish/storageClient";
import { checkSource, scanSource, SourceError, type SourceScan } from "./publish/source";
import { vm0VolumeInputSpec } from "./rules";
import type { Vm0VolumeInputs, Vm0VolumeOutputs } from "./schema";
import { parseVm0VolumeId, vm0Endpoint, vm0Session } from "./session";
import type { Vm0VolumeDetail } from "./wire";

/** Where this process notes the VM0 names its creates published (VM0 keys volumes by name). */
const claims = "vm0/names";

/** The `vm0:Volume` provider (provider/index.ts loads it on first use). */
export const vm0VolumeProvider = resourceProvider({
    inputs: vm0VolumeInputSpec,
    endpoint: vm0Endpoint,
    // `import: "<volume id>"`: VM0 publishes by name, so the name is what this process claims.
    adoption: {
        subject: "vm0 volume",
        parseId: parseVm0VolumeId,
        claimOf: (_id, live) => ({ key: claims, id: live.name }),
        lookupHint: "`vm0.getVolume({ name })`",
    },
    // Hashes the directory: the diff compares content, and a bad directory fails before any request.
    check: checkVm0Volume,
    operations: {
        read: readVm0PublishedVolume,
        // VM0's prepare publishes by name: two resources of one deployment naming the same volume would
        // both publish to it and both hold it. Creates of one name take turns, and only the first gets it.
        create: (inputs, ctx) =>
            withNameLock(
                `vm0/${inputs.name}`,
                async () => {
                    if (isClaimed(claims, inputs.name)) {
                        throw new VolumeError(
                            `vm0 create volume ${inputs.name}: another vm0.Volume of this deployment publishes the volume ` +
                                `named '${inputs.name}'; give each its own name`,
                        );
                    }
                    const made = await createVm0Volume(inputs, ctx.deadline, (id, outs) => {
                        claimVolume(claims, inputs.name);
                        ctx.accepted(id, outs);
                    });
                    claimVolume(claims, inputs.name);
                    return made;
                },
                ctx.deadline,
            ),
        update: (id, olds, news, ctx) => updateVm0Volume(id, olds, news, ctx.deadline),
        // VM0 has no delete. The class defaults retainOnDelete, so the engine does not call this; when
        // a program turns it off, the volume still stays, and the person running Pulumi is told.
        delete: async (id, props, deadline) => warn(await deleteVm0Volume(id, props, deadline)),
    },
});

/**
 * The read of the read-only `vm0.Volume` (adopted with `vm0.Volume.get(name, id)`): fresh outputs,
 * or undefined when VM0 no longer has the volume, so `pulumi refresh` drops it.
 */
export async function readVm0Volume(id: string, deadline: Deadline) {
    parseVm0VolumeId(id);
    const v = await vm0Session().client.getVolume(id, deadline);
    if (!v) return undefined;
    const head = v.currentVersionId ?? v.currentVersion?.id;
    // HEAD's own figures: the volume record's are stale after a rollback.
    const figures = versionFigures(v, head) ?? v;
    return compact({
        volumeId: v.id,
        name: v.name,
        currentVersionId: head,
        size: figures.size,
        fileCount: figures.fileCount,
        createdAt: v.createdAt,
        updatedAt: v.updatedAt,
    });
}

/**
 * The check: the declared inputs by the schema, then the directory, scanned and hashed before any
 * request: a `source` CheckFailure for whatever VM0 would refuse, else `sourceHash` (the diff's
 * content key) added to the inputs. An unknown `source` (preview) makes `sourceHash` unknown too.
 */
export async function checkVm0Volume(olds: Record<string, unknown>, news: Record<string, unknown>): Promise<CheckOutcome<Vm0VolumeInputs>> {
    // Never declared: computed here from the files, whatever a program passed.
    const { sourceHash: _declared, ...rest } = news ?? {};
    void _declared;
    if (rest["source"] === undefined || rest["source"] === null) {
        return {
            inputs: checkInputs(vm0VolumeInputSpec, olds ?? {}, rest).inputs,
            failures: [{ property: "source", reason: vm0NotCreatable }],
        };
    }
    const declared = { ...rest, ...("source" in rest ? { source: await sourcePathOf(rest["source"]) } : {}) };
    const out = checkInputs(vm0VolumeInputSpec, olds ?? {}, declared);
    if (out.failures.length > 0) return out;
    const source = out.inputs.source;
    if (isUnknown(source)) return { inputs: { ...out.inputs, sourceHash: unknownValue }, failures: [] };
    const result = await checkSource(source);
    if ("failure" in result) return { inputs: out.inputs, failures: [result.failure] };
    return { inputs: { ...out.inputs, sourceHash: result.sourceHash }, failures: [] };
}

/**
 * Publishes the directory as the first version of a NEW volume. VM0's prepare upserts by name (its
 * only create), so a create publishes only into a volume it makes, never into one that exists:
 * - before anything is sent, the storage API's exact, unpaginated list (never the public list, whose
 *   cursor skips volumes) must not show the name: any volume of that name, whatever it holds, even
 *   nothing, is refused, naming its id and how to adopt it explicitly;
 * - prepare must answer a version not stored yet (a stored one: the volume held this content already);
 * - just before the commit, HEAD is read again by the exact name: it must be absent or this very
 *   version, else someone published to the name since the check, and nothing is committed.
 * What remains (README): another client's commit landing between that last read and our commit, and
 * a concurrent publisher of identical content (its HEAD is this very version).
 * `accepted` is told the id as soon as the version is committed, so a later failure keeps it in state.
 */
export async function createVm0Volume(
    inputs: Vm0VolumeInputs,
    deadline: Deadline,
    accepted?: (id: string, outs: Vm0VolumeOutputs) => void,
): Promise<{ id: string; outs: Vm0VolumeOutputs }> {
    const { client } = vm0Session();
    const storage = vm0StorageClient();
    const what = `vm0 create volume ${inputs.name}`;
    const scan = await scanFor(inputs, what);
    if (await storage.volumeExists(inputs.name, deadline)) throw await nameTaken(what, inputs.name, "", deadline);
    const published = await publishVersion({ dir: sourceOf(inputs, what), name: inputs.name, message: inputs.message }, deadline, {
        scan,
        storage,
        beforeUpload: async (prepared) => {
            if (prepared.existing) {
                throw await nameTaken(
                    what,
                    inputs.name,
                    ", made by someone else after this create checked the name (it holds this content already)",
                    deadline,
                );
            }
        },
        beforeCommit: async (prepared) => {
            const head = await storage.headOf(inputs.name, deadline);
            if (head !== undefined && head !== prepared.versionId) {
                throw await nameTaken(
                    what,
                    inputs.name,
                    `, to which someone else published version ${head.slice(0, 12)} ` +
                        `after this create checked the name; nothing was committed`,
                    deadline,
                );
            }
        },
    });
    // Made a moment ago, it is the newest volume: on the public list's first page, which the cursor never skips.
    const found = await findVolumeByName(client, inputs.name, deadline);
    if (!found) {
        throw new VolumeError(
            `${what}: version ${published.versionId.slice(0, 12)} is published and HEAD, but VM0's volume list does not show ` +
                "the volume (its list can skip rows); find its id with `vm0.getVolume({ name })` or in the VM0 dashboard and adopt it " +
                `with the \`import\` resource option`,
        );
    }
    accepted?.(found.id, outputsOf(undefined, found.id, inputs, published));
    const live = await readBack(client, found.id, deadline);
    return { id: found.id, outs: outputsOf(live, found.id, inputs, published) };
}

/**
 * The refusal of a create whose name VM0 has already: which volume (its id, when the public list
 * shows it), why it is not taken, and how to adopt it explicitly, by id.
 */
async function nameTaken(what: string, name: string, detail: string, deadline: Deadline): Promise<VolumeError> {
    let id: string | undefined;
    try {
        id = (await findVolumeByName(vm0Session().client, name, deadline))?.id;
    } catch {
        // The refusal stands without the id.
    }
    const shown = id ?? "<volume id>";
    return new VolumeError(
        `${what}: VM0 already has a volume named '${name}' ` +
            `(${id ?? "its id not shown by VM0's public list, which can skip rows: see the VM0 dashboard"})${detail}. ` +
            "VM0 makes a volume by publishing to its name, so a vm0.Volume publishes " +
            "only into a volume it made, never into an existing one, whatever it holds. " +
            `Choose another name, or adopt it explicitly by id: new vm0.Volume("<resource ` +
            `name>", { source, name: "${name}" }, { import: "${shown}" }) ` +
            `to publish into it, or vm0.Volume.get("<resource name>", "${shown}") to track it read-only`,
    );
}

/**
 * Publishes the directory as the volume's new HEAD: a new version when the content is new, HEAD
 * moved back to the stored version when it was published before (a rollback), no request at all
 * when the content is what HEAD already holds.
 */
export async function updateVm0Volume(
    id: string,
    olds: Vm0VolumeOutputs,
    news: Vm0VolumeInputs,
    deadline: Deadline,
): Promise<Vm0VolumeOutputs> {
    const what = `vm0 update volume ${news.name} (${id})`;
    if (news.sourceHash !== undefined && news.sourceHash === olds.sourceHash && olds.currentVersionId) {
        return compact({ ...olds, source: news.source, message: news.message, timeouts: news.timeouts });
    }
    const { client } = vm0Session();
    const scan = await scanFor(news, what);
    // Prepare publishes by name: make sure the name still leads to this volume before sending it.
    const current = await client.getVolume(id, deadline);
    if (!current) {
        throw new VolumeError(
            `${what}: VM0 no longer has this volume (404); run \`pulumi refresh\` ` +
                `to drop it from the stack, then \`pulumi up\` to publish it anew`,
        );
    }
    if (current.name !== undefined && current.name !== news.name) {
        throw new VolumeError(`${what}: the volume is named '${current.name}' in VM0, not '${news.name}'; nothing was published`);
    }
    const published = await publishVersion({ dir: sourceOf(news, what), name: news.name, message: news.message }, deadline, { scan });
    const live = await readBack(client, id, deadline);
    return outputsOf(live, id, news, published);
}

/**
 * The read of a published (or adopted) volume: VM0's fresh view, the declared fields kept. When
 * HEAD is no longer the version Pulumi published, `sourceHash` is dropped so the next `up` puts
 * the declared content back. Undefined when VM0 no longer has the volume.
 */
export async function readVm0PublishedVolume(
    id: string,
    props: Partial<Vm0VolumeOutputs>,
    deadline: Deadline,
): Promise<Vm0VolumeOutputs | undefined> {
    const fresh = await readVm0Volume(id, deadline);
    if (!fresh) return undefined;
    const headKept = typeof props.currentVersionId === "string" && props.currentVersionId === fresh.currentVersionId;
    return compact({
        ...fresh,
        // VM0 always names a volume; should its lenient read not show the name, the one stored (else empty).
        name: fresh.name ?? str(props.name) ?? "",
        source: str(props.source),
        sourceHash: headKept ? str(props.sourceHash) : undefined,
        message: str(props.message),
        timeouts: props.timeouts,
    });
}

/** VM0 has no delete: nothing is sent, and the returned message says the volume stays. */
export async function deleteVm0Volume(id: string, props: Vm0VolumeOutputs, _deadline?: Deadline): Promise<string> {
    const name = props.name ? `${props.name} (${id})` : id;
    return (
        `vm0 volume ${name} is left in VM0: VM0 has no delete; its versions stay and Pulumi no longer tracks it. ` +
        "Remove it in the VM0 dashboard if you no longer need it"
    );
}

/**
 * Why a `vm0.Volume` without `source` cannot be created: how VM0 volumes are made, and how to adopt one.
 * Sent before any request, as the `source` CheckFailure.
 */
export const vm0NotCreatable =
    "is required: a vm0.Volume publishes a local directory (`source`) as a new version. " +
    "To track a volume made elsewhere (`vm0 volume push`, or an agent run), adopt it read-only with " +
    'vm0.Volume.get("<name>", "<volume id>") (`vm0.getVolume({ name })` finds the id)';

async function scanFor(inputs: Vm0VolumeInputs, what: string): Promise<SourceScan> {
    try {
        return await scanSource(sourceOf(inputs, what));
    } catch (error) {
        if (error instanceof SourceError) throw new VolumeError(`${what}: ${error.message}`);
        throw error;
    }
}

/** The declared directory: the check refuses a volume without one, so a create or update always has it. */
function sourceOf(inputs: Vm0VolumeInputs, what: string): string {
    if (inputs.source === undefined) throw new VolumeError(`${what}: \`source\` ${vm0NotCreatable}`);
    return inputs.source;
}

function outputsOf(live: Vm0VolumeDetail | undefined, id: string, inputs: Vm0VolumeInputs, published: PublishResult): Vm0VolumeOutputs {
    const head = live ? (live.currentVersionId ?? live.currentVersion?.id) : published.versionId;
    // The figures of the version that is HEAD, never the volume record's: a commit that moves HEAD back
    // to a stored version (a rollback) leaves the record's size and fileCount as they were.
    const figures = head === published.versionId ? (versionFigures(live, head) ?? published) : (versionFigures(live, head) ?? live);
    return compact({
        volumeId: id,
        name: live?.name ?? inputs.name,
        currentVersionId: head,
        size: figures?.size,
        fileCount: figures?.fileCount,
        createdAt: live?.createdAt,
        updatedAt: live?.updatedAt,
        source: inputs.source,
        // Only while HEAD is what was published: otherwise the next diff shows the change.
        sourceHash: head === published.versionId ? published.sourceHash : undefined,
        message: inputs.message,
        timeouts: inputs.timeouts,
    });
}

/** `size`/`fileCount` of HEAD's own version record, when the read shows it and it is `head`. */
function versionFigures(live: Vm0VolumeDetail | undefined, head: string | undefined): { size?: number; fileCount?: number } | undefined {
    const version = live?.currentVersion;
    return version && head !== undefined && version.id === head ? { size: version.size, fileCount: version.fileCount } : undefined;
}

function str(v: unknown): string | undefined {
    return typeof v === "string" ? v : undefined;
}

/**
 * The directory a declared `source` names: a path string, or a `pulumi.asset.FileArchive` as the
 * dynamic-provider host hands it over (an object whose `path` is a string or a promise of one).
 * Anything else is returned as is, for the schema to refuse.
 */
export async function sourcePathOf(value: unknown): Promise<unknown> {
    if (value && typeof value === "object" && "path" in value) {
        const path: unknown = await value.path;
        if (typeof path === "string") return path;
    }
    return value;
}
