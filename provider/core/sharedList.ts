import { type Clock, type Deadline, realClock, untilDeadline } from "./deadline";
import { DeadlineError, isCloudNotFound } from "./errors";

/**
 * A point in this process's order of events. Every caller's "now" and every list's start takes the
 * next mark, so two never tie: a millisecond clock would let a list that began in the same
 * millisecond as a request, and so before it, pass for one started after it.
 */
export type Mark = number;
let lastMark: Mark = 0;

/** The next mark: later than every mark taken before it, earlier than every one taken after. */
export function markNow(): Mark {
    return ++lastMark;
}

/**
 * How fresh a caller needs a list to be: `{ after }` one started after that mark (strictly), or
 * `{ startedSinceMs }` one started at or after that time on the list's clock (a tolerance, on purpose).
 */
export type Freshness = { readonly after: Mark } | { readonly startedSinceMs: number };

/** A list started after this moment: what "a list that started after I asked" means everywhere. */
export function fromNow(): Freshness {
    return { after: markNow() };
}

/** When a list started, in both orders a caller may ask in. */
interface Start {
    readonly mark: Mark;
    readonly at: number;
}

function fresh(start: Start | undefined, since: Freshness): boolean {
    if (!start) return false;
    return "after" in since ? start.mark > since.after : start.at >= since.startedSinceMs;
}

/** One scope's items from a list as fresh as `since`: what a client's create needs to find its volume. */
export type Listing<T> = (deadline: Deadline, since: Freshness) => Promise<T[]>;

interface Batch<T> {
    /** When the list was started; undefined while it is still gathering callers. */
    started?: Start;
    /** The latest deadline of its callers: the list runs on it. */
    deadline: Deadline;
    /** Some caller needs the list itself (a poll, a snapshot), not just one item of it. */
    required: boolean;
    /** Callers content with their own GET if the list would cost more than theirs together (reads). */
    optional: number;
    /** Undefined: not listed, because GETs were cheaper. */
    promise: Promise<Map<string, T> | undefined>;
    resolve: (items: Map<string, T> | undefined) => void;
    reject: (error: unknown) => void;
}

interface ScopeState<T> {
    current?: Batch<T>;
    next?: Batch<T>;
}

/**
 * One list per scope (a Fly app, a NeevCloud project) for everyone who needs it at the same moment:
 * refresh reads, the waits' polls, the snapshot and the lookup of a create. Callers that arrive while
 * a list runs share the next one, so a scope has at most one list in flight and one gathering; with
 * 200 reads in one app that is a couple of requests instead of 200.
 *
 * `since` is how fresh the caller needs it. A read or a poll wants one started after it asked (the
 * default, by {@link Mark}: no tie can pass an older list for a newer one); a create's snapshot takes
 * one started a moment before (any answer that comes before its POST is a true "before").
 */
export class SharedList<T> {
    private readonly scopes = new Map<string, ScopeState<T>>();
    /** The last answer of each scope, for a caller content with a list started a moment ago. */
    private readonly latest = new Map<string, { started: Start; items: Map<string, T> }>();
    /** Lists sent, for tests and the bench. */
    lists = 0;

    constructor(
        /** Lists the whole scope. Must finish by the deadline it is given. */
        private readonly fetch: (scope: string, deadline: Deadline) => Promise<T[]>,
        private readonly idOf: (item: T) => string,
        private readonly clock: Clock = realClock,
        /** Requests one list of a scope costs, from how many items it last had (NeevCloud pages by 100). */
        private readonly costOf: (items: number) => number = () => 1,
    ) {}

    /** Every item of `scope` by id, from a list as fresh as `since`; rejects at the caller's own deadline. */
    async get(scope: string, deadline: Deadline, since: Freshness = fromNow()): Promise<Map<string, T>> {
        return (await this.join(scope, deadline, since, false))!;
    }

    /**
     * Like {@link get} for a caller that wants one item and could GET it instead: undefined when the
     * list would cost more requests than the callers gathered for it (a big project, a lone read).
     */
    async getIfCheap(scope: string, deadline: Deadline): Promise<Map<string, T> | undefined> {
        return this.join(scope, deadline, fromNow(), true);
    }

    private async join(scope: string, deadline: Deadline, since: Freshness, optional: boolean): Promise<Map<string, T> | undefined> {
        deadline.check(`list ${scope}`);
        let state = this.scopes.get(scope);
        if (!state) {
            state = {};
            this.scopes.set(scope, state);
        }
        const last = this.latest.get(scope);
        if (last && fresh(last.started, since)) return last.items;
        const cur = state.current;
        let batch: Batch<T>;
        if (cur && fresh(cur.started, since) && cur.deadline.at >= deadline.at) {
            batch = cur;
        } else {
            batch = state.next ?? this.gather(scope, state, deadline);
            if (deadline.at > batch.deadline.at) batch.deadline = deadline;
            if (optional) batch.optional++;
            else batch.required = true;
        }
        return untilDeadline(
            batch.promise,
            deadline,
            () => new DeadlineError(`list ${scope}: gave up after ${deadline.seconds} s; ${deadline.hint()}`),
        );
    }

    /** The listing of one scope, for a client's create. */
    listing(scope: string): Listing<T> {
        return async (deadline, since) => [...(await this.get(scope, deadline, since)).values()];
    }

    private gather(scope: string, state: ScopeState<T>, deadline: Deadline): Batch<T> {
        let resolve!: (items: Map<string, T> | undefined) => void;
        let reject!: (error: unknown) => void;
        const promise = new Promise<Map<string, T> | undefined>((res, rej) => {
            resolve = res;
            reject = rej;
        });
        // Nobody may be listening when it fails (every caller's deadline passed first).
        promise.catch(() => undefined);
        const batch: Batch<T> = { deadline, required: false, optional: 0, promise, resolve, reject };
        state.next = batch;
        // Gather the callers of this tick; when a list runs, the next starts as it ends.
        if (!state.current) void this.clock.sleep(0).then(() => this.start(scope, state));
        return batch;
    }

    private start(scope: string, state: ScopeState<T>): void {
        const batch = state.next;
        if (!batch || state.current) return;
        state.next = undefined;
        const known = this.latest.get(scope)?.items.size;
        if (!batch.required && known !== undefined && this.costOf(known) > batch.optional) {
            batch.resolve(undefined);
            if (!state.current) this.scopes.delete(scope);
            return;
        }
        state.current = batch;
        batch.started = { mark: markNow(), at: this.clock.now() };
        this.lists++;
        this.fetch(scope, batch.deadline)
            .then((list) => {
                const items = new Map(list.map((i) => [this.idOf(i), i]));
                this.latest.set(scope, { started: batch.started!, items });
                batch.resolve(items);
            }, batch.reject)
            .finally(() => {
                state.current = undefined;
                if (state.next) this.start(scope, state);
                else this.scopes.delete(scope);
            });
    }
}

/**
 * Reads one item through the shared list of its scope. One missing from the list, or a scope the list
 * does not find (404: an app deleted with its volumes), is confirmed by its own GET before it is gone.
 */
export async function readThrough<T>(
    lists: SharedList<T>,
    scope: string,
    id: string,
    deadline: Deadline,
    getOne: () => Promise<T | undefined>,
): Promise<T | undefined> {
    let listed: Map<string, T> | undefined;
    try {
        listed = await lists.getIfCheap(scope, deadline);
    } catch (error) {
        // Only the cloud's own 404 (its error shape): a proxy's page is an error, not "the scope is gone".
        if (!isCloudNotFound(error)) throw error;
    }
    return listed?.get(id) ?? (await getOne());
}
