import { startEmulator, type DeepPartial, type Emulator, type Knobs } from "../../emulator";
import { closeAllPools } from "../../provider/core/transport";
import { setStackConfig } from "../../provider/core/config";

/** Starts an emulator for a suite and points the provider's env at it; undoes both after. */
export function useEmulator(knobs: DeepPartial<Knobs>, options: { token?: string } = {}): { emu: () => Emulator } {
    let emu: Emulator | undefined;
    const saved: Record<string, string | undefined> = {};
    before(async () => {
        emu = await startEmulator({ knobs, token: options.token });
        for (const [k, v] of Object.entries(emu.env)) {
            saved[k] = process.env[k];
            process.env[k] = v;
        }
        setStackConfig(undefined);
    });
    beforeEach(() => {
        emu?.reset();
        emu?.configure(knobs);
    });
    after(async () => {
        for (const [k, v] of Object.entries(saved)) {
            if (v === undefined) delete process.env[k];
            else process.env[k] = v;
        }
        await emu?.close();
        await closeAllPools();
    });
    return {
        emu: () => {
            if (!emu) throw new Error("emulator not started");
            return emu;
        },
    };
}

/** Calls a promise-returning function and returns what it rejected with. */
export async function rejection(p: Promise<unknown>): Promise<Record<string, unknown> & { message: string }> {
    try {
        await p;
    } catch (e) {
        return e as Record<string, unknown> & { message: string };
    }
    throw new Error("expected a rejection");
}
