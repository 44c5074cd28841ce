import * as pulumi from "@pulumi/pulumi";
import { mergedTimeouts } from "./timeouts";
import type { VolumeTimeouts } from "./types";

/**
 * What a volume class registers: every field Pulumi tracks set to `undefined` (so each declared
 * output resolves), then the declared args with the default name filled in. A `get` (opts.id)
 * registers no args but its `account`: the provider's read fills everything from the cloud. Pulumi's
 * `customTimeouts` become `timeouts` (an explicit `timeouts` field wins). The `import` option becomes
 * the `importId` input (see {@link withoutImport}). The resource's URN goes along as the hidden
 * input `__urn`: the engine hands a dynamic provider none, and progress shows on the URN's row.
 * @internal
 */
export function volumeProps(
    fields: readonly string[],
    args: { name?: pulumi.Input<string>; timeouts?: pulumi.Input<VolumeTimeouts>; account?: pulumi.Input<string> } | undefined,
    opts: pulumi.CustomResourceOptions | undefined,
    defaultName: () => string,
    resource: { cloud: string; type: string; name: string },
): Record<string, unknown> {
    const props: Record<string, unknown> = Object.fromEntries(fields.map((f) => [f, undefined]));
    props.__urn = pulumi.createUrn(resource.name, `pulumi-nodejs:dynamic/${resource.cloud}:${resource.type}`, opts?.parent);
    if (args && !opts?.id) {
        const timeouts = mergedTimeouts(args.timeouts, opts?.customTimeouts, `${resource.cloud}.${resource.type} '${resource.name}'`);
        Object.assign(props, args, { name: args.name ?? defaultName() }, timeouts === undefined ? {} : { timeouts });
        if (opts?.import !== undefined) props.importId = opts.import;
    } else if (args?.account !== undefined) {
        // A `get` under a named account: the read needs to know whose credentials to use.
        props.account = args.account;
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
