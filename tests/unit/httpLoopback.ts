import { createServer, type IncomingHttpHeaders, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/** A request as the loopback server received it. */
export interface Seen {
    method: string;
    /** Path and query string. */
    url: string;
    headers: IncomingHttpHeaders;
    body: string;
    /** Wall-clock arrival, ms. */
    at: number;
}

export interface Loopback {
    /** `http://127.0.0.1:<port>` */
    url: string;
    port: number;
    seen: Seen[];
    close(): Promise<void>;
}

/**
 * A plain node:http server on loopback: the handler answers each request (n counts from 0). Every
 * request is recorded with its headers and body, so a test can look for a credential in them.
 */
export async function loopback(handler: (req: Seen, res: ServerResponse, n: number) => unknown): Promise<Loopback> {
    const seen: Seen[] = [];
    const server = createServer((req, res) => {
        const chunks: Buffer[] = [];
        const at = Date.now();
        req.on("data", (c: Buffer) => chunks.push(c));
        req.on("end", () => {
            const entry: Seen = {
                method: req.method ?? "",
                url: req.url ?? "",
                headers: req.headers,
                body: Buffer.concat(chunks).toString("utf8"),
                at,
            };
            seen.push(entry);
            Promise.resolve(handler(entry, res, seen.length - 1)).catch(() => res.destroy());
        });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as AddressInfo;
    return {
        url: `http://127.0.0.1:${port}`,
        port,
        seen,
        close: () =>
            new Promise<void>((resolve) => {
                server.close(() => resolve());
                server.closeAllConnections();
            }),
    };
}

/** Answers JSON. */
export function json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
    const text = JSON.stringify(body);
    res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text), ...headers });
    res.end(text);
}

/** Kept here too for the tests that import it from this file. */
export { fakeClock } from "./virtualClock";
