import type * as pulumi from "@pulumi/pulumi";

/**
 * What a volume class registers: every field Pulumi tracks set to `undefined` (so each declared
 * output resolves), then the declared args with the default name filled in. A `get` (opts.id)
 * registers no args: the provider's read fills everything from the cloud. The `import` option
 * becomes the `importId` input (see {@link withoutImport}).
 * @internal
 */
export function volumeProps(
    fields: readonly string[],
    args: { name?: pulumi.Input<string> } | undefined,
    opts: pulumi.CustomResourceOptions | undefined,
    defaultName: () => string,
): Record<string, unknown> {
    const props: Record<string, unknown> = Object.fromEntries(fields.map((f) => [f, undefined]));
    if (args && !opts?.id) {
        Object.assign(props, args, { name: args.name ?? defaultName() });
        if (opts?.import !== undefined) props.importId = opts.import;
    }
    return props;
}

/**
 * The options without `import`. The engine's own import cannot work for a dynamic resource (it
 * reads without the provider code, so the host fails); the provider's create adopts exactly that
 * volume instead, from the `importId` input {@link volumeProps} sends, and checks it against the args.
 * @internal
 */
export function withoutImport(opts: pulumi.CustomResourceOptions | undefined): pulumi.CustomResourceOptions | undefined {
    if (opts?.import === undefined || opts.id !== undefined) return opts;
    const { import: _adopted, ...rest } = opts;
    void _adopted;
    return rest;
}
