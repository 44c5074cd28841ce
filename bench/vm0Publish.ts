/**
 * Section `vm0-publish`: publishing a 100 MB directory as a VM0 version (4 files of random bytes,
 * which gzip cannot shrink) through the real host against the emulator: Check (scan and SHA-256 of
 * every file) then Create (list, prepare, tar.gz to a temporary file, upload archive and manifest,
 * commit, read back). Against it: the same directory only scanned, hashed and tar-gzipped into a
 * byte counter (`tarAndHashOnly`), in a fresh Node process so its peak RSS is its own.
 *
 * The emulator runs in the bench's process and keeps what is uploaded in memory; the host's peak
 * RSS is the provider's alone.
 */
import { execFile } from "node:child_process";
import { randomFillSync } from "node:crypto";
import { closeSync, mkdtempSync, openSync, rmSync, writeSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { runProgram, startHost, writeProgramFile } from "../tests/harness";
import { project, urn } from "./kinds";
import { mix, peakRssMb, timed, withEmulator, type Bench } from "./setup";

const resourceType = "pulumi-nodejs:dynamic/vm0:Volume";
const sourceFiles = 4;
const fileBytes = 25_000_000;

/** Writes `sourceFiles` files of random bytes, 1 MB at a time. */
function makeDirectory(): string {
    const dir = mkdtempSync(join(tmpdir(), "bench-vm0-"));
    const chunk = Buffer.alloc(1_000_000);
    for (let f = 0; f < sourceFiles; f++) {
        const fd = openSync(join(dir, `part-${f}.bin`), "w");
        try {
            for (let written = 0; written < fileBytes; written += chunk.length) writeSync(fd, randomFillSync(chunk));
        } finally {
            closeSync(fd);
        }
    }
    return dir;
}

/** `tarAndHashOnly(dir)` in a fresh Node process: seconds, archive bytes and its peak RSS. */
async function tarAndHashAlone(dir: string): Promise<{ s: number; archiveBytes: number; peakMb: number }> {
    const archive = join(__dirname, "..", "provider", "vm0", "archive.js");
    const script = `
        const { tarAndHashOnly } = require(${JSON.stringify(archive)});
        const t = performance.now();
        tarAndHashOnly(${JSON.stringify(dir)}).then((r) => {
            const s = (performance.now() - t) / 1000;
            const hwm = /VmHWM:\\s+(\\d+) kB/.exec(require("node:fs").readFileSync("/proc/self/status", "utf8"));
            console.log(JSON.stringify({ s, archiveBytes: r.archiveBytes, peakMb: hwm ? Math.round(Number(hwm[1]) / 1024) : -1 }));
        });`;
    const { stdout } = await promisify(execFile)(process.execPath, ["-e", script], { maxBuffer: 1 << 20 });
    return JSON.parse(stdout) as { s: number; archiveBytes: number; peakMb: number };
}

/** The serialized provider of `vm0.Volume`, from a program run in the bench's scratch project. */
async function vm0Provider(bench: Bench): Promise<string | undefined> {
    writeProgramFile(
        bench.dir,
        "bench-vm0.js",
        `const { vm0 } = require("pulumi-volumes"); if (vm0.Volume) new vm0.Volume("p", { source: "." });`,
    );
    const regs = await runProgram({ cwd: bench.dir, entry: "bench-vm0.js", project });
    const reg = regs.find((r) => r.type === resourceType);
    return reg ? String(reg.inputs.__provider) : undefined;
}

export async function printVm0Publish(bench: Bench): Promise<void> {
    const provider = await vm0Provider(bench);
    if (!provider) return;
    const mb = (sourceFiles * fileBytes) / 1e6;
    console.log(`\nvm0 publish: a ${mb} MB directory (${sourceFiles} files of random bytes) as one version, through the real host:`);
    const dir = makeDirectory();
    try {
        const alone = await tarAndHashAlone(dir);
        const checkOnly = await withEmulator({}, async (emu) => {
            const host = await startHost({ cwd: bench.dir, project, timeoutMs: 600_000 });
            try {
                await host.configure({ "vm0:token": emu.vm0.token, "vm0:apiUrl": emu.urls.vm0 });
                const [, s] = await timed(() =>
                    host.check(urn(resourceType, "check-only"), {}, { source: dir, name: "check-only", __provider: provider }),
                );
                return { s, peak: peakRssMb(host.pid) };
            } finally {
                await host.close();
            }
        });
        await withEmulator({}, async (emu) => {
            const host = await startHost({ cwd: bench.dir, project, timeoutMs: 600_000 });
            try {
                await host.configure({ "vm0:token": emu.vm0.token, "vm0:apiUrl": emu.urls.vm0, "vm0:storageUrl": emu.urls.vm0 });
                const id = urn(resourceType, "bench-100mb");
                const [check, checkS] = await timed(() => host.check(id, {}, { source: dir, name: "bench-100mb", __provider: provider }));
                if (check.failures.length) throw new Error(`vm0 check failed: ${JSON.stringify(check.failures)}`);
                emu.clearRequests();
                const [created, createS] = await timed(() => host.create(id, check.inputs));
                const peak = peakRssMb(host.pid);
                if (peak !== undefined) bench.peaks.push({ label: "vm0 publish of 100 MB", mb: peak });
                const row = (label: string, s: number, peakMb: number | undefined, note: string) =>
                    console.log(
                        `  ${label.padEnd(34)} ${s.toFixed(2).padStart(6)} s  ` +
                            `${(peakMb === undefined ? "?" : `${peakMb} MB`).padStart(7)} peak RSS  ${note}`,
                    );
                row("publish (Check + Create)", checkS + createS, peak, `Check ${checkS.toFixed(2)} s + Create ${createS.toFixed(2)} s`);
                row(
                    "tar and hash alone",
                    alone.s,
                    alone.peakMb,
                    `${(alone.archiveBytes / 1e6).toFixed(1)} MB of tar.gz, no request (a fresh Node process)`,
                );
                row("a host that ran the Check alone", checkOnly.s, checkOnly.peak, "the host's own footprint, with the directory hashed");
                console.log(
                    `  requests of the Create: ${mix(emu.requests())}; version ` +
                        `${String(created.properties.currentVersionId).slice(0, 12)}…, ` +
                        `${created.properties.fileCount} files, ${created.properties.size} bytes`,
                );
            } finally {
                await host.close();
            }
        });
    } finally {
        rmSync(dir, { recursive: true, force: true });
    }
}
