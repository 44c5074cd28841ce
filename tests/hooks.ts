import { createHook } from "node:async_hooks";
import { closeAllPools } from "../provider/core/transport";

/**
 * Root hooks for CI (`npm run test:ci`, mocha without `--exit`): after the last test, nothing the
 * tests started may keep the process alive. The HTTP pools are a process-wide cache (the provider
 * host lives as long as its engine), so they are closed here; any other timer, socket, server or
 * child process beyond what was open before the first test fails the run, naming it. If the process
 * still has not exited 30 s after the suite, it fails rather than hang CI.
 */

/** Resource kinds that are the harness's own or the terminal's, never a test's leak. */
const ignored = new Set(["TTYWrap", "FSReqCallback", "FSReqPromise", "StatWatcher"]);

let baseline = new Map<string, number>();

/** Where each live timer was made, to name a leaked one (the first frames outside node:internal). */
const timers = new Map<number, string>();
const timerHook = createHook({
    init(id, type) {
        if (type !== "Timeout") return;
        const limit = Error.stackTraceLimit;
        Error.stackTraceLimit = 30;
        const stack = (new Error().stack ?? "").split("\n").slice(1);
        Error.stackTraceLimit = limit;
        timers.set(
            id,
            stack
                .filter((l) => !/node:internal|node:timers|async_hooks|hooks\.js|node_modules\/mocha\//.test(l))
                .slice(0, 4)
                .map((l) => l.trim().replace(/^at /, ""))
                .join(" < "),
        );
    },
    destroy(id) {
        timers.delete(id);
    },
});

function counts(): Map<string, number> {
    const out = new Map<string, number>();
    for (const kind of process.getActiveResourcesInfo()) out.set(kind, (out.get(kind) ?? 0) + 1);
    return out;
}

function leaks(): string[] {
    const out: string[] = [];
    for (const [kind, n] of counts()) {
        const extra = n - (baseline.get(kind) ?? 0);
        if (extra > 0 && !ignored.has(kind)) out.push(`${extra} × ${kind}`);
    }
    return out;
}

/** Best effort details of open handles (Node's private list): a socket's addresses, a timer's callback and delay. */
function details(): string[] {
    const handles = (process as unknown as { _getActiveHandles?: () => unknown[] })._getActiveHandles?.() ?? [];
    return handles
        .flatMap((h): string[] => {
            const o = h as Record<string, unknown> & { constructor: { name: string } };
            if (o.constructor.name === "Socket" && (o as { isTTY?: boolean }).isTTY) return [];
            if (o.constructor.name === "Socket" && o.remotePort === undefined && o.localPort === undefined) return [];
            if (o.constructor.name === "Socket")
                return [`socket ${String(o.localAddress)}:${String(o.localPort)} → ${String(o.remoteAddress)}:${String(o.remotePort)}`];
            if (o.constructor.name === "Server") return [`server ${JSON.stringify((o as { address?: () => unknown }).address?.())}`];
            if (o.constructor.name === "Timeout") {
                const fn = o._onTimeout as { name?: string; toString(): string } | undefined;
                return [`timer of ${String(o._idleTimeout)} ms: ${fn?.name || fn?.toString().slice(0, 120).replace(/\s+/g, " ")}`];
            }
            return [o.constructor.name];
        })
        .concat([...timers.values()].filter((where) => where !== "").map((where) => `timer made at ${where}`));
}

export const mochaHooks = {
    async beforeAll(): Promise<void> {
        // After an await, as in afterAll: mocha arms its timer for a running hook once its synchronous part returns.
        await new Promise((r) => setImmediate(r));
        baseline = counts();
        timerHook.enable();
    },
    async afterAll(): Promise<void> {
        await closeAllPools();
        // Servers and sockets close a tick or two after their close call: give them a moment.
        // (Each pause's own timer is gone once the immediate after it runs.)
        const pause = async () => {
            await new Promise((r) => setTimeout(r, 50));
            await new Promise((r) => setImmediate(r));
        };
        for (let i = 0; i < 20 && leaks().length > 0; i++) await pause();
        const found = leaks();
        timerHook.disable();
        const guard = setTimeout(() => {
            console.error(
                `the process is still running 30 s after the suite: ` +
                    `${process.getActiveResourcesInfo().join(", ")}\n  ${details().join("\n  ")}`,
            );
            process.exit(1);
        }, 30_000);
        guard.unref();
        if (found.length > 0) {
            // Mocha drops message lines that look like its own stack frames: say the details on stderr too.
            const message = `the tests left ${found.join(", ")} open, which keeps the process alive:\n  ${details().join("\n  ")}`;
            console.error(message);
            throw new Error(message);
        }
    },
};
