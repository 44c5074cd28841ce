#!/usr/bin/env node
// The suite N times in a row with one core kept busy, to find the tests that need an idle machine.
//
//   npm run test:soak                 # build once, then 5 runs of mocha over dist/tests/**
//   npm run test:soak -- 3            # 3 runs
//   npm run test:soak -- 3 --no-build # reuse dist/ as it is
//   npm run test:soak -- 2 dist/tests/clients/flyProvider.test.js   # only these spec files
//
// A burner process spins one core for as long as the runs take (bounded: it stops by itself after
// SOAK_BURN_MAX_S seconds, default 3 h, or as soon as this script is gone) and is always stopped at
// the end. Each run prints pass/fail, its time and the failing tests' names with their first error
// line; the exit code is 1 if any run failed. Not part of CI.
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const args = process.argv.slice(2);
const runs = Number(args.find((a) => /^\d+$/.test(a)) ?? process.env.SOAK_RUNS ?? 5);
const build = !args.includes("--no-build");
const specs = args.filter((a) => !/^\d+$/.test(a) && a !== "--no-build");
const burnMaxS = Number(process.env.SOAK_BURN_MAX_S ?? 3 * 3600);
if (!Number.isInteger(runs) || runs < 1) throw new Error(`soak: runs must be a positive integer, got ${runs}`);

if (build) {
    const tsc = spawnSync("npx", ["tsc", "-p", "tsconfig.json"], { stdio: "inherit" });
    if (tsc.status !== 0) process.exit(tsc.status ?? 1);
}

// One core busy: a tight loop that checks now and then whether it is past its bound or orphaned.
const burnerCode = `
const end = Date.now() + ${burnMaxS * 1000};
const parent = process.ppid;
for (;;) {
    const t = Date.now() + 100;
    while (Date.now() < t) {}
    if (Date.now() > end || process.ppid !== parent) process.exit(0);
}`;
const burner = spawn(process.execPath, ["-e", burnerCode], { stdio: "ignore" });
const stopBurner = () => {
    if (burner.exitCode === null && burner.signalCode === null) burner.kill("SIGKILL");
};
/** The mocha of the run in progress: stopped with the burner if this script is interrupted. */
let current;
process.on("exit", stopBurner);
for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"]) {
    process.on(signal, () => {
        stopBurner();
        current?.kill("SIGTERM");
        process.exit(130);
    });
}
console.log(`soak: ${runs} run(s), burner pid ${burner.pid} keeps one core busy`);

const dir = mkdtempSync(join(tmpdir(), "soak-"));
const mocha = join("node_modules", ".bin", "mocha");
/** Runs mocha once (the repo's .mocharc), its JSON report to a file; resolves with the report. */
function runOnce(n) {
    const out = join(dir, `run${n}.json`);
    return new Promise((resolve) => {
        const started = Date.now();
        // Given spec files replace the .mocharc's (mocha would add them to it), with its other settings.
        const only = specs.length > 0 ? ["--no-config", "--timeout", "60000", "--exit", ...specs] : [];
        const child = spawn(mocha, ["--reporter", "json", "--reporter-option", `output=${out}`, ...only], {
            stdio: ["ignore", "ignore", "pipe"],
        });
        let stderr = "";
        current = child;
        child.stderr.on("data", (d) => (stderr = (stderr + d).slice(-4000)));
        child.on("close", (code) => {
            let report;
            try {
                report = JSON.parse(readFileSync(out, "utf8"));
            } catch {
                report = undefined;
            }
            resolve({ code, seconds: Math.round((Date.now() - started) / 1000), report, stderr });
        });
    });
}

const results = [];
try {
    for (let n = 1; n <= runs; n++) {
        const { code, seconds, report, stderr } = await runOnce(n);
        const failures = report?.failures ?? [];
        const ok = code === 0 && report !== undefined && failures.length === 0;
        const stats = report
            ? `${report.stats.passes} passed, ${report.stats.failures} failed, ${report.stats.pending} pending`
            : "no report";
        console.log(`run ${n}/${runs}: ${ok ? "PASS" : "FAIL"} (${stats}; ${seconds} s; exit ${code})`);
        for (const f of failures)
            console.log(
                `  ✗ ${f.fullTitle}\n      ${String(f.err?.message ?? "")
                    .split("\n")[0]
                    .slice(0, 300)}`,
            );
        if (!report) console.log(stderr.trim().replace(/^/gm, "    "));
        results.push(ok);
    }
} finally {
    stopBurner();
    rmSync(dir, { recursive: true, force: true });
}
const passed = results.filter(Boolean).length;
console.log(`soak: ${passed}/${runs} runs passed: ${results.map((ok) => (ok ? "pass" : "FAIL")).join(" ")}`);
process.exit(passed === runs ? 0 : 1);
