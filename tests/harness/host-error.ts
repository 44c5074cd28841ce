import type * as grpcT from "@grpc/grpc-js";

import { fromStruct, type PropertyMap, wire } from "./wire";

/** State of a resource that was created (or updated) but failed to initialise: the engine keeps it. */
export interface PartialState {
    /** The id the provider reported for the half-made resource. */
    id: string;
    /** The properties the provider returned; they become the resource's outputs in state. */
    properties: PropertyMap;
    /** The reasons the provider gave (may be empty; the message is on the error). */
    reasons: string[];
}

/** A failed call to the dynamic-provider host, with the provider's own message. */
export class HostError extends Error {
    /** The gRPC method that failed (e.g. "create"). */
    readonly method: string;
    /** The gRPC status code (2 = UNKNOWN for provider errors, 4 = DEADLINE_EXCEEDED, 14 = UNAVAILABLE). */
    readonly code: number;
    /** Set when the failure carried `pulumirpc.ErrorResourceInitFailed` (a provider error with `id`). */
    readonly partial?: PartialState;

    constructor(method: string, code: number, message: string, partial?: PartialState) {
        super(message);
        this.name = "HostError";
        this.method = method;
        this.code = code;
        if (partial) this.partial = partial;
    }
}

const initFailed = "pulumirpc.ErrorResourceInitFailed";

function isServiceError(err: unknown): err is grpcT.ServiceError {
    return typeof err === "object" && err !== null && "code" in err && "metadata" in err;
}

/** Decodes the `grpc-status-details-bin` trailer into partial state, if the host packed one. */
function decodePartial(err: grpcT.ServiceError): PartialState | undefined {
    const { statuspb, provpb } = wire();
    for (const raw of err.metadata.get("grpc-status-details-bin")) {
        const bytes = typeof raw === "string" ? Buffer.from(raw, "base64") : raw;
        const status = statuspb.Status.deserializeBinary(new Uint8Array(bytes));
        for (const detail of status.getDetailsList()) {
            if (detail.getTypeName() !== initFailed) continue;
            const failed = detail.unpack(provpb.ErrorResourceInitFailed.deserializeBinary, initFailed);
            if (!failed) continue;
            return {
                id: failed.getId(),
                properties: fromStruct(failed.getProperties()),
                reasons: failed.getReasonsList(),
            };
        }
    }
    return undefined;
}

/** Turns whatever a gRPC call rejected with into a {@link HostError}. */
export function toHostError(method: string, err: unknown): HostError {
    if (err instanceof HostError) return err;
    if (isServiceError(err)) {
        return new HostError(method, err.code, err.details || err.message, decodePartial(err));
    }
    const message = err instanceof Error ? err.message : String(err);
    return new HostError(method, -1, message);
}
