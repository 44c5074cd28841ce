import { type Endpoint, sessionFor } from "./config";
import type { Deadline } from "./deadline";
import { SharedList } from "./sharedList";
import { SharedPoller } from "./wait";

/**
 * A cloud's session whose volumes live in listable scopes (a Fly app, a NeevCloud project): the
 * client, one shared list per scope (reads, polls and a create's snapshot), and the poller whose
 * waiters in one scope share one list per tick. `flySession()` and `neevcloudSession()` return
 * one; AgentBay and VM0 read volumes by id, so theirs is `{ client }` alone.
 */
export interface ListedSession<C, T> {
    client: C;
    /** One list per scope at a time, shared by reads, polls and the snapshot of a create. */
    lists: SharedList<T>;
    /** Waiters in one scope share one list per tick. */
    poller: SharedPoller<T>;
}

export interface ListedSessionOptions<C, T> {
    /** The cloud's client, made once per credentials and API URL. */
    client: (baseUrl: string, token: string) => C;
    /** Lists every item of `scope`; must finish by the deadline it is given. */
    list: (client: C, scope: string, deadline: Deadline) => Promise<T[]>;
    /** An item's id within its scope. */
    idOf: (item: T) => string;
    /** Requests one list costs, from how many items the scope last had (see `SharedList`). */
    costOf?: (items: number) => number;
}

/** The session of `endpoint`'s current credentials: made on first use, then shared by every resource in the process. */
export function listedSession<C, T>(endpoint: Endpoint, opts: ListedSessionOptions<C, T>): ListedSession<C, T> {
    return sessionFor(endpoint, (baseUrl, token) => {
        const client = opts.client(baseUrl, token);
        const lists = new SharedList<T>((scope, deadline) => opts.list(client, scope, deadline), opts.idOf, undefined, opts.costOf);
        const poller = new SharedPoller<T>((scope, deadline) => lists.get(scope, deadline));
        return { client, lists, poller };
    });
}
