import * as pulumi from "@pulumi/pulumi";
import { accountNamePattern, withAccount } from "../../provider/core/account";
import { setStackConfig } from "../../provider/core/config";
import { VolumeError } from "../../provider/core/errors";
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

/**
 * Runs a lookup with `account`'s credentials and endpoint (undefined: the default keys), as a
 * resource with that `account` would. A malformed name fails before anything is read.
 * @internal
 */
export function inAccount<T>(lookup: string, account: string | undefined, run: () => Promise<T>): Promise<T> {
    if (account !== undefined && (typeof account !== "string" || !accountNamePattern.test(account))) {
        return Promise.reject(
            new VolumeError(
                `${lookup}: account ${JSON.stringify(String(account)).slice(0, 40)} is not an account name (a letter, then letters, digits, '_' or '-')`,
            ),
        );
    }
    return withAccount(account, run);
}
