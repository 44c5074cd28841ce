import { type Backoff, backoffPause } from "./backoff";
import { Deadline, untilDeadline } from "./deadline";
import { AmbiguousRequestError, DeadlineError, errorMessage, VolumeError } from "./errors";
import { type Freshness, fromNow } from "./sharedList";

/**
 * Ownership: a create owns only the volume it made. No time windows, no "looks like ours".
 *
 * Creates are not idempotent on these clouds: a create whose response was lost may have made a
 * volume, and sending it again would make a second one. So before the POST we note which volumes of
 * that name already exist; after an ambiguous failure only a volume outside that snapshot, and not
 * held by another resource of this deployment, can be ours.
 */

const claims = new Set<string>();

function claimKeyOf(key: string, id: string): string {
    return `${key}\u0000${id}`;
}

/**
 * Claims `id` in `key` (`<cloud>/<scope>`) for one resource of this process; false when another
 * already holds it. No two resources of one deployment ever hold the same volume.
 */
export function claimVolume(key: string, id: string): boolean {
    const k = claimKeyOf(key, id);
    if (claims.has(k)) return false;
    claims.add(k);
    return true;
}

export function isClaimed(key: string, id: string): boolean {
    return claims.has(claimKeyOf(key, id));
}

/** Gives `id` up (its resource deleted it, or never recorded it). */
export function releaseClaim(key: string, id: string): void {
    claims.delete(claimKeyOf(key, id));
}

const reads = new Set<string>();

/**
 * Notes that a resource of this process read `id` in `key`. Not a claim (a read never blocks an
 * adoption the user asks for), but a move the cloud may have made (a Fly fork) is never followed onto it.
 */
export function noteRead(key: string, id: string): void {
    reads.add(claimKeyOf(key, id));
}

/** Whether a resource of this process holds `id` (created, adopted) or has read it. */
export function isHeldOrRead(key: string, id: string): boolean {
    const k = claimKeyOf(key, id);
    return claims.has(k) || reads.has(k);
}

const locks = new Map<string, Promise<void>>();

/**
 * Runs `fn` holding the lock for `key` (`<cloud>/<scope>/<name>`), after every earlier holder.
 * Waiting for the lock ends at `deadline` when one is given.
 */
export async function withNameLock<R>(key: string, fn: () => Promise<R>, deadline?: Deadline): Promise<R> {
    const prev = locks.get(key) ?? Promise.resolve();
    let release!: () => void;
    const mine = new Promise<void>((resolve) => (release = resolve));
    const tail = prev.then(() => mine);
    locks.set(key, tail);
    try {
        if (deadline) {
            await untilDeadline(
                prev,
                deadline,
                () => new DeadlineError(`waiting for another create of ${key}: gave up; ${deadline.hint()}`),
            );
        } else {
            await prev;
        }
    } catch (error) {
        // We never held it: pass it on when the holder before us lets go.
        void prev.then(release);
        throw error;
    }
    try {
        return await fn();
    } finally {
        release();
        if (locks.get(key) === tail) locks.delete(key);
    }
}

export interface CreateOwnedOptions<T> {
    /** `<cloud>/<scope>/<name>`: creates that could mistake each other's volume. Held as a lock. */
    key: string;
    /** `<cloud>/<scope>`: where ids are claimed. */
    claimKey: string;
    /** For messages: `fly create volume data in app web`. */
    what: string;
    deadline: Deadline;
    /**
     * Sends the create once, bounded by the deadline it is given (earlier than the operation's).
     * `beforeSend` must run after the rate-limit slot is granted, right before the request goes out
     * (pass it as `HttpRequest.beforeSend`): it re-takes the snapshot when it is older than a poll
     * interval, so a volume made while the request waited for its slot is never taken for ours.
     */
    send: (deadline: Deadline, beforeSend: () => Promise<void>) => Promise<T>;
    /** Volumes of that name that could be ours (not deleted), from a list as fresh as `since`. */
    find: (deadline: Deadline, since: Freshness) => Promise<T[]>;
    idOf: (item: T) => string;
    /** How to adopt `id` by hand, for messages: `fly.Volume.get("data", "web/vol_1")`. */
    adoptHint: (id: string) => string;
    /** How long a fresh volume may take to show in a list, ms. Default 1000. */
    settleMs?: number;
    /**
     * The ids of that name known to exist before the send, when the caller listed them itself under
     * the lock (AgentBay's pre-check, which refuses any). Absent: listed here first.
     */
    before?: ReadonlySet<string>;
}

