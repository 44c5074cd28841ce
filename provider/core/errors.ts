/**
 * Errors for a person at a terminal. The dynamic-provider host prints `message` as it is, so every
 * message says what failed, on which volume, what the cloud said and what to do, on one line, and
 * holds no request body or header (AgentBay sends its key in the body). Messages pass `scrub` so a
 * credential that reached an error from anywhere is still never shown.
 */

import { inAccountTerms } from "./account";
import { oneLine, scrub } from "./secrets";

/** Names the cloud in messages: `fly`, `neevcloud`, `agentbay`, `vm0`. */
export type CloudName = "fly" | "neevcloud" | "agentbay" | "vm0";

/** Base class: every error this package raises on purpose. */
export class VolumeError extends Error {
    constructor(message: string, options?: { cause?: unknown }) {
        // One line: the host prints it as is, and a cloud message may carry line breaks.
        super(oneLine(scrub(message)), options);
        this.name = new.target.name;
    }
}

/** What the cloud said about a failed request. */
export interface ApiErrorDetails {
    cloud: CloudName;
    /** What we were doing: `create volume`, `extend volume`, … */
    operation: string;
    /** The volume (or app, project) the request was about, when known. */
    target?: string;
    /** HTTP status; absent when no response arrived. */
    status?: number;
    /** The cloud's error code (`failed_precondition`, `NOT_LOGIN`, …). */
    code?: string;
    /** The cloud's human message, already scrubbed. */
    cloudMessage?: string;
    /** The request id the cloud returned (`fly-request-id`, `RequestId`, …). */
    requestId?: string;
    /** What the user can do about it. */
    remedy?: string;
    /**
     * The answer came in the cloud's own error shape (its JSON error body), not a proxy's page or a
     * wrong URL's. Only such a 404 means "no such volume" (see {@link isCloudNotFound}).
     */
    cloudShaped?: boolean;
}

/** A request the cloud answered with an error, or that got no answer. */
export class ApiError extends VolumeError {
    readonly details: ApiErrorDetails;
    constructor(details: ApiErrorDetails, options?: { cause?: unknown }) {
        super(formatApiError(details), options);
        this.details = details;
    }
    get status(): number | undefined {
        return this.details.status;
    }
    get code(): string | undefined {
        return this.details.code;
    }
}

/**
 * An ApiError that leaves open whether the server applied the request: a create (or another
 * request that must not be repeated) went out and no clear answer came back. The caller
 * reconciles (looks for what it may have made) instead of sending again.
 */
export class AmbiguousRequestError extends ApiError {}

/** `<cloud> <operation> <target>: <what> (<status> <code>, request <rid>). <remedy>`, on one line. */
function formatApiError(d: ApiErrorDetails): string {
    const what = (d.cloudMessage && oneLine(d.cloudMessage)) || (d.status ? `HTTP ${d.status}` : "no response");
    const facts = answerFacts(d);
    const head = `${d.cloud} ${d.operation}${d.target ? ` ${d.target}` : ""}: ${what}`;
    return `${head}${facts ? ` (${facts})` : ""}${d.remedy ? `. ${inAccountTerms(d.remedy)}` : ""}`;
}

/**
 * The facts of an answer that a person quotes to support, every message's `(…)`: `503 UNAVAILABLE,
 * request r-1`; `409`; `request r-1`. Empty when there are none (no response arrived).
 */
export function answerFacts(d: Pick<ApiErrorDetails, "status" | "code" | "requestId">): string {
    const facts = [d.status ? String(d.status) : undefined, d.code].filter(Boolean).join(" ");
    return [facts || undefined, d.requestId ? `request ${d.requestId}` : undefined].filter(Boolean).join(", ");
}

/**
 * The cloud's own "not found": a 404 in its error shape. A 404 from anything else (a proxy's HTML
 * page, a wrong API URL) never means gone: it is an error naming the URL and its config key.
 */
export function isCloudNotFound(error: unknown): error is ApiError {
    return error instanceof ApiError && error.status === 404 && error.details.cloudShaped === true;
}

/** A wait that ran out of time or reached a terminal state. */
export class WaitError extends VolumeError {
    /** The last state seen, if any. */
    readonly lastState?: string;
    constructor(message: string, lastState?: string) {
        super(message);
        this.lastState = lastState;
    }
}

/** The operation's deadline (its `timeouts` entry) passed. */
export class DeadlineError extends VolumeError {}

/** No credential in stack config nor environment. */
export class MissingCredentialError extends VolumeError {
    /** `configKey` is a config path (`fly:accounts.staging.token`) when `account` is named. */
    constructor(cloud: CloudName, configKey: string, envVars: readonly string[], account?: string) {
        const env = envVars.map((v) => `\`${v}\``).join(" or ");
        const set = account === undefined ? `--secret ${configKey}` : `--secret --path '${configKey}'`;
        super(
            `${cloud}: no credential found${account === undefined ? "" : ` for account '${account}'`}. ` +
                `Set it with \`pulumi config set ${set} <value>\` or the environment variable ${env}.`,
        );
    }
}

/** Partial state for the engine: the cloud accepted the volume but it did not become ready. */
export interface PartialStateError {
    message: string;
    id: string;
    properties: Record<string, unknown>;
    reasons: string[];
}

/**
 * Rejects from create/update after the cloud accepted the change, so Pulumi keeps tracking the
 * volume. The host does not re-add `__provider` on this path: the inputs are spread in, which
 * carries it, or later read/delete could not load the provider.
 */
export function partialState(error: unknown, id: string, inputs: object, outputs: object): PartialStateError {
    const message = errorMessage(error);
    return { message, id, properties: { ...inputs, ...outputs }, reasons: [message] };
}

export function errorMessage(error: unknown): string {
    return scrub(error instanceof Error ? error.message : String(error));
}
