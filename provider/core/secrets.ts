/**
 * The secret registry and `scrub`, which masks credentials in any text before a person sees it.
 *
 * A credential travels in more than one form: raw in a header, URL-encoded in a query or an RPC
 * form body (`Bearer%20akm-…`), form-encoded (`Bearer+akm-…`). An echo of any of them in an error
 * body must be masked, so each registered secret is masked in every form, and token shapes are
 * masked even when never registered (a token pasted into a name, say).
 */

/** Every form of every registered secret, longest first so that no longer form is left half-masked. */
let forms: string[] = [];
const registered = new Set<string>();

/** Registers a credential so that `scrub` masks it wherever it appears, in whatever encoding. */
export function registerSecret(value: string | undefined): void {
    if (!value || value.length < 6 || registered.has(value)) return;
    registered.add(value);
    const all = new Set(forms);
    for (const form of encodings(value)) all.add(form);
    forms = [...all].sort((a, b) => b.length - a.length);
}

/** The raw value, its URL encoding and its form encoding, with upper- and lower-case hex escapes. */
function encodings(value: string): string[] {
    const uri = encodeURIComponent(value);
    const form = new URLSearchParams({ v: value }).toString().slice(2);
    const out = [value, uri, form, uri.replace(/%20/g, "+")];
    return [...out, ...out.map((s) => s.replace(/%[0-9A-F]{2}/g, (m) => m.toLowerCase()))];
}

/** Separator after an auth scheme: a space, or its URL (`%20`) or form (`+`) encoding. */
const sep = String.raw`(?:\s+|%20|\+)`;
/** Token characters, `%` included so a URL-encoded token is masked whole. */
const tok = String.raw`[A-Za-z0-9_\-.,+/=%]`;

/** Known token shapes. */
const tokenPatterns: RegExp[] = [
    new RegExp(String.raw`\b(FlyV1|Bearer)${sep}${tok}{8,}`, "g"),
    new RegExp(String.raw`\bfm[12][ra]?_${tok}{8,}`, "g"),
    /\bfo1_[A-Za-z0-9_-]{8,}/g,
    /\bvm0_live_[0-9a-fA-F]{8,}/g,
    /\bakm-[A-Za-z0-9_-]{8,}/g,
    /\beyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}(?:\.[A-Za-z0-9_-]*)?/g,
];

/** Query parameters of presigned URLs (S3, GCS, OSS, Azure) whose value is a credential. */
const presignedParams =
    /([?&](?:X-Amz-Signature|X-Amz-Credential|X-Amz-Security-Token|X-Goog-Signature|X-Goog-Credential|Signature|OSSAccessKeyId|security-token|sig)=)[^&\s"'<>]+/gi;

/** Masks every registered credential, in every encoding, and every token-shaped string. */
export function scrub(text: string): string {
    let out = text;
    for (const s of forms) if (out.includes(s)) out = out.split(s).join("***");
    for (const p of tokenPatterns) out = out.replace(p, (_m, scheme: unknown) => (typeof scheme === "string" ? `${scheme} ***` : "***"));
    return out.replace(presignedParams, "$1***");
}

/** Collapses line breaks and runs of whitespace, so a message stays on one line. */
export function oneLine(text: string): string {
    return text.replace(/\s+/g, " ").trim();
}

/**
 * Text from outside (an error body, a library message) made fit for a message: scrubbed FIRST,
 * then put on one line and cut to `max` characters. Cutting first could split a token so that its
 * first part no longer matches any pattern and leaks.
 */
export function safeText(text: string, max = 300): string {
    const clean = oneLine(scrub(text));
    return clean.length > max ? `${clean.slice(0, max - 1)}…` : clean;
}
