import type * as pulumi from "@pulumi/pulumi";

/**
 * What a volume class registers: every field Pulumi tracks set to `undefined` (so each declared
 * output resolves), then the declared args with the default name filled in. A `get` (opts.id)
 * registers no args: the provider's read fills everything from the cloud.
 * @internal
 */
export function volumeProps(
    fields: readonly string[],
    args: { name?: pulumi.Input<string> } | undefined,
    opts: pulumi.CustomResourceOptions | undefined,
    defaultName: () => string,
): Record<string, unknown> {
    const props: Record<string, unknown> = Object.fromEntries(fields.map((f) => [f, undefined]));
    if (args && !opts?.id) Object.assign(props, args, { name: args.name ?? defaultName() });
    return props;
}
