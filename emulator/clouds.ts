/**
 * The cloud table: every cloud emulator, by name. Adding a cloud means writing
 * `emulator/<cloud>/` (a `CloudDefinition`, `core/types.ts`) and adding one line here;
 * `startEmulator`, its types (`urls`, `inventory()`, knobs, test hooks), the
 * env it prints and the CLI's `--<cloud>-port` flag all follow from this table.
 */
import { agentbayCloud } from "./agentbay";
import { flyCloud } from "./fly";
import { neevcloudCloud } from "./neevcloud";
import { vm0Cloud } from "./vm0";

/** Every cloud emulator. Keys must equal each definition's `name`. */
export const clouds = {
    fly: flyCloud,
    neevcloud: neevcloudCloud,
    agentbay: agentbayCloud,
    vm0: vm0Cloud,
} as const;

/** The cloud table's type. */
export type CloudTable = typeof clouds;

/** Name of a cloud in the table (`"fly"`, …). */
export type CloudName = keyof CloudTable;

/** A cloud's knobs type. */
export type KnobsOf<K extends CloudName> = ReturnType<CloudTable[K]["defaultKnobs"]>;

/** A cloud's test-hook type. */
export type ControlOf<K extends CloudName> = ReturnType<CloudTable[K]["create"]>["control"];

/** A cloud's inventory record type. */
export type RecordOf<K extends CloudName> = ReturnType<ReturnType<CloudTable[K]["create"]>["inventory"]>[number];

/** Names of all clouds, in table order. */
export const cloudNames = Object.keys(clouds) as CloudName[];
