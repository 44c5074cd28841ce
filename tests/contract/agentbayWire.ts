/**
 * AgentBay requests as the official transport puts them on the wire. `@alicloud/openapi-core`
 * (the package every official AgentBay SDK sends through) calls the emulator by `doRPCRequest`,
 * as the SDK's generated client does (protocol HTTP against loopback, auth type `Anonymous`,
 * body type `json`, form body with `Authorization: "Bearer <key>"`), through a capturing
 * loopback proxy that records each request exactly as sent.
 *
 * {@link officialTransportRequests} runs one fixed scenario and returns what was sent, normalised
 * so that two runs compare equal: the key is `<key>`, volume ids `<vol:N>` in order of first
 * appearance, `Timestamp` and `SignatureNonce` their checked shapes. Run the package's own
 * client through {@link startRpcCapture} with the same calls and compare, field for field.
 */
import OpenApi, { $OpenApiUtil, OpenApiUtil } from "@alicloud/openapi-core";
import * as $dara from "@darabonba/typescript";
import { createServer, request, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import type { Emulator } from "../../emulator";

/** One request as the wire carried it, normalised (see the module comment). */
export interface RpcWireRequest {
    readonly method: string;
    readonly path: string;
    /** Query keys in the order sent. */
    readonly queryKeys: readonly string[];
    /** Query values as sent (still percent-encoded). */
    readonly query: Readonly<Record<string, string>>;
    /** Form keys in the order sent. */
    readonly formKeys: readonly string[];
    /** Form values as sent (still percent-encoded: the key's value reads `Bearer%20<key>`). */
    readonly form: Readonly<Record<string, string>>;
    /** `x-acs-action`, `x-acs-version` and `content-type`, as sent. */
    readonly headers: Readonly<Record<string, string>>;
    /** Whether an `Authorization` header was sent (it must not be: the key travels in the form). */
    readonly authorizationHeader: boolean;
    /** Whether the body was chunked (Node's transport sends no `Content-Length`). */
    readonly chunked: boolean;
}

/** A capturing proxy in front of the AgentBay emulator. */
export interface RpcCapture {
    /** `127.0.0.1:PORT`: a bare host, as the SDK's endpoint is. */
    readonly endpoint: string;
    /** Every request so far, oldest first. */
    requests(): RpcWireRequest[];
    close(): Promise<void>;
}

/** What the transport answered: the parsed JSON body and the HTTP status. */
export interface TransportReply {
    readonly statusCode: number;
    readonly body: Record<string, unknown>;
}

/** The Timestamp shape (UTC to the second, `:` encoded) and the nonce shape the transport sends. */
export const timestampSent = /^\d{4}-\d\d-\d\dT\d\d%3A\d\d%3A\d\dZ$/;
export const nonceSent = /^[0-9a-f]{32,}$/;

function pairs(encoded: string): Array<[string, string]> {
    if (encoded === "") return [];
    return encoded.split("&").map((pair) => {
        const eq = pair.indexOf("=");
        return eq < 0 ? [pair, ""] : [pair.slice(0, eq), pair.slice(eq + 1)];
    });
}

function readAll(stream: IncomingMessage): Promise<Buffer> {
    return new Promise((resolve, reject) => {
        const chunks: Buffer[] = [];
        stream.on("data", (c: Buffer) => chunks.push(c));
        stream.on("end", () => resolve(Buffer.concat(chunks)));
        stream.on("error", reject);
    });
}

/** Start a proxy in front of `target` (the emulator's `http://127.0.0.1:PORT`) that records requests; `key` is normalised to `<key>`. */
export async function startRpcCapture(target: string, key: string): Promise<RpcCapture> {
    const upstream = new URL(target);
    const seen: RpcWireRequest[] = [];
    const volumeIds = new Map<string, string>();
    const normalise = (value: string): string =>
        value
            .split(encodeURIComponent(key))
            .join("<key>")
            .replace(/vol-[a-z0-9]{16}/g, (id) => {
                if (!volumeIds.has(id)) volumeIds.set(id, `<vol:${volumeIds.size + 1}>`);
                return volumeIds.get(id) as string;
            });
    const server = createServer((req, res) => {
        readAll(req).then(
            (body) => {
                const url = req.url ?? "/";
                const q = url.indexOf("?");
                const query = pairs(q < 0 ? "" : url.slice(q + 1)).map(([k, v]): [string, string] => [k, normalise(v)]);
                const form = pairs(body.toString("utf8")).map(([k, v]): [string, string] => [k, normalise(v)]);
                const header = (name: string): string => String(req.headers[name] ?? "");
                seen.push({
                    method: req.method ?? "",
                    path: q < 0 ? url : url.slice(0, q),
                    queryKeys: query.map(([k]) => k),
                    query: Object.fromEntries(query),
                    formKeys: form.map(([k]) => k),
                    form: Object.fromEntries(form),
                    headers: {
                        "x-acs-action": header("x-acs-action"),
                        "x-acs-version": header("x-acs-version"),
                        "content-type": header("content-type"),
                    },
                    authorizationHeader: req.headers.authorization !== undefined,
                    chunked: header("transfer-encoding") === "chunked" && req.headers["content-length"] === undefined,
                });
                // Forwarded as sent (chunked stays chunked), so the emulator sees the transport's framing.
                const headers = { ...req.headers, host: upstream.host };
                const up = request(
                    { host: upstream.hostname, port: upstream.port, method: req.method, path: url, headers, agent: false },
                    (r) => {
                        res.writeHead(r.statusCode ?? 502, r.headers);
                        r.pipe(res);
                    },
                );
                up.on("error", () => res.destroy());
                up.end(body);
            },
            () => res.destroy(),
        );
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as AddressInfo;
    return {
        endpoint: `127.0.0.1:${port}`,
        requests: () => [...seen],
        close: () =>
            new Promise<void>((resolve) => {
                server.close(() => resolve());
                server.closeAllConnections();
            }),
    };
}

/** The official transport, pointed at `endpoint` (a bare `host:port`) over HTTP. */
export function officialTransport(endpoint: string): OpenApi {
    return new OpenApi(new $OpenApiUtil.Config({ endpoint, protocol: "HTTP" }));
}

/**
 * Send one action as the SDK's generated client does: `query` (only `NextToken`, for
 * `ListVolumes`) through `OpenApiUtil.query`, the body through `OpenApiUtil.parseToMap`,
 * then `doRPCRequest(action, "2025-05-06", "HTTP", "POST", "Anonymous", "json", …)`.
 * A 4xx/5xx rejects with the transport's `ClientError`/`ServerError`.
 */
export async function sendRpc(
    transport: OpenApi,
    action: string,
    body: Record<string, unknown>,
    query: Record<string, string> = {},
): Promise<TransportReply> {
    const req = new $OpenApiUtil.OpenApiRequest({ query: OpenApiUtil.query(query), body: OpenApiUtil.parseToMap(body) });
    const reply = await transport.doRPCRequest(
        action,
        "2025-05-06",
        "HTTP",
        "POST",
        "Anonymous",
        "json",
        req,
        new $dara.RuntimeOptions({}),
    );
    return { statusCode: Number(reply["statusCode"]), body: reply["body"] as Record<string, unknown> };
}

/** The image the scenario's volumes belong to. */
export const scenarioImage = "imgc-wire";

/**
 * The fixed scenario, through the official transport against `emu` (its AgentBay knobs should
 * have `listLagMs: 0`): create two volumes, get one without create, list both one per page
 * (`VolumeIds.N`, `NextToken` in the query), list one by name, delete both. Returns the requests sent.
 */
export async function officialTransportRequests(emu: Emulator): Promise<RpcWireRequest[]> {
    const key = emu.env["AGENTBAY_API_KEY"] ?? "";
    const capture = await startRpcCapture(emu.urls.agentbay, key);
    try {
        const t = officialTransport(capture.endpoint);
        const auth = `Bearer ${key}`;
        const get = async (name: string, allowCreate: boolean): Promise<string> => {
            const reply = await sendRpc(t, "GetVolume", {
                AllowCreate: allowCreate,
                Authorization: auth,
                ImageId: scenarioImage,
                VolumeName: name,
            });
            return String((reply.body["Data"] as Record<string, unknown> | undefined)?.["VolumeId"] ?? "");
        };
        const a = await get("wire_a", true);
        const b = await get("wire_b", true);
        await get("wire_a", false);
        const list = { Authorization: auth, ImageId: scenarioImage, MaxResults: 1, VolumeIds: [a, b] };
        const first = await sendRpc(t, "ListVolumes", list);
        await sendRpc(t, "ListVolumes", list, { NextToken: String(first.body["NextToken"] ?? "") });
        await sendRpc(t, "ListVolumes", { Authorization: auth, ImageId: scenarioImage, MaxResults: 10, VolumeName: "wire_b" });
        for (const id of [a, b]) await sendRpc(t, "DeleteVolume", { Authorization: auth, VolumeId: id });
        return capture.requests();
    } finally {
        await capture.close();
    }
}
