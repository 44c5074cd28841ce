import { goneStates, type FlyVolume } from "../wire";

/**
 * Fly host migration (docs/apis/fly.md, States): when Fly moves a Machine to another host it forks the
 * volume to a new id, moves the attachment to the fork, and puts the old volume in
 * `pending_destroy`. The tracked id then reads as gone, and without this the next `up` would
 * create an empty volume while the Machine runs on the fork.
 *
 * A fork is followed only when nothing else could be it: the old volume is still readable in a
 * destroy state (Fly keeps a migrated one `pending_destroy` for a week; after a 404 a hand-made
 * volume cannot be told from a fork), and exactly one volume of the same name and region, created
 * after it, live, is attached to the Machine the old one was attached to, and no other resource of
 * this deployment holds or has read it. Names are not unique in Fly (a replacement or a second HA
 * volume may share it), so otherwise nothing is taken: the candidates are returned for a person to
 * choose. Residual: a resource that tracks the candidate but is read later in the same refresh (or
 * in another stack) is not known yet; the follow is logged naming both ids so it can be undone.
 */

/** What we knew of the tracked volume: its last outputs, and its live (gone) record. */
export interface TrackedVolume {
    id: string;
    name?: string;
    region?: string;
    createdAt?: string;
    /** The Machine it was attached to when last read; Fly clears it on the old volume. */
    attachedMachineId?: string;
}

export type ForkSearch =
    /** Exactly one volume is the fork: follow it. */
    | { outcome: "followed"; fork: FlyVolume }
    /** No same-named volume made after it: the volume is simply gone. */
    | { outcome: "none" }
    /** Same-named volumes made after it, but none or several proven to be the fork. */
    | { outcome: "ambiguous"; candidates: FlyVolume[]; why: string };

/** States a volume Fly migrated away from reads in while it is kept (fly.md, States): readable, not 404. */
export const migrationStates: ReadonlySet<string> = new Set([
    "scheduling_destroy",
    "pending_destroy",
    "fork_cleanup",
    "waiting_for_detach",
    "destroying",
]);

export interface ForkSearchOptions {
    /** Whether another resource of this deployment holds (created, adopted) or has read this id: never followed onto. */
    heldElsewhere?: (id: string) => boolean;
}

/** The line logged for every follow: both ids, so a person can check it (and undo it). */
export function followNotice(app: string, oldId: string, oldState: string, fork: FlyVolume): string {
    return (
        `fly volume ${app}/${oldId} is ${oldState} after a host migration; following its fork ${app}/${fork.id} ` +
        `(same name and region, made later, attached to machine ${fork.attachedMachineId ?? "?"}): the resource now tracks ${fork.id}`
    );
}

/**
 * Finds the fork of `old` (gone) in the app's `list`. `last` is what the previous read recorded,
 * used where the live record of the old volume has lost it (the attachment).
 */
export function findMigrationFork(
    old: TrackedVolume & { state?: string },
    list: readonly FlyVolume[],
    last: Partial<TrackedVolume> = {},
    opts: ForkSearchOptions = {},
): ForkSearch {
    const name = old.name ?? last.name;
    const region = old.region ?? last.region;
    const createdAt = Date.parse(old.createdAt ?? last.createdAt ?? "");
    const machine = old.attachedMachineId ?? last.attachedMachineId;
    if (!name || !region) return { outcome: "none" };

    const candidates = list.filter(
        (v) =>
            v.id !== old.id &&
            !goneStates.has(v.state) &&
            v.name === name &&
            v.region === region &&
            // Unknown creation times cannot prove "after": such a volume is a candidate, never followed.
            !(Number.isFinite(createdAt) && Number.isFinite(Date.parse(v.createdAt ?? "")) && Date.parse(v.createdAt ?? "") <= createdAt),
    );
    if (candidates.length === 0) return { outcome: "none" };
    if (old.state === undefined || !migrationStates.has(old.state)) {
        return {
            outcome: "ambiguous",
            candidates,
            why:
                "the old volume is no longer readable in a migration state (Fly answered " +
                "404), so a move by Fly cannot be told from a volume made by hand",
        };
    }
    if (!machine) return { outcome: "ambiguous", candidates, why: "the old volume was not known to be attached to a Machine" };
    if (!Number.isFinite(createdAt)) return { outcome: "ambiguous", candidates, why: "the old volume's creation time is unknown" };

    const forks = candidates.filter(
        (v) =>
            v.attachedMachineId === machine && Number.isFinite(Date.parse(v.createdAt ?? "")) && Date.parse(v.createdAt ?? "") > createdAt,
    );
    const held = forks.filter((v) => opts.heldElsewhere?.(v.id));
    if (held.length > 0) {
        return {
            outcome: "ambiguous",
            candidates,
            why: `${held.map((v) => v.id).join(", ")} is held or read by another resource of this deployment`,
        };
    }
    if (forks.length === 1) return { outcome: "followed", fork: forks[0] as FlyVolume };
    return {
        outcome: "ambiguous",
        candidates,
        why: forks.length === 0 ? `none is attached to machine ${machine}` : `${forks.length} are attached to machine ${machine}`,
    };
}

/** The one-line warning for an ambiguous search: what happened, the candidates, how to adopt one. */
export function migrationWarning(
    app: string,
    old: { id: string; state: string },
    search: Extract<ForkSearch, { outcome: "ambiguous" }>,
): string {
    const listed = search.candidates
        .map(
            (v) =>
                `${v.id} (state ${v.state}, created ${v.createdAt ?? "?"}, ` +
                `${v.attachedMachineId ? `attached to ${v.attachedMachineId}` : "unattached"})`,
        )
        .join(", ");
    return (
        `fly volume ${app}/${old.id} is ${old.state} (Fly may have moved its Machine to another host) and was dropped from the stack; ` +
        `same-named volumes made after it: ${listed}, but not followed: ${search.why}. ` +
        `If one holds the data, adopt it with \`fly.Volume.get(name, ` +
        `"${app}/<vol_id>")\` (e.g. "${app}/${search.candidates[0]?.id ?? "vol_…"}") ` +
        `and point the resource at it`
    );
}
