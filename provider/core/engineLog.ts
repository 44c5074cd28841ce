import { createRequire } from "node:module";
import type { ProgressLine, ProgressSink } from "./progress";

/**
 * Progress through the Pulumi engine. A dynamic provider's stdout and stderr, and an engine `Log`
 * without a URN, show only under the stack in the run's diagnostics; an engine `Log` naming the
 * resource's URN shows on that resource's row in `pulumi up` (ephemeral lines only while it runs).
 * So the provider host (`@pulumi/pulumi/cmd/dynamic-provider`, which gets the engine's address as
 * its first argument) logs to the engine itself, with the URN the SDK class passes as `__urn`.
 *
 * Everything is loaded on first use, inside the host only; anywhere else there is no engine and
 * progress is silent.
 */
interface EngineLogClient {
    log(req: unknown, callback: (error: unknown) => void): void;
}

let client: EngineLogClient | null | undefined;
let proto: { LogRequest: new () => LogRequest; LogSeverity: { INFO: number } } | undefined;

interface LogRequest {
    setSeverity(s: number): void;
    setMessage(m: string): void;
    setUrn(u: string): void;
    setEphemeral(e: boolean): void;
}

/** True in the dynamic-provider host the engine started. */
function inProviderHost(): boolean {
    return /[\\/]cmd[\\/]dynamic-provider[\\/]index\.js$/.test(require.main?.filename ?? "") && /^[\w.-]+:\d+$/.test(process.argv[2] ?? "");
}

function engine(): EngineLogClient | null {
    if (client !== undefined) return client;
    client = null;
    if (!inProviderHost()) return client;
    try {
        // The same @grpc/grpc-js as @pulumi/pulumi's generated clients, or its credentials are foreign to them.
        const fromPulumi = createRequire(require.resolve("@pulumi/pulumi/package.json"));
        const grpc = fromPulumi("@grpc/grpc-js") as { credentials: { createInsecure(): unknown } };
        const rpc = fromPulumi("./proto/engine_grpc_pb") as { EngineClient: new (addr: string, creds: unknown) => EngineLogClient };
        proto = fromPulumi("./proto/engine_pb") as typeof proto;
        const address = process.argv[2];
        if (address === undefined) return client;
        client = new rpc.EngineClient(address, grpc.credentials.createInsecure());
    } catch {
        client = null;
    }
    return client;
}

/** Logs to the engine on the row of `urn` (under the stack without one); undefined outside the provider host. */
export function engineSink(urn: string | undefined): ProgressSink | undefined {
    const c = engine();
    if (!c || !proto) return undefined;
    const p = proto;
    return (line: ProgressLine) => {
        const req = new p.LogRequest();
        req.setSeverity(p.LogSeverity.INFO);
        req.setMessage(line.message);
        if (urn) req.setUrn(urn);
        req.setEphemeral(line.ephemeral);
        c.log(req, () => undefined);
    };
}
