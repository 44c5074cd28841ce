import { z } from "zod";
import { VolumeError } from "../core/errors";
import { forgiving } from "../core/schemas";

/**
 * VM0's public API v1 wire shapes (docs/apis/vm0.md §1), read leniently: only `id` is required,
 * unknown fields pass, a null or mistyped field is undefined, and the snake_case names of responses
 * before PR #1730 are read too. A list item without a usable id is dropped, never the whole list.
 */
const str = forgiving(z.string());
const num = forgiving(z.number().finite());

export const wireVersion = z.looseObject({
    id: z.string().min(1),
    volumeId: str,
    volume_id: str,
    size: num,
    fileCount: num,
    file_count: num,
    message: str,
    createdBy: str,
    created_by: str,
    createdAt: str,
    created_at: str,
});
export type WireVersion = z.infer<typeof wireVersion>;

export const wireVolume = z.looseObject({
    id: z.string().min(1),
    name: str,
    currentVersionId: str,
    current_version_id: str,
    size: num,
    fileCount: num,
    file_count: num,
    createdAt: str,
    created_at: str,
    updatedAt: str,
    updated_at: str,
});
export type WireVolume = z.infer<typeof wireVolume>;

/** `GET /v1/volumes/:id`: a volume and its HEAD version (null before the first commit). */
export const wireVolumeDetail = wireVolume.extend({
    currentVersion: forgiving(wireVersion),
    current_version: forgiving(wireVersion),
});

/** `{data, pagination: {hasMore, nextCursor}}`; items are checked one by one. */
export const wirePage = z.looseObject({
    data: z.array(z.unknown()),
    pagination: forgiving(
        z.looseObject({
            hasMore: forgiving(z.boolean()),
            has_more: forgiving(z.boolean()),
            nextCursor: forgiving(z.string()),
            next_cursor: forgiving(z.string()),
        }),
    ),
});

/** Public `{"error":{type,code,message,param?}}` and storage `{"error":{message,code}}` alike. */
export const wireError = z.looseObject({
    error: z.union([z.looseObject({ type: str, code: str, message: str, param: str }), z.string()]),
});

/** A VM0 volume, the shape the rest of the package sees. */
export interface Vm0Volume {
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
}

/** One immutable version of a volume. */
export interface Vm0Version {
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

/** A volume with its HEAD version. */
export interface Vm0VolumeDetail extends Vm0Volume {
    /** The current version in full; absent before the first version. */
    currentVersion?: Vm0Version;
}

export function toVm0Version(w: WireVersion): Vm0Version {
    return {
        id: w.id,
        volumeId: w.volumeId ?? w.volume_id,
        size: w.size,
        fileCount: w.fileCount ?? w.file_count,
        message: w.message,
        createdBy: w.createdBy ?? w.created_by,
        createdAt: w.createdAt ?? w.created_at,
    };
}

export function toVm0Volume(w: WireVolume): Vm0Volume {
    return {
        id: w.id,
        name: w.name,
        currentVersionId: w.currentVersionId ?? w.current_version_id,
        size: w.size,
        fileCount: w.fileCount ?? w.file_count,
        createdAt: w.createdAt ?? w.created_at,
        updatedAt: w.updatedAt ?? w.updated_at,
    };
}

export function toVm0VolumeDetail(w: z.infer<typeof wireVolumeDetail>): Vm0VolumeDetail {
    const head = w.currentVersion ?? w.current_version;
    return { ...toVm0Volume(w), currentVersion: head ? toVm0Version(head) : undefined };
}

/** VM0's `MIN_VERSION_PREFIX_LENGTH`: a version may be named by a unique prefix this long. */
export const minVersionPrefix = 8;

/**
 * Why `id` cannot be a VM0 id, or undefined when it can. Ids are opaque (UUIDs in production, `vol_…`
 * in the docs, 64-hex for versions): only what would break the URL path is refused.
 */
export function idProblem(id: unknown): string | undefined {
    if (typeof id !== "string" || id === "") return "must be a non-empty string";
    if (id === "." || id === "..") return `'${id}' is not an id`;
    if (/[/\\]/.test(id)) return "must not contain '/' or '\\'";
    // eslint-disable-next-line no-control-regex
    if (/[\s\u0000-\u001f\u007f]/.test(id)) return "must not contain whitespace or control characters";
    if (id.length > 256) return "must be at most 256 characters";
    return undefined;
}

/** What a volume id looks like and where to find one, for the messages that refuse one. */
const volumeIdHint =
    "a VM0 volume id is the `id` VM0 gives the volume, such as a UUID ('3f2c0a9e-5b1d-4e8f-9a7c-1d2e3f4a5b6c') or 'vol_…', " +
    'not its name: `vm0.getVolume({ name: "<volume name>" })` returns it as `volumeId`';

/** Throws a one-line error naming `what` when `id` is not usable in a path (for a volume id: what one looks like). */
export function requireVm0Id(id: unknown, what: string): string {
    const problem = idProblem(id);
    if (problem) throw new VolumeError(`vm0: ${what} ${JSON.stringify(id)} ${problem}${what === "volume id" ? `; ${volumeIdHint}` : ""}`);
    return id as string;
}
