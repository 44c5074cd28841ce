/**
 * Types shared by the emulator core and every cloud emulator.
 *
 * A cloud emulator is a {@link CloudDefinition}: a name, its default knobs and a
 * factory for a {@link CloudEmulator} (request handler, inventory, test hooks).
 * The core owns everything that is not cloud-specific: the HTTP server, the
 * request log, fault injection, global latency and knob merging.
 */
import type { IncomingHttpHeaders } from "node:http";
import type { RequestMatch } from "./match";

/** A request as a cloud emulator sees it: body read, URL parsed. */
export interface EmuRequest {
    /** Upper-case HTTP method. */
    readonly method: string;
    /** URL pathname, not decoded, trailing slash removed (except for "/"). */
    readonly path: string;
    /** Parsed query string. */
    readonly query: URLSearchParams;
    /** Request headers, lower-case names. */
    readonly headers: IncomingHttpHeaders;
    /** Raw request body (empty when none was sent). */
    readonly body: Buffer;
}

/** What a handler answers; the core serialises it. */
export interface EmuResponse {
    /** HTTP status code. */
    readonly status: number;
    /** JSON body (serialised with `JSON.stringify`); ignored when `rawBody` is set. */
    readonly body?: unknown;
    /** Body sent verbatim (`text/plain` unless a `content-type` header is given); bytes as they are. */
    readonly rawBody?: string | Buffer;
    /** Extra response headers. */
    readonly headers?: Readonly<Record<string, string>>;
    /** The request id, for the log, when the cloud sends it in the body rather than a header (AgentBay). */
    readonly requestId?: string;
}

/** One entry of the request log. Never holds a credential or the `Authorization` value. */
export interface RecordedRequest {
    /** Cloud that served the request (`"fly"`, …). */
    readonly cloud: string;
    /** Upper-case HTTP method. */
    readonly method: string;
    /** URL pathname (the accepted token, should it appear, is replaced by `[redacted]`). */
    readonly path: string;
    /** Query parameters, last value wins (the token is redacted here too). */
    readonly query: Readonly<Record<string, string>>;
    /** RPC action (AgentBay: the `Action` query parameter); absent for REST clouds. */
    readonly action?: string;
    /** Response status; `0` when no response was sent (a `drop` fault). */
    readonly status: number;
    /** Authorization scheme seen: `"FlyV1"`, `"Bearer"`, `"none"`, another scheme word, or `"malformed"`. */
    readonly authScheme: string;
    /** Arrival time, ms since the epoch. */
    readonly at: number;
    /** Time from arrival until the response was sent (or the socket destroyed). */
    readonly durationMs: number;
    /** The cloud's request id header value when it sends one (Fly: `fly-request-id`). */
    readonly requestId?: string;
    /** What an injected fault did: `"drop"`, `"loseResponse"`, `"status 503"`, `"delay 50ms"`, or several joined by `", "`. */
    readonly fault?: string;
}

/**
 * An injected fault. It matches requests as a {@link RequestMatch} does (cloud, method,
 * path, RPC action, query); the first `skip` matching requests pass untouched, then it
 * fires on the next `times`.
 *
 * Kinds (one per fault; `delayMs` combines with any of them or stands alone):
 * - respond: `status` / `body` / `rawBody` / `headers` / `retryAfter` — answer with
 *   this instead of handling (status defaults to 503; body to the cloud's error shape);
 * - `drop`: destroy the socket before handling — the change is NOT applied;
 * - `loseResponse`: handle fully (the change IS committed), then destroy the socket;
 * - `delayMs` alone: wait, then handle normally.
 *
 * Counting: every fault counts every request it matches (whether or not an
 * earlier fault in the list fired on it), so `skip` is an index into the
 * matching requests; the first fault in list order that is due fires.
 */
