import { scrub } from "./secrets";

/**
 * A warning for the person running Pulumi: one line, scrubbed, on stderr. The dynamic-provider
 * host has no engine connection for `pulumi.log` (it would fall back to `console.warn` anyway);
 * the engine shows a dynamic provider's stderr lines in the run's output (it hides only those of
 * non-dynamic resource plugins).
 */
export function warn(message: string): void {
    process.stderr.write(`warning: ${scrub(message).replace(/\s*\n\s*/g, " ")}\n`);
}

/** Something the person should know happened (not a problem): one line, scrubbed, on stderr. */
export function notice(message: string): void {
    process.stderr.write(`info: ${scrub(message).replace(/\s*\n\s*/g, " ")}\n`);
}
