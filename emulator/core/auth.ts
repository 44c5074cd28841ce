/** Authorization header parsing that never leaks the credential. */

/** A parsed `Authorization` header. */
export interface ParsedAuthorization {
    /** The scheme word as sent. */
    readonly scheme: string;
    /** Everything after the scheme, trimmed. */
    readonly credentials: string;
}

/** Split `Authorization: <scheme> <credentials>`; `undefined` when absent or without a space. */
export function parseAuthorization(header: string | string[] | undefined): ParsedAuthorization | undefined {
    const value = Array.isArray(header) ? header[0] : header;
    if (value === undefined) return undefined;
    const trimmed = value.trim();
    const space = trimmed.search(/\s/);
    if (space <= 0) return undefined;
    return { scheme: trimmed.slice(0, space), credentials: trimmed.slice(space).trim() };
}

/**
 * The scheme to record in the request log. Known schemes are canonicalised
 * case-insensitively (`bearer` → `Bearer`); another short word is recorded as
 * sent; anything else (no scheme, a bare token, the token itself) is `"malformed"`.
 * No header at all is `"none"`.
 */
export function describeAuthScheme(header: string | string[] | undefined, known: readonly string[], token: string): string {
    if (header === undefined || (Array.isArray(header) && header.length === 0)) return "none";
    const parsed = parseAuthorization(header);
    if (!parsed) return "malformed";
    const canonical = known.find((k) => k.toLowerCase() === parsed.scheme.toLowerCase());
    if (canonical) return canonical;
    if (/^[A-Za-z][A-Za-z0-9._-]{0,19}$/.test(parsed.scheme) && (token === "" || !parsed.scheme.includes(token))) {
        return parsed.scheme;
    }
    return "malformed";
}
