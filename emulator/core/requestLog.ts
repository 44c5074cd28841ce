/** The request log: what every emulator served, oldest first, without credentials. */
import { matchesRequest, type RequestMatch } from "./match";
import type { RecordedRequest } from "./types";

/** Default number of entries kept; older ones are dropped first. */
export const defaultRequestLogLimit = 10_000;

/** A bounded, append-only log of {@link RecordedRequest}s. */
export class RequestLog {
    private entries: RecordedRequest[] = [];

    constructor(private readonly limit = defaultRequestLogLimit) {}

    /** Append an entry (recorded before the response is written, so a client sees it once it has its answer). */
    add(entry: RecordedRequest): void {
        this.entries.push(Object.freeze({ ...entry, query: Object.freeze({ ...entry.query }) }));
        if (this.entries.length > this.limit) this.entries.splice(0, this.entries.length - this.limit);
    }

    /** A copy of the log, oldest first; only the entries `filter` matches when given. */
    list(filter?: RequestMatch): RecordedRequest[] {
        return filter === undefined ? [...this.entries] : this.entries.filter((e) => matchesRequest(filter, e));
    }

    /** Forget every entry. */
    clear(): void {
        this.entries = [];
    }
}

/** Replace every occurrence of `secret` in `text` (no-op for an empty secret). */
export function redact(text: string, secret: string): string {
    return secret === "" ? text : text.split(secret).join("[redacted]");
}
