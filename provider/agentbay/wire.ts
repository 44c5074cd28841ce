import { z } from "zod";
import type { CloudErrorInfo, HttpResponse } from "../core/http";
import { forgiving } from "../core/schemas";

/**
 * AgentBay's POP RPC shapes (`wuyingai` 2025-05-06, docs/apis/agentbay.md), read leniently: the
 * beta is unconfirmed, so unknown fields pass, nulls are undefined, a number where a string was
 * expected is taken as text, and `Status` is a free string. A volume record is never dropped for
 * a field we could not read: only an entry without a `VolumeId` is (as the SDK's list wrappers do).
 */

/** Text the cloud may send as a string or a number; anything else (null, an object) is undefined. */
const textOrNumber = forgiving(z.union([z.string(), z.number()]).transform(String));

/** One volume as the cloud sends it (`Data` of GetVolume, an entry of ListVolumes' `Data`). */
export const wireVolume = z.looseObject({
    VolumeId: textOrNumber,
    VolumeName: textOrNumber,
    Status: textOrNumber,
    BelongingImageId: textOrNumber,
    CreateTime: textOrNumber,
});
export type WireVolume = z.infer<typeof wireVolume>;

/** The envelope on every answer, success or not, and the POP error body of an HTTP 4xx/5xx. */
export const wireEnvelope = z.looseObject({
    RequestId: textOrNumber,
    // `true`/`false`, tolerated as the strings a gateway might send.
    Success: z
        .union([z.boolean(), z.enum(["true", "false", "True", "False"]).transform((s) => s.toLowerCase() === "true")])
        .nullish()
        .catch(undefined)
        .transform((v) => v ?? undefined),
    Code: textOrNumber,
    Message: textOrNumber,
    HttpStatusCode: z.coerce.number().int().nullish().catch(undefined),
});

/** `ListVolumes`: `Data` is the array (not `Volumes`); an empty `NextToken` is the last page. */
export const wireListVolumesResponse = wireEnvelope.extend({
    Data: z.array(z.unknown()).nullish(),
    NextToken: textOrNumber,
    MaxResults: z.unknown().optional(),
});

/** `GetVolume`: `Data` is one record. */
export const wireGetVolumeResponse = z.looseObject({
    Data: wireVolume.nullish(),
});

/** `GetVolume` read as a lookup: the envelope's `Success` too, and `Data` as it came (an empty one is "not found"). */
export const wireLookupResponse = wireEnvelope.extend({
    Data: z.unknown().optional(),
});

/** An AgentBay volume in camelCase, the only shape the rest of the package sees. */
export interface AgentBayVolume {
    /** `VolumeId`: what `CreateMcpSession` mounts. */
    id: string;
    name?: string;
    /** Free-form (`Available` is the only value seen in the SDK's sources). */
    status?: string;
    /** `BelongingImageId`. */
    imageId?: string;
    /** `CreateTime`, as the cloud wrote it. */
    createdAt?: string;
}

/** The record, or undefined when it has no `VolumeId` (or is not a record at all). */
export function toAgentBayVolume(entry: unknown): AgentBayVolume | undefined {
    const parsed = wireVolume.safeParse(entry);
    if (!parsed.success || !parsed.data.VolumeId) return undefined;
    const w = parsed.data;
    return { id: w.VolumeId!, name: w.VolumeName, status: w.Status, imageId: w.BelongingImageId, createdAt: w.CreateTime };
}

/** `{RequestId, Code, Message, HttpStatusCode}` of a POP error body or a `Success: false` envelope. */
export function parseAgentBayError(_status: number, body: unknown): CloudErrorInfo {
    const parsed = wireEnvelope.safeParse(body);
    if (!parsed.success) return {};
    const e = parsed.data;
    return { code: e.Code, message: e.Message, requestId: e.RequestId, status: e.HttpStatusCode ?? undefined };
}

/** `Code` values a success carries (`ok` in the SDK's mocks). */
const successCodes = new Set(["ok", "success", "200"]);

/**
 * A 2xx answer that is a failure. `Success: false` is one. A missing `Success` is where the SDKs
 * disagree (Python: success; TS, Go, Java: failure); we read leniently, as Python does, because a
 * body that carries its `Data` did what was asked, and calling it a failure would make a created
 * volume look unmade. A missing `Success` with neither `Data` nor a success `Code` but an error
 * `Code` is a failure. A body that is not JSON is left to the caller's shape check.
 */
export function classifyAgentBay(res: HttpResponse): CloudErrorInfo | undefined {
    const body = res.body;
    if (!body || typeof body !== "object" || Array.isArray(body)) return undefined;
    const parsed = wireEnvelope.safeParse(body);
    if (!parsed.success) return undefined;
    const e = parsed.data;
    if (e.Success === true) return undefined;
    const failed =
        e.Success === false ||
        (!("Data" in body && (body as { Data?: unknown }).Data != null) && !!e.Code && !successCodes.has(e.Code.toLowerCase()));
    if (!failed) return undefined;
    return parseAgentBayError(res.status, body);
}
