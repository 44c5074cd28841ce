/**
 * Section 2: requests per create, grow, read and delete through the host, polls included (create
 * waits until ready, grow until the new size shows). Once with the cloud ready at once, next to the
 * floor; once with the cloud ready after 1 s.
 */
import type { Emulator } from "../emulator";
import type { Host, PropertyMap } from "../tests/harness";
import { served, urn, type Op } from "./kinds";
import { checked, sequence, timed, withEmulator, withHost, type Bench, type BenchKind } from "./setup";

interface OpFigure {
    op: Op;
    requests: number;
    /** The actions in the order sent. */
    sequence: string;
    seconds: number;
}

/** One volume of kind `k` through create → grow → read → delete, counting what reaches the emulator. */
async function measureOps(host: Host, emu: Emulator, k: BenchKind, scope: string): Promise<OpFigure[]> {
    const figures: OpFigure[] = [];
    const name = `ops-${k.cloud}`;
    const count = async <T>(op: Op, f: () => Promise<T>): Promise<T> => {
        emu.clearRequests();
        const [result, seconds] = await timed(f);
        const reqs = emu.requests();
        figures.push({ op, requests: reqs.length, sequence: sequence(reqs), seconds });
        return result;
    };
    const inputs = await checked(host, k, name, k.inputs(0, scope));
    const made = await count("create", () => host.create(urn(k.type, name), inputs));
    let props: PropertyMap = made.properties;
    if (k.grown) {
        const news = await checked(host, k, name, k.grown(inputs));
        props = (await count("grow", () => host.update(urn(k.type, name), made.id, made.properties, news))).properties;
    }
    await count("read", () => host.read(urn(k.type, name), made.id, props, inputs));
    await count("delete", () => host.delete(urn(k.type, name), made.id, props));
    return figures;
}

async function opsAt(bench: Bench, readyMs: number): Promise<Map<BenchKind, OpFigure[]>> {
    const knobs = Object.assign({}, ...bench.kinds.map((k) => k.readyAfter(readyMs)));
    return withEmulator(knobs, (emu) =>
        withHost(bench, emu, `requests per operation, ready after ${readyMs} ms`, async (host) => {
            const out = new Map<BenchKind, OpFigure[]>();
            for (const k of bench.kinds) if (served(emu, k)) out.set(k, await measureOps(host, emu, k, `ops-${readyMs}`));
            return out;
        }),
    );
}

export async function printRequests(bench: Bench): Promise<void> {
    console.log("\nrequests per operation, cloud ready at once (time to ready, bound and extend = 0), against the floor:");
    for (const [k, figures] of await opsAt(bench, 0)) {
        for (const f of figures) {
            const got = `${f.requests} (${f.sequence})`;
            console.log(`  ${k.cloud.padEnd(10)} ${f.op.padEnd(6)} ${got.padEnd(28)} floor ${k.floor[f.op]}`);
        }
    }
    console.log("\nrequests per operation, cloud ready after 1 s (polls included), with wall time:");
    for (const [k, figures] of await opsAt(bench, 1_000)) {
        const cells = figures.map((f) => `${f.op} ${f.requests} [${f.sequence}] ${f.seconds.toFixed(1)} s`);
        console.log(`  ${k.cloud.padEnd(10)} ${cells.join(", ")}`);
    }
}
