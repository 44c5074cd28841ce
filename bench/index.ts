/**
 * `npm run bench`: figures, not pass/fail. Everything goes through @pulumi/pulumi's real
 * dynamic-provider host, with the package installed from `npm pack`, against the emulator; each
 * figure is printed next to what it is measured against.
 *
 * 1. the serialized provider's size (size.ts);
 * 2. requests per operation, with the cloud ready at once (against the floor) and after 1 s (requests.ts);
 * 3. refresh at scale: 200 reads in one Fly app under its limit (refresh.ts);
 * 4. readiness: how soon a create returns after the cloud made the volume ready, and the poll rate (readiness.ts);
 * 5. first call: a fresh host's first Check, against a no-op provider's (firstCall.ts);
 * 6. 50 concurrent creates against one; 100 creates in one Fly app against the floor (concurrency.ts);
 * 7. VM0: publishing a 100 MB directory, against tarring and hashing it alone (vm0Publish.ts);
 *    and the hosts' peak RSS;
 * 8. the real engine (`engine`): preview of 1000 volumes against no-op dynamic resources, `up` of 200
 *    in 10 Fly apps against the rate-limit floor, state bytes per volume, the host's peak RSS
 *    (engine.ts; `--preview-count=N --up-count=M` change the counts).
 *
 * The resource types are a table (kinds.ts): a new cloud is one entry. Arguments pick sections
 * by name (`npm run bench -- refresh readiness`); none runs them all.
 */
import { printConcurrency } from "./concurrency";
import { printEngine } from "./engine";
import { printFirstCall } from "./firstCall";
import { printReadiness } from "./readiness";
import { printRefresh } from "./refresh";
import { printRequests } from "./requests";
import { setUp, timed, type Bench } from "./setup";
import { printSizes } from "./size";
import { printVm0Publish } from "./vm0Publish";

function printPeakRss(bench: Bench): void {
    if (!bench.peaks.length) return;
    const top = bench.peaks.reduce((a, b) => (b.mb > a.mb ? b : a));
    const idle = bench.peaks.filter((p) => p.label.includes("no-op")).map((p) => p.mb);
    const against = idle.length ? `, against ${Math.max(...idle)} MB for a host that ran one no-op Check` : "";
    console.log(`\nprovider host peak RSS: ${top.mb} MB (${top.label})${against}`);
}

/** The sections, in the order they print. */
const sections: ReadonlyArray<{ name: string; run: (bench: Bench) => void | Promise<void> }> = [
    { name: "size", run: printSizes },
    { name: "requests", run: printRequests },
    { name: "refresh", run: printRefresh },
    { name: "readiness", run: printReadiness },
    { name: "first-call", run: printFirstCall },
    { name: "concurrency", run: printConcurrency },
    { name: "vm0-publish", run: printVm0Publish },
    { name: "engine", run: printEngine },
];

async function main(): Promise<void> {
    const wanted = process.argv.slice(2).filter((a) => !a.startsWith("--"));
    const unknown = wanted.filter((w) => !sections.some((s) => s.name === w));
    if (unknown.length) {
        console.error(`unknown section ${unknown.join(", ")}; sections: ${sections.map((s) => s.name).join(", ")}`);
        process.exit(2);
    }
    const [, total] = await timed(async () => {
        console.log("pulumi-volumes benchmark (real dynamic-provider host, package from npm pack, local emulator)\n");
        const bench = await setUp();
        for (const s of sections) if (!wanted.length || wanted.includes(s.name)) await s.run(bench);
        printPeakRss(bench);
    });
    console.log(`\nbench total: ${total.toFixed(0)} s`);
}

main().catch((error) => {
    console.error(error);
    process.exit(1);
});
