/**
 * A capturing loopback proxy for contract tests: the client talks real HTTP to
 * it, it talks real HTTP to the emulator, and it records every exchange (method,
 * path, query, bodies, statuses, content types) in between. The Authorization
 * header is recorded as its scheme only, never its value.
 *
 * A request carrying `x-contract-probe: 1` is a deliberate violation (a body the
 * spec forbids, sent to see the emulator refuse it): its request is not held to
 * the spec, its response still is.
 */
import { Agent, createServer, request, type IncomingMessage, type OutgoingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";

/** The header that marks a deliberately invalid request. */
export const probeHeader = "x-contract-probe";

/** One request and its response, as seen on the wire. */
export interface Exchange {
    readonly seq: number;
    readonly method: string;
    /** URL pathname, as sent (not decoded). */
    readonly path: string;
    /** Query parameters, last value wins. */
    readonly query: Record<string, string>;
    /** `Bearer`, `none`, or the scheme word sent. */
    readonly authScheme: string;
    readonly requestContentType?: string;
    readonly requestBody: string;
    readonly probe: boolean;
    /** 0 when the upstream gave no response. */
    readonly status: number;
    readonly responseContentType?: string;
    readonly responseContentLength?: string;
    readonly requestId?: string;
    readonly responseBody: string;
}

/** A running proxy. */
export interface CaptureProxy {
    /** `http://127.0.0.1:<port>` */
    readonly url: string;
    /** Every exchange so far, oldest first. */
    exchanges(): Exchange[];
    close(): Promise<void>;
}

function readAll(stream: IncomingMessage): Promise<Buffer> {
    return new Promise((resolve, reject) => {
        const chunks: Buffer[] = [];
        stream.on("data", (c: Buffer) => chunks.push(c));
        stream.on("end", () => resolve(Buffer.concat(chunks)));
        stream.on("error", reject);
    });
}

function header(value: string | string[] | undefined): string | undefined {
    return Array.isArray(value) ? value[0] : value;
}

/** Start a proxy in front of `target` (an origin, `http://127.0.0.1:PORT`). */
export async function startCaptureProxy(target: string): Promise<CaptureProxy> {
    const upstream = new URL(target);
    const agent = new Agent({ keepAlive: true });
    const log: Exchange[] = [];
    let seq = 0;

    const server = createServer((req, res) => {
        void (async () => {
            const body = await readAll(req);
            const url = new URL(req.url ?? "/", "http://proxy.invalid");
            const auth = header(req.headers.authorization);
            const base = {
                seq: ++seq,
                method: (req.method ?? "GET").toUpperCase(),
                path: url.pathname,
                query: Object.fromEntries(url.searchParams),
                authScheme: auth === undefined ? "none" : (auth.trim().split(/\s+/)[0] ?? "none"),
                requestContentType: header(req.headers["content-type"]),
                requestBody: body.toString("utf8"),
                probe: header(req.headers[probeHeader]) === "1",
            };
            const headers: OutgoingHttpHeaders = { ...req.headers, host: upstream.host };
            delete headers[probeHeader];
            const forward = request(
                { host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers, agent },
                (up) => {
                    void readAll(up).then((text) => {
                        log.push({
                            ...base,
                            status: up.statusCode ?? 0,
                            responseContentType: header(up.headers["content-type"]),
                            responseContentLength: header(up.headers["content-length"]),
                            requestId: header(up.headers["x-request-id"]),
                            responseBody: text.toString("utf8"),
                        });
                        const out: OutgoingHttpHeaders = { ...up.headers };
                        delete out["transfer-encoding"];
                        delete out["connection"];
                        delete out["keep-alive"];
                        res.writeHead(up.statusCode ?? 502, out);
                        res.end(text);
                    });
                },
            );
            forward.on("error", () => {
                // The emulator dropped the connection (a fault): so does the proxy.
                log.push({ ...base, status: 0, responseBody: "" });
                req.socket.destroy();
            });
            forward.end(body);
        })();
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as AddressInfo;
    return {
        url: `http://127.0.0.1:${port}`,
        exchanges: () => [...log],
        close: () =>
            new Promise<void>((resolve) => {
                server.close(() => resolve());
                server.closeAllConnections();
                agent.destroy();
            }),
    };
}
