import type * as grpcT from "@grpc/grpc-js";
import type * as provgrpcT from "@pulumi/pulumi/proto/provider_grpc_pb";
import type * as provpbT from "@pulumi/pulumi/proto/provider_pb";
import type * as statuspbT from "@pulumi/pulumi/proto/status_pb";
import type * as structpbT from "google-protobuf/google/protobuf/struct_pb";
import { createRequire } from "node:module";

import { findRepoRoot, repoRequire } from "./repo";

/** A JSON value as it travels in a `google.protobuf.Struct`. */
export type PropertyValue = null | boolean | number | string | PropertyValue[] | { [key: string]: PropertyValue };

/** A resource's property bag (inputs, outputs, config) as plain JSON. */
export type PropertyMap = { [key: string]: PropertyValue };

/** The string the engine sends for a value not known until apply (`@pulumi/pulumi/runtime/rpc` `unknownValue`). */
export const unknownSentinel = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/** The gRPC and protobuf modules the harness speaks with, loaded from the repository's node_modules. */
export interface Wire {
    grpc: typeof grpcT;
    provgrpc: typeof provgrpcT;
    provpb: typeof provpbT;
    statuspb: typeof statuspbT;
    structpb: typeof structpbT;
}

let loaded: Wire | undefined;

/**
 * Loads `@grpc/grpc-js` and Pulumi's provider protos through the repository root. `grpc-js` and
 * `google-protobuf` are resolved next to `@pulumi/pulumi`'s protos so all share one instance.
 */
export function wire(): Wire {
    if (loaded) return loaded;
    const req = repoRequire(findRepoRoot());
    const provPbPath = req.resolve("@pulumi/pulumi/proto/provider_pb");
    const near = createRequire(provPbPath);
    loaded = {
        grpc: near("@grpc/grpc-js") as typeof grpcT,
        provgrpc: req("@pulumi/pulumi/proto/provider_grpc_pb") as typeof provgrpcT,
        provpb: req("@pulumi/pulumi/proto/provider_pb") as typeof provpbT,
        statuspb: req("@pulumi/pulumi/proto/status_pb") as typeof statuspbT,
        structpb: near("google-protobuf/google/protobuf/struct_pb") as typeof structpbT,
    };
    return loaded;
}

/** Makes a value JSON-shaped: drops `undefined` members (as JSON does); rejects what a Struct cannot hold. */
export function toPropertyValue(value: unknown, where = "value"): PropertyValue | undefined {
    if (value === undefined) return undefined;
    if (value === null || typeof value === "boolean" || typeof value === "string") return value;
    if (typeof value === "number") {
        if (!Number.isFinite(value)) throw new TypeError(`${where}: ${value} cannot be sent in a Struct`);
        return value;
    }
    if (Array.isArray(value)) {
        return value.map((v, i) => toPropertyValue(v, `${where}[${i}]`) ?? null);
    }
    if (typeof value === "object") {
        const out: PropertyMap = {};
        for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
            const pv = toPropertyValue(v, `${where}.${k}`);
            if (pv !== undefined) out[k] = pv;
        }
        return out;
    }
    throw new TypeError(`${where}: a ${typeof value} cannot be sent in a Struct`);
}

/** Converts a plain object to a protobuf Struct (undefined members dropped). */
export function toStruct(map: Readonly<Record<string, unknown>>): structpbT.Struct {
    const value = toPropertyValue(map) as PropertyMap;
    return wire().structpb.Struct.fromJavaScript(value);
}

/** Converts a protobuf Struct (or its absence) to a plain object. */
export function fromStruct(struct: structpbT.Struct | undefined): PropertyMap {
    return struct ? (struct.toJavaScript() as PropertyMap) : {};
}

/** A deep copy of a JSON value. */
export function clone<T extends PropertyValue | PropertyMap>(value: T): T {
    return structuredClone(value);
}

/** Structural equality of two JSON values (object key order ignored). */
export function deepEqual(a: PropertyValue | undefined, b: PropertyValue | undefined): boolean {
    if (a === b) return true;
    if (a === null || b === null || a === undefined || b === undefined) return false;
    if (typeof a !== "object" || typeof b !== "object") return false;
    if (Array.isArray(a) !== Array.isArray(b)) return false;
    if (Array.isArray(a) && Array.isArray(b)) {
        return a.length === b.length && a.every((v, i) => deepEqual(v, b[i]));
    }
    const ao = a as { [key: string]: PropertyValue };
    const bo = b as { [key: string]: PropertyValue };
    const ak = Object.keys(ao);
    const bk = Object.keys(bo);
    return ak.length === bk.length && ak.every((k) => Object.prototype.hasOwnProperty.call(bo, k) && deepEqual(ao[k], bo[k]));
}
