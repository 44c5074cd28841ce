import { z } from "zod";
import { Deadline } from "./deadline";

export const defaultTimeoutSeconds = 300;

const seconds = z
    .number({ error: "must be a number of seconds" })
    .positive({ error: "must be more than 0 seconds" })
    .max(86_400, { error: "must be at most 86400 seconds (24 h)" });

/**
 * `timeouts` input: seconds per operation. Its rule is `stored`: a change to it alone is an update
 * that sends no request and stores the new values, so the next destroy honours the new delete
 * timeout (the engine hands delete and read only the stored outputs).
 */
export const timeoutsSchema = z
    .strictObject({ create: seconds.optional(), update: seconds.optional(), delete: seconds.optional() })
    .optional();

export type Timeouts = z.infer<typeof timeoutsSchema>;

export type Operation = "create" | "update" | "delete" | "read";

/** The deadline for `op`, from the resource's `timeouts` (read has no input: it gets the default). */
export function deadlineFor(inputs: object | undefined, op: Operation): Deadline {
    const t = inputs && "timeouts" in inputs ? (inputs.timeouts as Timeouts) : undefined;
    const s = op === "read" ? undefined : t?.[op];
    return Deadline.in(typeof s === "number" && s > 0 ? s : defaultTimeoutSeconds, op === "read" ? "read" : op);
}
