/**
 * POP RPC request parameters: the query and the form body merged (the body wins),
 * with the flattened list (`VolumeIds.1=…`) and boolean (`true`/`True`) encodings
 * the official transports send.
 */
import type { EmuRequest } from "../core/types";

/** A bad parameter: answered as HTTP 400 with a POP error. */
export class ParamError extends Error {
    override readonly name = "ParamError";

    constructor(
        readonly code: string,
        message: string,
    ) {
        super(message);
    }
}

/** The request's parameters. */
export class RpcParams {
    private readonly values: Map<string, string>;

    constructor(req: EmuRequest) {
        this.values = new Map(req.query);
        // Only a form body carries parameters; Node's chunked bodies arrive whole here.
        for (const [k, v] of new URLSearchParams(req.body.toString("utf8"))) this.values.set(k, v);
    }

    /** A parameter as sent; `""` counts as absent. */
    text(name: string): string | undefined {
        const value = this.values.get(name);
        return value === undefined || value === "" ? undefined : value;
    }

    /** A parameter the action requires. */
    required(name: string): string {
        const value = this.text(name);
        if (value === undefined) throw new ParamError(`MissingParameter`, `${name} is mandatory for this action.`);
        return value;
    }

    /** A boolean, case-insensitive (Python sends `True`); absent → `fallback`. */
    bool(name: string, fallback: boolean): boolean {
        const value = this.text(name);
        if (value === undefined) return fallback;
        const lower = value.toLowerCase();
        if (lower !== "true" && lower !== "false") throw new ParamError("InvalidParameter", `${name} must be true or false.`);
        return lower === "true";
    }

    /** A positive integer; absent → `fallback`. */
    positiveInt(name: string, fallback: number): number {
        const value = this.text(name);
        if (value === undefined) return fallback;
        const n = Number(value);
        if (!/^\d+$/.test(value) || n < 1) throw new ParamError("InvalidParameter", `${name} must be a positive integer.`);
        return n;
    }

    /** A flattened list `Name.1`, `Name.2`, … in index order (empty when absent). */
    list(name: string): string[] {
        const pattern = new RegExp(`^${name}\\.(\\d+)$`);
        const items: Array<[number, string]> = [];
        for (const [key, value] of this.values) {
            const match = pattern.exec(key);
            if (match && value !== "") items.push([Number(match[1]), value]);
        }
        return items.sort((a, b) => a[0] - b[0]).map(([, value]) => value);
    }
}
