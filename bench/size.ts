/** Section 1: the serialized provider, which Pulumi stores with every resource of its type. */
import { noopType, type Bench } from "./setup";

export function printSizes(bench: Bench): void {
    console.log("serialized provider (__provider, stored in state with every resource), against a no-op dynamic provider's:");
    const noop = bench.providers.get(noopType);
    for (const k of bench.kinds) console.log(`  ${k.type.padEnd(46)} ${Buffer.byteLength(k.provider)} bytes`);
    if (noop !== undefined) console.log(`  ${"no-op pulumi.dynamic.Resource (check only)".padEnd(46)} ${Buffer.byteLength(noop)} bytes`);
}
