import { startEmulator, type DeepPartial, type Emulator, type Knobs } from "../../emulator";
import {
    Engine,
    installPackedPackage,
    runProgram,
    startHost,
    writeProgramFile,
    type Host,
    type Registration,
    type ScratchProject,
} from "../harness";

/** The stack's config keys the example programs read (project `lifecycle`). */
export type ProgramConfig = Record<string, string>;

/** The emulator's clock: real time, except while a test holds it still to keep a state for as long as it needs. */
export class HeldClock {
    private heldAt: number | undefined;
    private offset = 0;
    readonly now = (): number => this.heldAt ?? Date.now() + this.offset;
    /** Stops the emulator's time: nothing becomes ready, however long a busy machine takes. */
    hold(): void {
        this.heldAt = this.now();
    }
    /** Lets time run again, `skipMs` later than where it stood. */
    release(skipMs = 0): void {
        const at = this.now() + skipMs;
        this.heldAt = undefined;
        this.offset = at - Date.now();
    }
}

export interface Lifecycle {
    emu: Emulator;
    /** The emulator's clock. */
    clock: HeldClock;
    scratch: ScratchProject;
    /** Runs the program under mocks with this config and returns its registrations. */
    program(entry: string, config?: ProgramConfig): Promise<Registration[]>;
    /** A fresh engine on fresh hosts (one host process per operation, as the CLI does). */
    engine(opts?: { config?: Record<string, string>; env?: Record<string, string> }): Engine;
    /** Every host process started, for log assertions. */
    hosts: Host[];
}

/**
 * For one suite: the package installed from `npm pack` into a scratch project, an emulator, and
 * the programs written into the scratch project (so `require("pulumi-volumes")` resolves to the
 * packed copy, as for a user).
 */
export function useLifecycle(knobs: DeepPartial<Knobs>, programs: Record<string, string>): () => Lifecycle {
    let ctx: Lifecycle | undefined;
    before(async function () {
        // Real processes (npm pack, npm install): generous, for a busy machine.
        this.timeout(300_000);
        const scratch = await installPackedPackage();
        for (const [file, source] of Object.entries(programs)) writeProgramFile(scratch.dir, file, source);
        const clock = new HeldClock();
        const emu = await startEmulator({ knobs, now: clock.now });
        const hosts: Host[] = [];
        ctx = {
            emu,
            clock,
            scratch,
            hosts,
            program: (entry, config = {}) =>
                runProgram({
                    cwd: scratch.dir,
                    entry,
                    project: "lifecycle",
                    config: Object.fromEntries(Object.entries(config).map(([k, v]) => [k.includes(":") ? k : `lifecycle:${k}`, v])),
                    // Lookups would need credentials; resource registration does not.
                    env: { FLY_API_TOKEN: undefined, NEEVCLOUD_API_TOKEN: undefined, AGENTBAY_API_KEY: undefined },
                }),
            engine: (opts = {}) =>
                new Engine({
                    host: async () => {
                        const h = await startHost({ cwd: scratch.dir, env: opts.env ?? {}, project: "lifecycle" });
                        hosts.push(h);
                        return h;
                    },
                    config: opts.config ?? {
                        "fly:token": emu.token,
                        "fly:apiUrl": emu.urls.fly,
                        ...neevConfig(emu),
                        ...agentbayConfig(emu),
                    },
                }),
        };
    });
    after(async () => {
        await ctx?.emu.close();
    });
    return () => {
        if (!ctx) throw new Error("lifecycle not set up");
        return ctx;
    };
}

function neevConfig(emu: Emulator): Record<string, string> {
    const urls = emu.urls as Record<string, string>;
    return urls.neevcloud
        ? {
              "neevcloud:token": emu.token,
              "neevcloud:apiUrl": urls.neevcloud,
              "neevcloud:orgId": "org-demo",
              "neevcloud:projectId": "proj-demo",
          }
        : {};
}

function agentbayConfig(emu: Emulator): Record<string, string> {
    const urls = emu.urls as Record<string, string>;
    const key = emu.env.AGENTBAY_API_KEY;
    return urls.agentbay && key ? { "agentbay:apiKey": key, "agentbay:endpoint": urls.agentbay } : {};
}