/** Between resends of a create that did not land: 0.5 s doubling to 8 s. */
const resendBackoff: Backoff = { firstMs: 500, factor: 2, maxMs: 8_000, jitter: "none" };

/** The least time the snapshot's list gets (a loaded API answers a list in about 1.5 s). */
const snapshotFloorMs = 2_000;

/** How old a list may be, by its start, to serve as the snapshot before a create: one poll interval. */
const snapshotAgeMs = 1_000;

/**
 * The least time the lookup after an ambiguous create gets, even past the operation's deadline: two
 * lists and a settle pause on a loaded API (a 1.5 s list) fit in it. So the grace after `timeouts.create`
 * is at most this long, and only when a create's answer was lost (the README says so).
 */
export const lookupGraceMs = 10_000;

/** The lookup's deadline: the operation's, or `lookupGraceMs` from now when that is later. */
function lookupDeadline(deadline: Deadline): Deadline {
    const at = Math.max(deadline.at, deadline.clock.now() + lookupGraceMs);
    return at === deadline.at ? deadline : new Deadline(at, deadline.label, deadline.seconds, deadline.clock);
}

/** Time kept back from the send for the lookup: min(10 s, 20 % of the operation's timeout). */
export function lookupReserveMs(deadline: Deadline): number {
    return Math.min(10_000, deadline.seconds * 200);
}

/**
 * Creates once and owns the result. After an ambiguous failure (no response, 408, 5xx) it looks for
 * a volume outside the snapshot: exactly one is ours; none after a settle look means the create did
 * not land, so it is sent again; more than one (a stranger made one at the same moment) takes none
 * and fails naming them. The send runs on a shorter deadline, so a response that hangs until it still
 * leaves time to look; a volume found is returned, and the caller records it.
 */
export function createOwned<T>(opts: CreateOwnedOptions<T>): Promise<T> {
    return withNameLock(opts.key, () => createOwnedLocked(opts), opts.deadline);
}

/** {@link createOwned} for a caller that already holds the name lock of `opts.key` (it is not re-entrant). */
export async function createOwnedLocked<T>(opts: CreateOwnedOptions<T>): Promise<T> {
    const { deadline } = opts;
    const sendBy = deadline.reserve(lookupReserveMs(deadline));
    const clock = sendBy.clock;
    let before = opts.before ?? (await snapshot(opts, sendBy));
    let listedAt = clock.now();
    // At send (after the rate-limit slot): a snapshot that has waited more than a poll interval since
    // it was answered is taken again (the list's own duration is no wait: listing again would not shorten it).
    // Only before the first create could have landed: after it, a lagging volume of ours must stay "new".
    let mayHaveLanded = false;
    const beforeSend = async () => {
        if (opts.before || mayHaveLanded || clock.now() - listedAt <= snapshotAgeMs) return;
        before = await snapshot(opts, sendBy);
        listedAt = clock.now();
    };
    for (let attempt = 0; ; attempt++) {
        let failure: AmbiguousRequestError;
        try {
            return owned(opts, await opts.send(sendBy, beforeSend));
        } catch (error) {
            if (!(error instanceof AmbiguousRequestError)) throw error;
            failure = error;
            mayHaveLanded = true;
        }
        const found = await lookup(opts, before, failure);
        if (found) return found;
        const pause = backoffPause(resendBackoff, attempt);
        if (sendBy.remaining() <= pause || !(await sendBy.sleep(pause))) {
            throw new VolumeError(
                `${sentence(failure.message)} Nothing it may have made was listed by then, so nothing was taken; ` +
                    `if a volume named after it appears, adopt it with ${opts.adoptHint("<volumeId>")}, or delete it.`,
            );
        }
    }
}

