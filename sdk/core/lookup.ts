import * as pulumi from "@pulumi/pulumi";
import { setStackConfig } from "../../provider/core/config";
import { Deadline } from "../../provider/core/deadline";

/**
 * Lookups run in the program's own process, where the stack config is `pulumi.Config`: point the
 * credential resolver at it (then the environment), and bound the lookup.
 * @internal
 */
export function lookupDeadline(): Deadline {
    setStackConfig({
        get(key: string) {
            const i = key.indexOf(":");
            return new pulumi.Config(key.slice(0, i)).get(key.slice(i + 1));
        },
    });
    return Deadline.in(120, "lookup");
}
