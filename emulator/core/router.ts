/** A small method + path-pattern router (`/v1/apps/:app/volumes/:id`). */

/** Path parameters captured by a route, URI-decoded. */
export type RouteParams = Readonly<Record<string, string>>;

/** A matched route: its value and the captured parameters. */
export interface RouteMatch<T> {
    readonly value: T;
    readonly params: RouteParams;
}

interface Route<T> {
    readonly method: string;
    readonly segments: readonly string[];
    readonly value: T;
}

/** Routes are tried in the order they were added; `:name` segments capture one path segment. */
export class Router<T> {
    private readonly routes: Route<T>[] = [];

    /** Add a route; returns the router for chaining. */
    add(method: string, pattern: string, value: T): this {
        this.routes.push({ method: method.toUpperCase(), segments: split(pattern), value });
        return this;
    }

    /** The first route matching the method and pathname, or `undefined`. */
    match(method: string, pathname: string): RouteMatch<T> | undefined {
        const parts = split(pathname);
        for (const route of this.routes) {
            if (route.method !== method.toUpperCase() || route.segments.length !== parts.length) continue;
            const params = matchSegments(route.segments, parts);
            if (params) return { value: route.value, params };
        }
        return undefined;
    }
}

function split(path: string): string[] {
    return path.split("/").filter((s) => s !== "");
}

function matchSegments(pattern: readonly string[], parts: readonly string[]): Record<string, string> | undefined {
    const params: Record<string, string> = {};
    for (let i = 0; i < pattern.length; i++) {
        const want = pattern[i] as string;
        const got = parts[i] as string;
        if (want.startsWith(":")) {
            let decoded: string;
            try {
                decoded = decodeURIComponent(got);
            } catch {
                return undefined;
            }
            params[want.slice(1)] = decoded;
        } else if (want !== got) {
            return undefined;
        }
    }
    return params;
}