export interface Fault extends RequestMatch {
    /** Let the first N matching requests through untouched (default 0). */
    readonly skip?: number;
    /** How many matching requests it fires on (default 1; `Infinity` allowed). */
    readonly times?: number;
    /** Respond with this status instead of handling (default 503 for a responding fault). */
    readonly status?: number;
    /** JSON body of the injected response (default: the cloud's error body). */
    readonly body?: unknown;
    /** Raw (non-JSON) body of the injected response. */
    readonly rawBody?: string;
    /** Headers of the injected response. */
    readonly headers?: Readonly<Record<string, string>>;
    /** Adds `Retry-After: <seconds>` to the injected response. */
    readonly retryAfter?: number;
    /** Destroy the socket before handling: the change is not applied. */
    readonly drop?: boolean;
    /** Handle the request (the change is committed), then destroy the socket instead of replying. */
    readonly loseResponse?: boolean;
    /**
     * With a response (`status`/`body`/`rawBody`): handle the request first (the change is committed),
     * then answer with the fault instead of the handler's answer: a 500 after the commit, or a proxy's
     * 200 page in place of the created volume.
     */
    readonly afterCommit?: boolean;
    /** Extra latency before handling (or before the injected response). */
    readonly delayMs?: number;
}

/** Recursively optional; arrays and functions are replaced whole. */
export type DeepPartial<T> = T extends readonly unknown[]
    ? T
    : T extends (...args: never[]) => unknown
      ? T
      : T extends object
        ? { [K in keyof T]?: DeepPartial<T[K]> }
        : T;

/** Knob values every cloud can map from the CLI's common flags. */
export interface CommonKnobOptions {
    /** `--ready-ms`: time until a new volume is ready. */
    readonly readyMs?: number;
    /** `--extend-ms`: time until a grown size is visible. */
    readonly extendMs?: number;
    /** `--no-rate-limit`: switch rate limiting off. */
    readonly noRateLimit?: boolean;
}

/** What the core hands a cloud when it starts it. */
export interface CloudContext<TKnobs> {
    /** The one token the emulator accepts. */
    readonly token: string;
    /** The cloud's current knobs (they change at run time; read them per request). */
    knobs(): TKnobs;
    /** Clock, ms since the epoch. */
    now(): number;
}

/** A running cloud emulator, as the core drives it. */
export interface CloudEmulator<TControl, TRecord> {
    /** Cloud name, the key in the cloud table. */
    readonly name: string;
    /**
     * Path prefix of the cloud's API on its server (NeevCloud: `/storage`, as its
     * gateway URL has one), appended to the server's URL in `urls` and `env`. Default none.
     */
    readonly basePath?: string;
    /** Test hooks exposed on the public `Emulator` under the cloud's name. */
    readonly control: TControl;
    /** The request's RPC action, for RPC clouds (AgentBay: the `Action` query parameter). */
    action?(req: EmuRequest): string | undefined;
    /** Largest request body it reads, bytes (VM0's uploads: 100 MB). Default `maxBodyBytes` (1 MiB). */
    readonly maxBodyBytes?: number;
    /** Answer one request (after latency and faults were applied by the core). */
    handle(req: EmuRequest): EmuResponse | Promise<EmuResponse>;
    /** The authorization scheme to log for a request; never the credential. */
    authScheme(req: EmuRequest): string;
    /** Headers to add to every response, injected ones included (e.g. a fresh request id). */
    responseHeaders(): Record<string, string>;
    /** The cloud's error body for a status and message (for injected and core errors). */
    errorBody(status: number, message: string): unknown;
    /** Environment variables a client needs to reach this cloud at `url`. */
    env(url: string): Record<string, string>;
    /** Every resource the cloud holds, in a stable order. */
    inventory(): TRecord[];
    /** Called after `configure` changed knobs. */
    knobsChanged(): void;
    /** Forget all state (resources, rate-limit buckets). */
    reset(): void;
}

/** A cloud emulator's entry in the cloud table (`emulator/clouds.ts`). */
export interface CloudDefinition<TKnobs, TControl, TRecord> {
    /** Cloud name; also the key in the table, the URL key and the `--<name>-port` flag. */
    readonly name: string;
    /** Fresh default knobs. */
    defaultKnobs(): TKnobs;
    /** Map the CLI's common flags to this cloud's knobs. */
    fromCommonOptions(options: CommonKnobOptions): DeepPartial<TKnobs>;
    /** Start the cloud's state machine. */
    create(ctx: CloudContext<TKnobs>): CloudEmulator<TControl, TRecord>;
}