/**
 * The ids of that name that exist before the POST, or undefined when they could not be listed in a
 * short budget (a list storm must not block the create): then a lost response takes nothing.
 */
async function snapshot<T>(opts: CreateOwnedOptions<T>, sendBy: Deadline): Promise<ReadonlySet<string> | undefined> {
    const clock = sendBy.clock;
    // A third of the send's time up to 5 s, but at least what a loaded API's list takes (2 s) when there is that much.
    const budget = new Deadline(
        Math.min(sendBy.at, clock.now() + Math.max(snapshotFloorMs, Math.min(5_000, sendBy.remaining() / 3))),
        sendBy.label,
        sendBy.seconds,
        clock,
    );
    try {
        // Any list answered before the POST is a true "before": one running, or the poll of a moment ago.
        // Older ones are not taken, so a stranger's volume made since is not mistaken for ours.
        return new Set((await opts.find(budget, { startedSinceMs: clock.now() - snapshotAgeMs })).map(opts.idOf));
    } catch {
        return undefined;
    }
}

/**
 * Claims `id`, which the cloud answered with, for this resource (`claimKey` as in {@link claimVolume});
 * refuses it when another resource of this deployment holds it. `what` starts the message.
 */
export function own(claimKey: string, id: string, what: string): void {
    if (!claimVolume(claimKey, id)) {
        throw new VolumeError(`${what}: the cloud answered with ${id}, which another resource of this deployment holds; not taking it`);
    }
}

function owned<T>(opts: CreateOwnedOptions<T>, made: T): T {
    own(opts.claimKey, opts.idOf(made), opts.what);
    return made;
}

/**
 * Two looks `settleMs` apart (a fresh volume may not be listed yet), each from a list started after
 * that look began: the second never reuses the first's list, which lag may have left without it.
 */
async function lookup<T>(opts: CreateOwnedOptions<T>, before: ReadonlySet<string> | undefined, failure: Error): Promise<T | undefined> {
    // A loaded API's list must fit: never less than the grace, even when the send ran to its end.
    const deadline = lookupDeadline(opts.deadline);
    for (let look = 0; look < 2; look++) {
        if (look > 0 && !(await deadline.sleep(opts.settleMs ?? 1_000))) return undefined;
        let listed: T[];
        try {
            listed = await opts.find(deadline, fromNow());
        } catch (error) {
            throw new VolumeError(
                `${sentence(failure.message)} Looking for what it may have made ` +
                    `failed, so nothing was taken: ${sentence(errorMessage(error))} ` +
                    `If a volume of that name appears, adopt it with ${opts.adoptHint("<volumeId>")}, or delete it.`,
                { cause: error },
            );
        }
        const fresh = listed.filter((v) => !before?.has(opts.idOf(v)) && !isClaimed(opts.claimKey, opts.idOf(v)));
        const [first] = fresh;
        if (first === undefined) continue;
        if (fresh.length === 1 && before) return owned(opts, first);
        const ids = fresh.map(opts.idOf);
        const hint = opts.adoptHint(opts.idOf(first));
        if (!before) {
            throw new VolumeError(
                `${opts.what}: the response was lost, and the volumes of that name could not be listed before it, so ` +
                    `${ids.join(", ")} cannot be told apart from one someone else made; none was taken. If one is yours, ` +
                    `adopt it with ${hint}.`,
            );
        }
        throw new VolumeError(
            `${opts.what}: the response was lost and ${ids.length} new volumes of that name appeared (${ids.join(", ")}); ` +
                `another client created one at the same moment, so none was taken. Keep the right one by adopting it with ` +
                `${hint} (or another of them), and delete the others.`,
        );
    }
    return undefined;
}

/** A message as a sentence, so the next one can follow it. */
function sentence(text: string): string {
    return /[.!?]$/.test(text) ? text : `${text}.`;
}
