import type { z } from "zod";
import { AmbiguousRequestError, ApiError, type CloudName, VolumeError } from "./errors";

/** A 2xx body that is not what the docs say is the cloud's fault, said plainly. */
export function parseResponse<T extends z.ZodType>(
    cloud: CloudName,
    schema: T,
    body: unknown,
    operation: string,
    target?: string,
): z.infer<T> {
    const result = schema.safeParse(body);
    if (!result.success) {
        const issue = result.error.issues[0];
        const where = issue?.path.length ? ` at ${issue.path.join(".")}` : "";
        throw new ApiError({
            cloud,
            operation,
            target,
            cloudMessage: `unexpected response shape${where} (${issue?.message ?? "invalid"})`,
            remedy: `the ${cloud} API may have changed; please report it`,
        });
    }
    return result.data;
}

/**
 * A 2xx body that created or changed something: read in full if we can, else by its `id` alone
 * (the schema must accept `{ id }`), so a surprising field never loses the volume the cloud made.
 * Only a body with no usable id is an error.
 */
export function parseKeepingId<T extends z.ZodType>(
    cloud: CloudName,
    schema: T,
    body: unknown,
    operation: string,
    target?: string,
): z.infer<T> {
    const full = schema.safeParse(body);
    if (full.success) return full.data;
    const id = body && typeof body === "object" ? (body as { id?: unknown }).id : undefined;
    const bare = typeof id === "string" ? schema.safeParse({ id }) : undefined;
    return bare?.success ? bare.data : parseResponse(cloud, schema, body, operation, target);
}

/**
 * The 2xx answer of a create (or any request that must not be sent twice): {@link parseKeepingId}, but
 * a body with no readable id (a proxy's HTML page, a wrapper we do not know) is ambiguous, not a
 * failure: the cloud may have made the volume, so the caller reconciles by lookup as for a lost response.
 */
export function parseCreated<T extends z.ZodType>(
    cloud: CloudName,
    schema: T,
    body: unknown,
    operation: string,
    target?: string,
    status?: number,
): z.infer<T> {
    try {
        return parseKeepingId(cloud, schema, body, operation, target);
    } catch (error) {
        if (!(error instanceof ApiError)) throw error;
        throw new AmbiguousRequestError(
            {
                ...error.details,
                status,
                cloudMessage:
                    `answered ${status ?? "2xx"} with no volume id we can read ` +
                    `(${typeof body === "string" ? "a text or HTML body" : error.details.cloudMessage})`,
                remedy: undefined,
            },
            { cause: error },
        );
    }
}

/**
 * The items of a list, one by one: an item the schema refuses (no id, say) is skipped and the
 * rest kept, so one unexpected volume never makes the list unreadable. `null` is an empty list.
 */
export function parseItems<T extends z.ZodType>(schema: T, items: readonly unknown[] | null | undefined): Array<z.infer<T>> {
    const out: Array<z.infer<T>> = [];
    for (const item of items ?? []) {
        const r = schema.safeParse(item);
        if (r.success) out.push(r.data);
    }
    return out;
}

/**
 * The body we are about to send, checked against the request schema. Check validates inputs with
 * the same rules, so a failure here is a bug: one line naming the field, never a zod dump.
 */
export function checkedRequest<T extends z.ZodType>(
    cloud: CloudName,
    schema: T,
    value: unknown,
    operation: string,
    target?: string,
): z.infer<T> {
    const result = schema.safeParse(value);
    if (result.success) return result.data;
    const issue = result.error.issues[0];
    const where = issue?.path.length ? `${issue.path.join(".")} ` : "";
    throw new VolumeError(
        `${cloud} ${operation}${target ? ` ${target}` : ""}: not sent, the request is invalid: ${where}${(issue?.message ?? "invalid").replace(/\s+/g, " ")}. ` +
            `Check the resource's inputs; this should have been refused at preview, please report it`,
    );
}
