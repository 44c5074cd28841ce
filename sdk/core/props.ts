import type * as pulumi from "@pulumi/pulumi";
import { mergedTimeouts } from "./timeouts";
import type { VolumeTimeouts } from "./types";

/**
 * What a volume class registers: every field Pulumi tracks set to `undefined` (so each declared
 * output resolves), then the declared args with the default name filled in. A `get` (opts.id)
 * registers no args: the provider's read fills everything from the cloud. Pulumi's `customTimeouts`
 * become `timeouts` (an explicit `timeouts` field wins); `resource` names the resource in errors.
 * @internal
 */
export function volumeProps(
    fields: readonly string[],
    args: { name?: pulumi.Input<string>; timeouts?: pulumi.Input<VolumeTimeouts> } | undefined,
    opts: pulumi.CustomResourceOptions | undefined,
    defaultName: () => string,
    resource: string,
): Record<string, unknown> {
    const props: Record<string, unknown> = Object.fromEntries(fields.map((f) => [f, undefined]));
    if (args && !opts?.id) {
        const timeouts = mergedTimeouts(args.timeouts, opts?.customTimeouts, resource);
        Object.assign(props, args, { name: args.name ?? defaultName() }, timeouts === undefined ? {} : { timeouts });
    }
    return props;
}
