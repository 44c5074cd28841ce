#!/usr/bin/env node
/**
 * `pulumi-volumes-emulator`: start every cloud emulator on loopback, print the
 * `export …` lines a client needs (stdout carries nothing else), and run until
 * SIGINT/SIGTERM.
 *
 *   eval "$(npx pulumi-volumes-emulator --ready-ms 200 &)"   # or copy the lines
 */
import { cloudNames, clouds, type CloudName } from "./clouds";
import type { CommonKnobOptions, DeepPartial } from "./core/types";
import { startEmulator, type EmulatorOptions, type Knobs } from "./index";
import { seedFromDirectory } from "./vm0/archive";
import type { Vm0SeedVolume } from "./vm0/types";

const usageText = `usage: pulumi-volumes-emulator [options]

Starts local emulators of the clouds' volume APIs on 127.0.0.1 and prints
"export NAME=value" lines for them. Runs until interrupted (Ctrl-C).

options:
  --token T          token to accept (default: a fresh emulator-<32 hex>)
${cloudNames.map((n) => `  --${n}-port N`.padEnd(21) + `port for the ${n} emulator (default: any free port)`).join("\n")}
  --ready-ms N       time until a new volume is ready (ms)
  --extend-ms N      time until a grown size is visible (ms)
  --latency-ms N     latency added to every request (ms)
  --no-rate-limit    switch rate limiting off
  --vm0-seed DIR     hold a VM0 volume named after DIR with one version of its
                     files (repeatable; download it through GET /v1/volumes/:id/download)
  -h, --help         show this help
`;

/** Thrown for a bad command line; printed with the usage. */
class UsageError extends Error {}

/** Thrown for `--help`. */
class HelpRequested extends Error {}

function parseArgs(argv: readonly string[]): EmulatorOptions {
    const common: { -readonly [K in keyof CommonKnobOptions]: CommonKnobOptions[K] } = {};
    const ports: { [K in CloudName]?: number } = {};
    let token: string | undefined;
    let latencyMs: number | undefined;
    const vm0Seed: Vm0SeedVolume[] = [];
    for (let i = 0; i < argv.length; i++) {
        const arg = argv[i] as string;
        const [flag, inline] =
            arg.startsWith("--") && arg.includes("=")
                ? [arg.slice(0, arg.indexOf("=")), arg.slice(arg.indexOf("=") + 1)]
                : [arg, undefined];
        const value = (): string => {
            const v = inline ?? argv[++i];
            if (v === undefined || v === "") throw new UsageError(`${flag} needs a value`);
            return v;
        };
        const number = (): number => {
            const raw = value();
            const n = Number(raw);
            if (!Number.isInteger(n) || n < 0) throw new UsageError(`${flag} needs a non-negative integer, got ${JSON.stringify(raw)}`);
            return n;
        };
        const portOf = cloudNames.find((n) => flag === `--${n}-port`);
        if (flag === "-h" || flag === "--help") throw new HelpRequested();
        else if (flag === "--token") token = value();
        else if (portOf !== undefined) {
            const port = number();
            if (port > 65535) throw new UsageError(`${flag} must be at most 65535`);
            ports[portOf] = port;
        } else if (flag === "--ready-ms") common.readyMs = number();
        else if (flag === "--extend-ms") common.extendMs = number();
        else if (flag === "--latency-ms") latencyMs = number();
        else if (flag === "--no-rate-limit") common.noRateLimit = true;
        else if (flag === "--vm0-seed") {
            const dir = value();
            try {
                vm0Seed.push(seedFromDirectory(dir));
            } catch (err) {
                throw new UsageError(`--vm0-seed ${dir}: ${err instanceof Error ? err.message : String(err)}`);
            }
        } else throw new UsageError(`unknown option ${JSON.stringify(flag)}`);
    }
    const knobs: Record<string, unknown> = latencyMs !== undefined ? { latencyMs } : {};
    for (const name of cloudNames) knobs[name] = clouds[name].fromCommonOptions(common);
    return { ...(token !== undefined ? { token } : {}), ports, knobs: knobs as DeepPartial<Knobs>, ...(vm0Seed.length ? { vm0Seed } : {}) };
}

/** Quote a value for a POSIX shell when it needs it. */
function shellQuote(value: string): string {
    return /^[A-Za-z0-9_@%+=:,./-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}

async function main(): Promise<void> {
    let options: EmulatorOptions;
    try {
        options = parseArgs(process.argv.slice(2));
    } catch (err) {
        if (err instanceof HelpRequested) {
            process.stderr.write(usageText);
            return;
        }
        if (err instanceof UsageError) {
            process.stderr.write(`pulumi-volumes-emulator: ${err.message}\n\n${usageText}`);
            process.exitCode = 2;
            return;
        }
        throw err;
    }
    const emulator = await startEmulator(options);
    for (const [name, value] of Object.entries(emulator.env)) process.stdout.write(`export ${name}=${shellQuote(value)}\n`);
    const where = cloudNames.map((n) => `${n} ${emulator.urls[n]}`).join(", ");
    process.stderr.write(`pulumi-volumes emulator listening on loopback (${where}); Ctrl-C to stop\n`);

    let stopping = false;
    const stop = (signal: NodeJS.Signals): void => {
        if (stopping) {
            process.exit(130);
        }
        stopping = true;
        process.stderr.write(`pulumi-volumes emulator: ${signal}, shutting down\n`);
        emulator.close().then(
            () => {
                process.exitCode = 0;
                process.off("SIGINT", stop);
                process.off("SIGTERM", stop);
            },
            (err: unknown) => {
                process.stderr.write(`pulumi-volumes emulator: close failed: ${String(err)}\n`);
                process.exit(1);
            },
        );
    };
    process.on("SIGINT", stop);
    process.on("SIGTERM", stop);
}

main().catch((err: unknown) => {
    process.stderr.write(`pulumi-volumes-emulator: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
});
