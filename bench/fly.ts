/** Fly facts the rate-limit sections measure against. */

/** Fly's documented limit per action per app, which the emulator enforces: 1 request/s, burst 3. */
export const FLY_LIMIT = { perSecond: 1, burst: 3 } as const;

/** The Fly volume id of a Pulumi id `<app>/<vol_id>`. */
export function volumeIdOf(pulumiId: string): string {
    return pulumiId.slice(pulumiId.lastIndexOf("/") + 1);
}
