/** Helpers for the emulator tests: start/stop, and a small JSON client over real HTTP. */
import { spawn } from "node:child_process";
import { join } from "node:path";
import { startEmulator, type DeepPartial, type Emulator, type FlyVolume, type Knobs } from "../../emulator";

/**
 * The clock of the emulators {@link useEmulator} starts: time moves only when a test advances it, so a
 * test sees every phase (`creating` for 60 ms, a lag of 80 ms) exactly, however late its requests
 * run on a busy machine. Real sleeps would race the emulator's timers.
 */
export const clock = {
    at: 0,
    now(): number {
        return clock.at;
    },
    /** Moves the emulators' time on by `ms`. */
    advance(ms: number): void {
        clock.at += ms;
    },
};

/** Knobs that keep tests fast and free of rate limiting unless a test asks for it. */
export const fastKnobs: DeepPartial<Knobs> = {
    fly: { timeToReadyMs: 40, timeToRestoreMs: 40, timeToHydrateMs: 40, timeToExtendMs: 40, timeToDestroyMs: 20, rateLimit: false },
};

/** A response as the tests see it. */
export interface Reply<T = unknown> {
    status: number;
    headers: Headers;
    text: string;
    /** Parsed JSON body, typed as the caller expects (undefined when the body is not JSON). */
    body: T;
}

/** Options of {@link call}. */
export interface CallOptions {
    body?: unknown;
    rawBody?: string;
    /** Authorization header value; default `Bearer <token>`; `null` sends none. */
    auth?: string | null;
}

/** Call the Fly emulator. */
export async function call<T = unknown>(emu: Emulator, method: string, path: string, options: CallOptions = {}): Promise<Reply<T>> {
    const headers: Record<string, string> = {};
    const auth = options.auth === undefined ? `Bearer ${emu.token}` : options.auth;
    if (auth !== null) headers["authorization"] = auth;
    let payload: string | undefined;
    if (options.rawBody !== undefined) payload = options.rawBody;
    else if (options.body !== undefined) payload = JSON.stringify(options.body);
    if (payload !== undefined) headers["content-type"] = "application/json";
    const res = await fetch(`${emu.urls.fly}${path}`, { method, headers, body: payload });
    const text = await res.text();
    let body: unknown;
    try {
        body = text === "" ? undefined : JSON.parse(text);
    } catch {
        body = undefined;
    }
    return { status: res.status, headers: res.headers, text, body: body as T };
}

/** A valid create body. */
export function createBody(overrides: Record<string, unknown> = {}): Record<string, unknown> {
    return { name: "data", region: "ams", size_gb: 3, ...overrides };
}

/** Create a volume and return its id (asserting 200). */
export async function createVolume(emu: Emulator, app = "demo", overrides: Record<string, unknown> = {}): Promise<string> {
    const reply = await call<FlyVolume>(emu, "POST", `/v1/apps/${app}/volumes`, { body: createBody(overrides) });
    if (reply.status !== 200) throw new Error(`create failed: ${reply.status} ${reply.text}`);
    return reply.body.id;
}

/** Start an emulator on {@link clock} with fast knobs, merged with `knobs`; closes it after the current test. */
export function useEmulator(knobs: DeepPartial<Knobs> = {}): () => Emulator {
    let emu: Emulator | undefined;
    beforeEach(async () => {
        clock.at = Date.now();
        emu = await startEmulator({ knobs: fastKnobs, now: clock.now });
        emu.configure(knobs);
    });
    afterEach(async () => {
        await emu?.close();
        emu = undefined;
    });
    return () => {
        if (!emu) throw new Error("emulator not started");
        return emu;
    };
}

/**
 * Starts the built CLI, waits until it has printed one export line per variable of every cloud,
 * and returns those lines; `stop()` sends SIGTERM and gives the exit code.
 */
export async function runCli(args: string[]): Promise<{ lines: string[]; stop(): Promise<number | null> }> {
    const probe = await startEmulator({ token: "emulator-probe" });
    await probe.close();
    const expected = Object.keys(probe.env).length;
    const child = spawn(process.execPath, [join(__dirname, "..", "..", "emulator", "cli.js"), ...args], {
        stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    child.stdout.setEncoding("utf8");
    child.stderr.resume();
    const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
    await new Promise<void>((resolve, reject) => {
        child.stdout.on("data", (chunk: string) => {
            stdout += chunk;
            if (stdout.split("\n").length > expected) resolve();
        });
        child.on("exit", () => reject(new Error(`CLI exited early: ${stdout}`)));
    });
    return {
        lines: stdout.trim().split("\n"),
        stop: async () => {
            child.kill("SIGTERM");
            return exited;
        },
    };
}
