import type * as pulumi from "@pulumi/pulumi";

/**
 * The provider object of a kind: each cloud's `handler.ts` exports it whole, so that Pulumi stores
 * `require("pulumi-volumes/dist/sdk/<cloud>/handler.js")` in every resource's state (`__provider`) instead of
 * this code. Where the package is not under `node_modules` (a linked checkout, the repo's own
 * tests), Pulumi copies these methods into the state instead, so each method still reaches the
 * package only through `require` at run time, and the copy holds only the kind string: no client,
 * no token, no module by value. Keep it that way.
 *
 * One object per kind, made once at module load: Pulumi caches serialization per object.
 * @internal
 */
export function serializedProvider(kind: string): pulumi.dynamic.ResourceProvider {
    return {
        configure: (req) => require("pulumi-volumes/provider").configure(req),
        check: (olds, news) => require("pulumi-volumes/provider").providerFor(kind).check(olds, news),
        diff: (id, olds, news) => require("pulumi-volumes/provider").providerFor(kind).diff(id, olds, news),
        create: (inputs) => require("pulumi-volumes/provider").providerFor(kind).create(inputs),
        read: (id, props) => require("pulumi-volumes/provider").providerFor(kind).read(id, props),
        update: (id, olds, news) => require("pulumi-volumes/provider").providerFor(kind).update(id, olds, news),
        delete: (id, props) => require("pulumi-volumes/provider").providerFor(kind).delete(id, props),
    };
}

/**
 * Turns off the stack trace Pulumi takes for each promise it makes for an output property (four per
 * property: about 140 per Fly volume) and returns the undo, for the span of a `super(...)`. Pulumi
 * reads those traces only when `PULUMI_DEBUG_PROMISE_LEAKS` is set, and then they stay on. The
 * resource's source position is not affected: Pulumi raises the limit itself to take it. 1000 Fly
 * volumes took 4.5 s of program time with the traces and 1.2 s without (`npm run bench -- engine`).
 * @internal
 */
export function withoutPromiseTraces(): () => void {
    if (process.env.PULUMI_DEBUG_PROMISE_LEAKS) return () => undefined;
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    return () => {
        Error.stackTraceLimit = limit;
    };
}
