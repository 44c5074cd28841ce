import { z } from "zod";
import { Deadline } from "./deadline";

export const defaultTimeoutSeconds = 300;

const seconds = z
    .number({ error: "must be a number of seconds" })
    .positive({ error: "must be more than 0 seconds" })
    .max(86_400, { error: "must be at most 86400 seconds (24 h)" });

/** `timeouts` input: seconds per operation. A change to it alone is no change to the volume. */
export const timeoutsSchema = z
    .strictObject({ create: seconds.optional(), update: seconds.optional(), delete: seconds.optional() })
    .optional();

export type Timeouts = z.infer<typeof timeoutsSchema>;

export type Operation = "create" | "update" | "delete" | "read";

/** The deadline for `op`, from the resource's `timeouts` (read has no input: it gets the default). */
export function deadlineFor(inputs: { timeouts?: Timeouts } | Record<string, unknown> | undefined, op: Operation): Deadline {
    const t = (inputs as { timeouts?: Timeouts } | undefined)?.timeouts;
    const s = op === "read" ? undefined : t?.[op];
    return Deadline.in(typeof s === "number" && s > 0 ? s : defaultTimeoutSeconds, op === "read" ? "read" : op);
}
