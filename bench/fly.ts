/** Fly facts the rate-limit sections measure against. */
import type { Bench, BenchKind } from "./setup";

/** Fly's documented limit per action per app, which the emulator enforces: 1 request/s, burst 3. */
export const flyLimit = { perSecond: 1, burst: 3 } as const;

/** The Fly volume id of a Pulumi id `<app>/<vol_id>`. */
export function volumeIdOf(pulumiId: string): string {
    return pulumiId.slice(pulumiId.lastIndexOf("/") + 1);
}

/** The Fly kind, if the package registers it: the refresh, readiness and rate-limit sections are about Fly's per-app limit. */
export function flyOf(bench: Bench): BenchKind | undefined {
    return bench.kinds.find((k) => k.cloud === "fly");
}
