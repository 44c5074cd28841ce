import { z } from "zod";
import { ApiError, CloudName } from "./errors";

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
