/**
 * The VM0 part of `npm run demo`: the example stack publishes a copy of `examples/vm0-data/` (so the
 * demo never edits the repository), the copy changes before the grow step (a new version), and the
 * volume is retained on destroy (VM0 has no delete).
 */
import { cpSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Emulator } from "../emulator";

export interface Vm0Demo {
    /** Program config: where the example's `vm0.Volume` finds its directory. */
    programConfig: Record<string, string>;
    /** Changes the directory before the given step (0-based), saying what changed. */
    beforeStep(index: number): void;
    cleanup(): void;
}

/** The step (0-based) before which a file of the published directory changes: the grow preview. */
const changeBeforeStep = 2;

export function startVm0Demo(): Vm0Demo {
    const root = mkdtempSync(join(tmpdir(), "pulumi-volumes-demo-vm0-"));
    const dir = join(root, "agent-data");
    cpSync(join(__dirname, "..", "..", "examples", "vm0-data"), dir, { recursive: true });
    return {
        programConfig: { vm0Source: dir },
        beforeStep(index) {
            if (index !== changeBeforeStep) return;
            writeFileSync(join(dir, "cities.csv"), "city,country,population\nMumbai,IN,12442373\nSingapore,SG,5917600\n");
            console.log(`vm0: cities.csv changed in ${dir}: the volume gets a new version`);
        },
        cleanup: () => rmSync(root, { recursive: true, force: true }),
    };
}

/** The stack config of the VM0 provider (the emulator's URL serves both the public and the storage API). */
export function vm0ProviderConfig(emu: Emulator): Record<string, string> {
    return { "vm0:token": emu.vm0.token, "vm0:apiUrl": emu.urls.vm0, "vm0:storageUrl": emu.urls.vm0 };
}

/** Prints VM0's volumes, with their versions (HEAD marked); returns the rows printed. */
export function printVm0Inventory(emu: Emulator): number {
    let rows = 0;
    for (const v of emu.inventory().vm0) {
        const versions = v.versions.map((x) => `${x.id.slice(0, 8)}${x.id === v.currentVersionId ? "*" : ""}`).join(" ");
        console.log(`  vm0        ${v.id}  ${v.name.padEnd(10)} ${String(v.fileCount).padStart(4)} files  versions: ${versions}`);
        rows++;
    }
    return rows;
}
