import type { Deadline } from "./deadline";
import { AmbiguousRequestError } from "./http";

/**
 * Creates are not idempotent on these clouds: a create whose response was lost may have made a
 * volume, and sending it again would make a second one. So a create is sent once; after an
 * ambiguous failure (no response, 408, 5xx) we look for the volume it may have made, and send
 * again only when it is not there.
 *
 * Volumes that share a name can be created at the same moment by one deployment (Fly's HA
 * pattern), so a lookup must never take a volume another create in this process is about to
 * claim: lookups for a key wait until no other create for that key is in flight, and skip ids
 * already claimed.
 */
export interface CreateOnceOptions<T> {
    /** Groups creates that could be confused with each other: `<app>/<name>`. */
    key: string;
    deadline: Deadline;
    send: () => Promise<T>;
    /** Lists candidates the failed create may have made, newest first, made at or after `since`. */
    find: (since: number) => Promise<T[]>;
    idOf: (item: T) => string;
    /** How long a fresh volume may take to show in a list, ms. */
    settleMs?: number;
}

const inflight = new Map<string, number>();
const claimed = new Set<string>();

function track(key: string, delta: number): void {
    const n = (inflight.get(key) ?? 0) + delta;
    if (n <= 0) inflight.delete(key);
    else inflight.set(key, n);
}

export async function createOnce<T>(opts: CreateOnceOptions<T>): Promise<T> {
    const settleMs = opts.settleMs ?? 1_000;
    for (let attempt = 0; ; attempt++) {
        const since = Date.now();
        track(opts.key, +1);
        let failure: AmbiguousRequestError;
        try {
            const made = await opts.send();
            claimed.add(opts.idOf(made));
            return made;
        } catch (error) {
            if (!(error instanceof AmbiguousRequestError)) throw error;
            failure = error;
        } finally {
            track(opts.key, -1);
        }
        // Two looks, `settleMs` apart: a volume made a moment ago may not be listed yet.
        for (let look = 0; look < 2; look++) {
            while ((inflight.get(opts.key) ?? 0) > 0 && (await opts.deadline.sleep(50)));
            // Clocks differ: accept volumes stamped up to a minute before we sent.
            const found = (await opts.find(since - 60_000)).find((c) => !claimed.has(opts.idOf(c)));
            if (found) {
                claimed.add(opts.idOf(found));
                return found;
            }
            if (!(await opts.deadline.sleep(look === 0 ? settleMs : 0))) throw failure;
        }
        if (!(await opts.deadline.sleep(Math.min(8_000, 500 * 2 ** attempt)))) throw failure;
    }
}
