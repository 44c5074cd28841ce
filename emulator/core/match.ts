/** Request matching shared by faults and `requests(filter)`: cloud, method, path, RPC action, query. */

/**
 * What a fault or a request-log filter matches on. Every field given must match;
 * an empty matcher matches every request.
 */
export interface RequestMatch {
    /** Cloud name (`"fly"`, …); any cloud when absent. */
    readonly cloud?: string;
    /** HTTP method, case-insensitive; any when absent. */
    readonly method?: string;
    /**
     * URL pathname as received (not decoded, no query, trailing slash removed).
     * A string matches exactly, or as a prefix when it ends with `*`
     * (`"/v1/apps/demo/volumes*"` matches the list and every volume below it);
     * a RegExp is tested against the pathname. Any path when absent.
     */
    readonly path?: string | RegExp;
    /** RPC action (AgentBay: the `Action` query parameter, e.g. `"GetVolume"`); REST requests have none. */
    readonly action?: string;
    /** Query parameters that must be present with exactly these values (others may be present too). */
    readonly query?: Readonly<Record<string, string>>;
}

/** A request as matching sees it. */
export interface MatchTarget {
    readonly cloud: string;
    readonly method: string;
    readonly path: string;
    readonly query: Readonly<Record<string, string>>;
    readonly action?: string;
}

/** Whether `m` matches `t`. */
export function matchesRequest(m: RequestMatch, t: MatchTarget): boolean {
    if (m.cloud !== undefined && m.cloud !== t.cloud) return false;
    if (m.method !== undefined && m.method.toUpperCase() !== t.method) return false;
    if (m.action !== undefined && m.action !== t.action) return false;
    if (m.query !== undefined && Object.entries(m.query).some(([k, v]) => t.query[k] !== v)) return false;
    const { path } = m;
    if (path === undefined) return true;
    if (typeof path === "string") return path.endsWith("*") ? t.path.startsWith(path.slice(0, -1)) : t.path === path;
    path.lastIndex = 0;
    return path.test(t.path);
}
