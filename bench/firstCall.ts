/**
 * Section 5: the first call. A freshly started host's first Check of each kind, against a no-op
 * dynamic provider's (a `pulumi.dynamic.Resource` whose provider has only `check`). Check sends no
 * request, so what it costs is loading the provider. Host start and Configure are not timed.
 */
import type { Emulator } from "../emulator";
import type { PropertyMap } from "../tests/harness";
import { urn } from "./kinds";
import { median, noopType, timed, withEmulator, withHost, type Bench } from "./setup";

/** Fresh hosts per row; the median is printed. */
const runs = 3;

interface Row {
    label: string;
    type: string;
    provider: string;
    inputs: PropertyMap;
}

async function firstCheck(bench: Bench, emu: Emulator, row: Row): Promise<{ ms: number; requests: number }> {
    return withHost(bench, emu, `first Check: ${row.label}`, async (host) => {
        emu.clearRequests();
        const [res, s] = await timed(() => host.check(urn(row.type, "first"), {}, { ...row.inputs, __provider: row.provider }));
        if (res.failures.length) throw new Error(`first Check of ${row.label} failed: ${JSON.stringify(res.failures)}`);
        return { ms: s * 1000, requests: emu.requests().length };
    });
}

export async function printFirstCall(bench: Bench): Promise<void> {
    const noop = bench.providers.get(noopType);
    if (noop === undefined) return;
    const rows: Row[] = [
        { label: "no-op dynamic provider", type: noopType, provider: noop, inputs: { value: 1 } },
        ...bench.kinds.map((k) => ({ label: k.sdkClass, type: k.type, provider: k.provider, inputs: k.inputs(0, "first-app") })),
    ];
    console.log(`\nfirst call: a fresh host's first Check (median of ${runs} hosts), against a no-op dynamic provider's:`);
    const figures = await withEmulator({}, async (emu) => {
        const out = rows.map((row) => ({ row, ms: [] as number[], requests: 0 }));
        for (let run = 0; run < runs; run++) {
            for (const o of out) {
                const f = await firstCheck(bench, emu, o.row);
                o.ms.push(f.ms);
                o.requests += f.requests;
            }
        }
        return out;
    });
    const base = median(figures[0]?.ms ?? []);
    for (const [i, { row, ms: all, requests }] of figures.entries()) {
        const ms = median(all);
        const vs = i === 0 ? "" : `, ${(ms - base).toFixed(0)} ms over the no-op`;
        console.log(`  ${row.label.padEnd(24)} ${ms.toFixed(0).padStart(5)} ms${vs}; ${requests} requests sent`);
    }
}
