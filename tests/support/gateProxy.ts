import { createServer, request, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/** A request the gate holds: it reaches the emulator only when released. */
export interface Held {
    method: string;
    path: string;
    /** Forwards the request; resolves once its response has been sent back to the client. */
    release(): Promise<void>;
}

/** A loopback forwarding proxy in front of the emulator that can hold chosen requests. */
export interface GateProxy {
    url: string;
    /** Holds the next request that matches, resolving as it arrives (held, not yet forwarded). */
    hold(match: (method: string, path: string) => boolean): Promise<Held>;
    close(): Promise<void>;
}

/**
 * An interleaving made exact instead of timed: a client (a provider host, or this process) talks to
 * the proxy; the test holds one of its requests where the race needs it, runs the other party, then
 * releases it. Every other request passes straight through, byte for byte (the Host header is the
 * proxy's, so presigned URLs the emulator hands out lead back through the proxy too).
 */
export async function startGateProxy(target: string): Promise<GateProxy> {
    const to = new URL(target);
    const waiting: { match: (method: string, path: string) => boolean; found: (h: Held) => void }[] = [];
    const forward = (req: IncomingMessage, res: ServerResponse, body: Buffer): Promise<void> =>
        new Promise((done) => {
            const out = request({ host: to.hostname, port: to.port, method: req.method, path: req.url, headers: req.headers }, (answer) => {
                res.writeHead(answer.statusCode ?? 502, answer.headers);
                answer.pipe(res);
                answer.on("end", () => done());
            });
            out.on("error", () => {
                res.destroy();
                done();
            });
            out.end(body);
        });
    const server = createServer((req, res) => {
        const chunks: Buffer[] = [];
        req.on("data", (c: Buffer) => chunks.push(c));
        req.on("end", () => {
            const body = Buffer.concat(chunks);
            const method = req.method ?? "GET";
            const path = (req.url ?? "/").split("?")[0] ?? "/";
            const i = waiting.findIndex((w) => w.match(method, path));
            if (i < 0) {
                void forward(req, res, body);
                return;
            }
            const [w] = waiting.splice(i, 1);
            w?.found({ method, path, release: () => forward(req, res, body) });
        });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as AddressInfo;
    return {
        url: `http://127.0.0.1:${port}`,
        hold: (match) => new Promise((found) => waiting.push({ match, found })),
        close: () =>
            new Promise((resolve) => {
                server.closeAllConnections();
                server.close(() => resolve());
            }),
    };
}
