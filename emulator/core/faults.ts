/** Fault injection: match requests, count them, and decide which fault fires. */
import { matchesRequest, type MatchTarget } from "./match";
import type { Fault } from "./types";

/** What a request is matched on. */
export type FaultTarget = MatchTarget;

interface ActiveFault {
    readonly fault: Fault;
    seen: number;
    fired: number;
}

/** Holds the active fault list; {@link FaultInjector.take} picks the fault (if any) for a request. */
export class FaultInjector {
    private active: ActiveFault[] = [];

    /** Replace the active list (counters start from zero). Throws `TypeError` on an invalid fault. */
    set(faults: readonly Fault[]): void {
        faults.forEach(validateFault);
        this.active = faults.map((fault) => ({ fault, seen: 0, fired: 0 }));
    }

    /** Count the request against every matching fault and return the first one due, if any. */
    take(target: FaultTarget): Fault | undefined {
        let chosen: ActiveFault | undefined;
        for (const entry of this.active) {
            if (!matchesRequest(entry.fault, target)) continue;
            entry.seen += 1;
            if (chosen) continue;
            const skip = entry.fault.skip ?? 0;
            const times = entry.fault.times ?? 1;
            if (entry.seen > skip && entry.fired < times) chosen = entry;
        }
        if (!chosen) return undefined;
        chosen.fired += 1;
        return chosen.fault;
    }
}

/** Whether the fault answers in place of the handler. */
export function isRespondingFault(fault: Fault): boolean {
    return (
        fault.status !== undefined ||
        fault.body !== undefined ||
        fault.rawBody !== undefined ||
        fault.headers !== undefined ||
        fault.retryAfter !== undefined
    );
}

/** The label a fault leaves in the request log (`"drop"`, `"status 503"`, `"delay 50ms, status 503"`). */
export function faultLabel(fault: Fault, status: number): string {
    const parts: string[] = [];
    if (fault.delayMs !== undefined && fault.delayMs > 0) parts.push(`delay ${fault.delayMs}ms`);
    if (fault.drop) parts.push("drop");
    else if (fault.loseResponse) parts.push("loseResponse");
    else if (isRespondingFault(fault)) parts.push(`status ${status}`);
    return parts.length > 0 ? parts.join(", ") : "delay 0ms";
}

function validateFault(fault: Fault, index: number): void {
    const where = `fault #${index}`;
    const count = (name: string, value: number | undefined, allowInfinity: boolean): void => {
        if (value === undefined) return;
        const ok = (allowInfinity && value === Infinity) || (Number.isInteger(value) && value >= 0);
        if (!ok) throw new TypeError(`${where}: \`${name}\` must be a non-negative integer${allowInfinity ? " or Infinity" : ""}`);
    };
    count("skip", fault.skip, false);
    count("times", fault.times, true);
    if (fault.status !== undefined && !(Number.isInteger(fault.status) && fault.status >= 100 && fault.status <= 599)) {
        throw new TypeError(`${where}: \`status\` must be an HTTP status code (100-599)`);
    }
    if (fault.retryAfter !== undefined && !(Number.isFinite(fault.retryAfter) && fault.retryAfter >= 0)) {
        throw new TypeError(`${where}: \`retryAfter\` must be a non-negative number of seconds`);
    }
    if (fault.delayMs !== undefined && !(Number.isFinite(fault.delayMs) && fault.delayMs >= 0)) {
        throw new TypeError(`${where}: \`delayMs\` must be a non-negative number`);
    }
    const kinds = [fault.drop === true, fault.loseResponse === true, isRespondingFault(fault)].filter(Boolean).length;
    if (kinds > 1) {
        throw new TypeError(`${where}: only one of \`drop\`, \`loseResponse\` or a response (\`status\`/\`body\`/…) can be given`);
    }
    if (fault.afterCommit && !isRespondingFault(fault)) {
        throw new TypeError(`${where}: \`afterCommit\` needs a response (\`status\`/\`body\`/\`rawBody\`) to answer with`);
    }
    if (kinds === 0 && fault.delayMs === undefined) {
        throw new TypeError(
            `${where}: give \`status\`/\`body\`/\`rawBody\`/\`headers\`/\`retryAfter\`, \`drop\`, \`loseResponse\` or \`delayMs\``,
        );
    }
}
