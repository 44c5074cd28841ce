/**
 * A throwaway loopback stand-in for AgentBay's POP RPC, just enough for the client's tests:
 * GetVolume create-or-get, ListVolumes paged by NextToken, DeleteVolume, NOT_LOGIN on a bad key,
 * and per-action faults. The real emulator (emulator/agentbay) replaces it after the merge:
 * delete this file then and point tests/clients/agentbayClient.test.ts at the emulator.
 */
import { createServer, IncomingHttpHeaders, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface FakeVolume {
    VolumeId: string;
    VolumeName: string;
    BelongingImageId: string;
    Status: string;
    CreateTime: string;
}

export interface SeenRpc {
    method: string;
    url: string;
    query: URLSearchParams;
    headers: IncomingHttpHeaders;
    body: string;
    form: URLSearchParams;
}

/** What the next request of `action` gets instead of a normal answer (used once). */
export type Fault =
    | { action: string; kind: "answer"; status: number; body: Record<string, unknown> | string }
    /** The action runs, then the connection is cut: a lost response. */
    | { action: string; kind: "lose" }
    /** No answer at all: the connection stays open until the client gives up. */
    | { action: string; kind: "hang" };

export interface FakeAgentBay {
    url: string;
    key: string;
    volumes: Map<string, FakeVolume>;
    seen: SeenRpc[];
    faults: Fault[];
    /** ListVolumes answers this token on every non-last page instead of a fresh one. */
    repeatToken?: string;
    /** Extra records ListVolumes puts on its first page (e.g. one without a VolumeId). */
    extraEntries: unknown[];
    /** How the server's VolumeName filter matches: exact, or as a substring (fuzzy). */
    nameMatch: "exact" | "substring";
    add(imageId: string, name: string): FakeVolume;
    close(): Promise<void>;
}

export async function startFakeAgentBay(key: string): Promise<FakeAgentBay> {
    let next = 1;
    let rid = 1;
    const fake: FakeAgentBay = {
        url: "",
        key,
        volumes: new Map(),
        seen: [],
        faults: [],
        extraEntries: [],
        nameMatch: "exact",
        add(imageId, name) {
            const v = {
                VolumeId: `vol-${next++}`,
                VolumeName: name,
                BelongingImageId: imageId,
                Status: "Available",
                CreateTime: "2026-01-01T00:00:00Z",
            };
            fake.volumes.set(v.VolumeId, v);
            return v;
        },
        close: async () => undefined,
    };

    const ok = (extra: Record<string, unknown>) => ({
        RequestId: `RID-${rid++}`,
        Success: true,
        Code: "ok",
        Message: "",
        HttpStatusCode: 200,
        ...extra,
    });
    const refused = (code: string, message: string, httpStatusCode: number) => ({
        RequestId: `RID-${rid++}`,
        Success: false,
        Code: code,
        Message: message,
        HttpStatusCode: httpStatusCode,
    });

    const run = (action: string, q: URLSearchParams, f: URLSearchParams): { status: number; body: Record<string, unknown> } => {
        if (f.get("Authorization") !== `Bearer ${key}`) {
            return {
                status: 400,
                body: {
                    RequestId: `RID-${rid++}`,
                    HostId: "fake",
                    Code: "NOT_LOGIN",
                    Message: "You are not logged in or your login token has expired",
                },
            };
        }
        if (action === "GetVolume") {
            const imageId = f.get("ImageId") ?? "";
            const name = f.get("VolumeName") ?? "";
            const existing = [...fake.volumes.values()].find((v) => v.BelongingImageId === imageId && v.VolumeName === name);
            if (existing) return { status: 200, body: ok({ Data: existing }) };
            if (f.get("AllowCreate")?.toLowerCase() !== "true")
                return { status: 200, body: refused("InvalidVolume.NotFound", "not found", 404) };
            return { status: 200, body: ok({ Data: fake.add(imageId, name) }) };
        }
        if (action === "ListVolumes") {
            const ids = [...f.keys()].filter((k) => /^VolumeIds\.\d+$/.test(k)).map((k) => f.get(k));
            const name = f.get("VolumeName");
            const size = Number(f.get("MaxResults") ?? 10);
            const all = [...fake.volumes.values()].filter(
                (v) =>
                    v.BelongingImageId === f.get("ImageId") &&
                    (ids.length === 0 || ids.includes(v.VolumeId)) &&
                    (!name || (fake.nameMatch === "exact" ? v.VolumeName === name : v.VolumeName.includes(name))),
            );
            const given = q.get("NextToken") ?? "";
            // A repeated token restarts the list, as a server stuck on one page would.
            const start = given === fake.repeatToken ? 0 : Number(Buffer.from(given, "base64url").toString() || 0);
            const page: unknown[] = all.slice(start, start + size);
            if (start === 0) page.push(...fake.extraEntries);
            const more = start + size < all.length;
            const token = more ? (fake.repeatToken ?? Buffer.from(String(start + size)).toString("base64url")) : "";
            return { status: 200, body: ok({ Data: page, NextToken: token, MaxResults: size }) };
        }
        if (action === "DeleteVolume") {
            const id = f.get("VolumeId") ?? "";
            if (!fake.volumes.delete(id))
                return { status: 200, body: refused("InvalidVolume.NotFound", `Volume ${id} is not found.`, 404) };
            return { status: 200, body: ok({}) };
        }
        return { status: 404, body: { RequestId: `RID-${rid++}`, Code: "InvalidAction.NotFound", Message: "Specified api is not found" } };
    };

    const server = createServer((req, res: ServerResponse) => {
        const chunks: Buffer[] = [];
        req.on("data", (c: Buffer) => chunks.push(c));
        req.on("end", () => {
            const url = new URL(req.url ?? "/", "http://fake");
            const body = Buffer.concat(chunks).toString("utf8");
            const seen: SeenRpc = {
                method: req.method ?? "",
                url: req.url ?? "",
                query: url.searchParams,
                headers: req.headers,
                body,
                form: new URLSearchParams(body),
            };
            fake.seen.push(seen);
            const action = url.searchParams.get("Action") ?? "";
            const i = fake.faults.findIndex((x) => x.action === action);
            const fault = i >= 0 ? fake.faults.splice(i, 1)[0] : undefined;
            if (fault?.kind === "hang") return;
            if (fault?.kind === "lose") {
                run(action, seen.query, seen.form);
                req.socket.destroy();
                return;
            }
            const { status, body: answer } = fault?.kind === "answer" ? fault : run(action, seen.query, seen.form);
            const text = typeof answer === "string" ? answer : JSON.stringify(answer);
            const type = typeof answer === "string" ? "text/html" : "application/json";
            res.writeHead(status, { "content-type": type, "content-length": Buffer.byteLength(text) });
            res.end(text);
        });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    fake.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    fake.close = () =>
        new Promise<void>((resolve) => {
            server.close(() => resolve());
            server.closeAllConnections();
        });
    return fake;
}
