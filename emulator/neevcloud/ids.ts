/** NeevCloud-shaped identifiers: uuids, auto-generated names. */
import { randomBytes, randomUUID } from "node:crypto";

/** RFC 4122 textual form, any version, either case (the spec's `format: uuid`). */
export const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A fresh lowercase v4 uuid (volume, attachment, resource and request ids). */
export function newUuid(): string {
    return randomUUID();
}

/** The name of a volume created without one: `pvc-<8 hex>`, like a Kubernetes-generated PVC name. */
export function autoName(): string {
    return `pvc-${randomBytes(4).toString("hex")}`;
}

/** A default resource name for `attach`: `<type>-<8 hex>`. */
export function resourceName(type: string): string {
    return `${type}-${randomBytes(4).toString("hex")}`;
}
