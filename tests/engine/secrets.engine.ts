import { strict as assert } from "node:assert";

import { useTempDirs } from "../support/dirTree";
import { credentialEnv, program, useEngine } from "./support";

const allClouds = program(`
    const f = new pv.fly.Volume("fly-data", { app: "sec", region: "iad", sizeGb: 3 });
    const n = new pv.neevcloud.NetworkVolume("neev-data", { regionId: "in-bom-1", sizeGb: 10 });
    const a = new pv.agentbay.Volume("ab-data", { imageId: "imgc-sec" });
    const v = new pv.vm0.Volume("vm0-data", { source: c.require("dir") });
    return { fly: f.volumeId, neev: n.volumeId, agentbay: a.volumeId, vm0: v.currentVersionId };
`);

/** Every 8-character window of a secret: no fragment of it may appear either. */
function fragments(secret: string): string[] {
    const out: string[] = [];
    for (let i = 0; i + 8 <= secret.length; i++) out.push(secret.slice(i, i + 8));
    return out;
}

describe("engine: credentials never reach state or the CLI's output (real pulumi CLI)", function () {
    this.timeout(300_000);
    const ctx = useEngine({ fly: { timeToReadyMs: 100 }, neevcloud: { timeToBoundMs: 100 } }, { "all.js": allClouds });
    const tempDir = useTempDirs("engine-secrets-");

    it("every credential as secret config: no fragment in `stack export` or `--debug` output (-v=9: only RPC dumps)", async () => {
        const { emu } = ctx();
        // Only the stack config carries credentials: none in the environment.
        const noEnv = Object.fromEntries(credentialEnv.map((k) => [k, ""]));
        const s = await ctx().stack("secrets", "all.js", { env: noEnv });
        const secrets = [emu.env.FLY_API_TOKEN!, emu.env.AGENTBAY_API_KEY!, emu.env.VM0_TOKEN!];
        // The random part is shared by the emulator's tokens: any 8 characters of it count as a leak.
        const needles = [...new Set([...secrets, ...secrets.flatMap((t) => fragments(t.replace(/^.*emulator-/, "")))])];
        await s.stack.setAllConfig({
            "fly:token": { value: emu.env.FLY_API_TOKEN!, secret: true },
            "neevcloud:token": { value: emu.env.NEEVCLOUD_API_TOKEN!, secret: true },
            "agentbay:apiKey": { value: emu.env.AGENTBAY_API_KEY!, secret: true },
            "vm0:token": { value: emu.env.VM0_TOKEN!, secret: true },
        });
        await s.config({ dir: tempDir({ "a.txt": "a\n" }) });

        const up = await s.up({ debug: true });
        assert.ok(up.ok, up.output.slice(-4000));
        assert.equal(Object.keys(up.outputs).length, 4);

        const exported = await s.cli(["stack", "export"]);
        assert.equal(exported.code, 0, exported.stderr);
        const state = JSON.parse(exported.stdout) as { deployment: { resources: { type: string; inputs?: object; outputs?: object }[] } };
        const volumes = state.deployment.resources.filter((r) => r.type.startsWith("pulumi-nodejs:dynamic/"));
        assert.equal(volumes.length, 4);
        for (const r of volumes) assert.match(JSON.stringify(r.inputs), /__provider/, "the serialized provider is in the state");

        const refresh = await s.refresh({ debug: true });
        assert.ok(refresh.ok);
        // -v=9: the engine's own log of every property it marshals for a provider RPC, and its planner's
        // note on the default provider's inputs (the stack config), print secret config in the clear
        // (Pulumi's, not this package's: verbose logs may hold secrets). Every other line is checked.
        const verbose = await s.preview({ debug: true, logToStdErr: true, logVerbosity: 9 });
        assert.ok(verbose.ok);
        assert.ok(verbose.output.length > 100_000, `verbose logging ran (${verbose.output.length} characters)`);
        const engineDumps =
            /Marshaling property for RPC|Unmarshaling property for RPC|Marshaled property for RPC|Planner decided .*pulumi:providers:pulumi-nodejs::default/;
        const verboseRest = verbose.output
            .split("\n")
            .filter((line) => !engineDumps.test(line))
            .join("\n");
        assert.ok(
            needles.some((n) => verbose.output.includes(n)),
            "the engine's -v=9 RPC dumps hold the secret config (if this fails, Pulumi stopped printing it: drop the filter)",
        );
        const destroy = await s.destroy({ debug: true });
        assert.ok(destroy.ok);
        const texts: Record<string, string> = {
            "stack export": exported.stdout,
            "up --debug": up.output + JSON.stringify(up.events),
            "refresh --debug": refresh.output + JSON.stringify(refresh.events),
            "preview --debug -v=9 (beside the engine's RPC dumps)": verboseRest + JSON.stringify(verbose.events),
            "destroy --debug": destroy.output + JSON.stringify(destroy.events),
        };
        for (const [where, text] of Object.entries(texts)) {
            const found = needles.filter((n) => text.includes(n));
            assert.deepEqual(found, [], `credential fragments in ${where}`);
        }
        // The credentials are in the stack's config (and the default provider's inputs) only as ciphertext.
        assert.match(exported.stdout, /"secure":|"ciphertext":/);
    });
});
