/** Fly-shaped identifiers: `vol_…`, `vs_…`, zones, request ids. */
import { createHash, randomBytes } from "node:crypto";

const alnum = "0123456789abcdefghijklmnopqrstuvwxyz";

function randomAlnum(length: number): string {
    const bytes = randomBytes(length);
    let out = "";
    for (const byte of bytes) out += alnum[byte % alnum.length];
    return out;
}

/** A volume id like the docs' `vol_9vw681egy1jj5xm4`: `vol_` + 16 lowercase alphanumerics. */
export function newVolumeId(): string {
    return `vol_${randomAlnum(16)}`;
}

/** A snapshot id: `vs_` + 16 lowercase alphanumerics. */
export function newSnapshotId(): string {
    return `vs_${randomAlnum(16)}`;
}

/** A unique request id for the `fly-request-id` header. */
export function newRequestId(): string {
    return `${randomBytes(13).toString("hex")}-emu`;
}

/** The region's zones: `count` distinct 4-hex-character ids, the same for a region every run. */
export function zonesOf(region: string, count: number): string[] {
    const zones: string[] = [];
    for (let round = 0; zones.length < count; round++) {
        const hex = createHash("sha256").update(`${region}/${round}`).digest("hex");
        for (let i = 0; i + 4 <= hex.length && zones.length < count; i += 4) {
            const zone = hex.slice(i, i + 4);
            if (!zones.includes(zone)) zones.push(zone);
        }
    }
    return zones;
}
