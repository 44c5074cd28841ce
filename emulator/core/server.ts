/**
 * The loopback HTTP server one cloud emulator runs on. Per request it reads the
 * body, applies global latency, lets the fault injector decide, calls the
 * cloud's handler, records the request, then answers.
 */
import { createServer, STATUS_CODES, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";
import { faultLabel, isRespondingFault, type FaultInjector } from "./faults";
import { BodyTooLargeError, readBody, writeResponse } from "./http";
import { redact, type RequestLog } from "./requestLog";
import type { CloudEmulator, EmuRequest, EmuResponse, Fault } from "./types";

/** Host every emulator binds to. */
export const loopbackHost = "127.0.0.1";

/** What a cloud server needs from the emulator around it. */
export interface CloudServerOptions {
    readonly cloud: CloudEmulator<unknown, unknown>;
    readonly log: RequestLog;
    readonly faults: FaultInjector;
    /** Global latency (read per request). */
    readonly latencyMs: () => number;
    /** The accepted token, redacted from anything logged. */
    readonly token: string;
    /** Port to listen on; 0 (default) picks a free one. */
    readonly port?: number;
}

/** A listening cloud server. */
export interface RunningCloudServer {
    /** `http://127.0.0.1:<port>` followed by the cloud's `basePath`, if any. */
    readonly url: string;
    readonly port: number;
    /** Stop listening and destroy open connections. */
    close(): Promise<void>;
}

/** Start one cloud's server on loopback. */
export async function startCloudServer(options: CloudServerOptions): Promise<RunningCloudServer> {
    const server = createServer((req, res) => {
        serve(options, req, res).catch((err: unknown) => {
            // A bug in the emulator: answer 500 if we still can, and say so on stderr.
            process.stderr.write(`pulumi-volumes emulator (${options.cloud.name}): ${String(err)}\n`);
            if (!res.headersSent && !res.destroyed) {
                writeResponse(res, { status: 500, body: options.cloud.errorBody(500, "internal emulator error") }, {});
            }
        });
    });
    server.keepAliveTimeout = 5_000;
    await new Promise<void>((resolve, reject) => {
        server.once("error", reject);
        server.listen(options.port ?? 0, loopbackHost, () => {
            server.off("error", reject);
            resolve();
        });
    });
    const { port } = server.address() as AddressInfo;
    let closing: Promise<void> | undefined;
    return {
        url: `http://${loopbackHost}:${port}${options.cloud.basePath ?? ""}`,
        port,
        close() {
            closing ??= new Promise<void>((resolve) => {
                server.close(() => resolve());
                server.closeAllConnections();
            });
            return closing;
        },
    };
}

async function serve(options: CloudServerOptions, req: IncomingMessage, res: ServerResponse): Promise<void> {
    const { cloud, log, faults, token } = options;
    const at = Date.now();
    const started = performance.now();
    const url = new URL(req.url ?? "/", "http://emulator.invalid");
    const path = url.pathname.length > 1 ? url.pathname.replace(/\/+$/, "") || "/" : url.pathname;
    const method = (req.method ?? "GET").toUpperCase();

    let body: Buffer = Buffer.alloc(0);
    let tooLarge = false;
    try {
        body = await readBody(req, cloud.maxBodyBytes);
    } catch (err) {
        if (!(err instanceof BodyTooLargeError)) throw err;
        tooLarge = true;
    }
    const emuReq: EmuRequest = { method, path, query: url.searchParams, headers: req.headers, body };
    const baseHeaders = cloud.responseHeaders();
    const action = cloud.action?.(emuReq);
    const base = {
        cloud: cloud.name,
        method,
        path: redactToken(path, token),
        query: Object.fromEntries([...url.searchParams].map(([k, v]) => [redactToken(k, token), redactToken(v, token)])),
        ...(action !== undefined ? { action } : {}),
        authScheme: cloud.authScheme(emuReq),
        at,
        ...(requestIdOf(baseHeaders) !== undefined ? { requestId: requestIdOf(baseHeaders) } : {}),
    };
    const record = (status: number, fault?: string, requestId?: string): void =>
        log.add({
            ...base,
            ...(requestId !== undefined ? { requestId } : {}),
            status,
            durationMs: Math.round((performance.now() - started) * 1000) / 1000,
            ...(fault !== undefined ? { fault } : {}),
        });

    const latency = options.latencyMs();
    if (latency > 0) await sleep(latency);

    const fault = faults.take({ cloud: cloud.name, method, path, query: Object.fromEntries(url.searchParams), action });
    if (fault?.delayMs) await sleep(fault.delayMs);

    if (fault?.drop) {
        record(0, faultLabel(fault, 0));
        req.socket.destroy();
        return;
    }
    if (fault && isRespondingFault(fault) && !fault.afterCommit) {
        const injected = injectedResponse(fault, cloud);
        record(injected.status, faultLabel(fault, injected.status));
        writeResponse(res, injected, baseHeaders);
        return;
    }

    const response: EmuResponse = tooLarge
        ? { status: 413, body: cloud.errorBody(413, "request body too large") }
        : await cloud.handle(emuReq);

    if (fault?.afterCommit) {
        const injected = injectedResponse(fault, cloud);
        record(injected.status, `${faultLabel(fault, injected.status)} after commit (${response.status})`, response.requestId);
        writeResponse(res, injected, baseHeaders);
        return;
    }
    if (fault?.loseResponse) {
        record(response.status, faultLabel(fault, response.status), response.requestId);
        req.socket.destroy();
        return;
    }
    record(response.status, fault ? faultLabel(fault, response.status) : undefined, response.requestId);
    if (!res.destroyed) writeResponse(res, response, baseHeaders);
}

function injectedResponse(fault: Fault, cloud: CloudEmulator<unknown, unknown>): EmuResponse {
    const status = fault.status ?? 503;
    const headers: Record<string, string> = { ...(fault.headers ?? {}) };
    if (fault.retryAfter !== undefined) headers["retry-after"] = String(fault.retryAfter);
    if (fault.rawBody !== undefined) return { status, rawBody: fault.rawBody, headers };
    const body =
        fault.body !== undefined ? fault.body : cloud.errorBody(status, `injected fault: ${status} ${STATUS_CODES[status] ?? ""}`.trim());
    return { status, body, headers };
}

function requestIdOf(headers: Record<string, string>): string | undefined {
    const entry = Object.entries(headers).find(([name]) => name.toLowerCase().endsWith("request-id"));
    return entry?.[1];
}

function redactToken(text: string, token: string): string {
    return redact(redact(text, token), encodeURIComponent(token));
}
