/** Helpers for the VM0 tests: crafted ids that make the production cursor bug repeat or skip rows. */
import type { Emulator, Vm0VolumeRecord } from "../../emulator";

/** A UUID whose order follows `n`. */
export function uuidFor(n: number): string {
    return `00000000-0000-4000-8000-${n.toString(16).padStart(12, "0")}`;
}

/** A 64-hex version id starting with `prefix`. */
export function hexId(prefix: string, n: number): string {
    return prefix + n.toString(16).padStart(64 - prefix.length, "0");
}

/**
 * Seeds `count` volumes `data-0` (newest) … `data-<count-1>` (oldest) whose ids make VM0's cursor
 * (`id > cursor` over `createdAt DESC`) repeat `data-0` on every page and skip nothing: `data-0`
 * has the largest id, the others' ids grow with age. Returns them newest first.
 */
export function quirkyVolumes(emu: Emulator, count: number): Vm0VolumeRecord[] {
    const base = Date.UTC(2026, 0, 1);
    const made: Vm0VolumeRecord[] = [];
    for (let k = count - 1; k >= 0; k--) {
        made.unshift(
            emu.vm0.seedVolume({
                name: `data-${k}`,
                id: k === 0 ? "ffffffff-ffff-4fff-bfff-ffffffffffff" : uuidFor(k),
                createdAt: new Date(base - k * 60_000).toISOString(),
                versions: [{ archive: `archive of data-${k}`, createdAt: new Date(base - k * 60_000 + 1).toISOString() }],
            }),
        );
    }
    return made;
}
