import { strict as assert } from "node:assert";
import * as path from "node:path";
import { startEmulator, tarGz, type Emulator } from "../../emulator";
import * as pulumi from "@pulumi/pulumi";
import { vm0 } from "../../sdk";
import { runLookupLocally } from "../../sdk/core/lookup";
import { callRunningLookups } from "../harness/lookups";
import { findRepoRoot, ProgramError, runProgramDetailed, type ProgramRun } from "../harness";
import { quirkyVolumes } from "../emulator/vm0Helpers";

const entry = path.join(__dirname, "vm0Program.js");

describe("vm0 lookups in a program under pulumi.runtime.setMocks, against the emulator", function () {
    this.timeout(60_000);
    let emu: Emulator;
    before(async () => {
        emu = await startEmulator();
    });
    beforeEach(() => emu.reset());
    after(async () => emu.close());

    const run = (config: Record<string, string>, env: Record<string, string | undefined> = {}): Promise<ProgramRun> =>
        runProgramDetailed({
            cwd: findRepoRoot(),
            entry,
            config,
            env: { VM0_API_URL: emu.urls.vm0, VM0_TOKEN: emu.vm0.token, VM0_API_KEY: undefined, ...env },
        });

    async function failure(config: Record<string, string>, env: Record<string, string | undefined> = {}): Promise<string> {
        try {
            await run(config, env);
        } catch (err) {
            assert.ok(err instanceof ProgramError, String(err));
            return `${err.message}\n${err.stderr}`;
        }
        throw new Error("expected the program to fail");
    }

    it("looks a volume up by name across several pages of the quirky cursor and finds it exactly once", async () => {
        const made = quirkyVolumes(emu, 250);
        const target = made[0];
        assert.ok(target);
        const extra = tarGz([{ path: "notes.txt", content: "v2" }]);
        const v2 = emu.vm0.seedVersion(target.id, { archive: extra, fileCount: 1, message: "second" });
        emu.clearRequests();

        // data-0 comes back on every page: a lookup that did not de-duplicate would find it three times.
        const res = await run({ "test:name": "data-0", "test:versionPrefix": target.versions[0]?.id.slice(0, 8) ?? "" });
        const listPages = emu.requests().filter((r) => r.path === "/v1/volumes");
        assert.equal(listPages.length, 3, "read every page");
        assert.equal(res.outputs.volumeId, target.id);
        assert.equal(res.outputs.currentVersionId, v2.id);
        assert.equal(res.outputs.byIdName, "data-0");
        assert.deepEqual(res.outputs.versionIds, [v2.id, target.versions[0]?.id]);

        assert.ok(res.secretOutputs.includes("download"), `secret outputs: ${res.secretOutputs.join(",")}`);
        const download = res.outputs.download as { id: string; versionId: string; url: string };
        assert.equal(download.versionId, v2.id);
        assert.ok(!res.stdout.includes(download.url) && !res.stderr.includes(download.url), "the URL is not printed");
        assert.ok(Buffer.from(await (await fetch(download.url)).arrayBuffer()).equals(extra));
        const old = res.outputs.downloadOfPrefix as { versionId: string; url: string };
        assert.equal(old.versionId, target.versions[0]?.id);
        assert.equal(Buffer.from(await (await fetch(old.url)).arrayBuffer()).toString(), "archive of data-0");
    });

    it("finds a volume on the last page, and takes the token from the stack config", async () => {
        quirkyVolumes(emu, 230);
        const res = await run({ "test:name": "data-229", "vm0:token": emu.vm0.token }, { VM0_TOKEN: undefined });
        assert.equal(res.outputs.byIdName, "data-229");
    });

    it("fails clearly for a name that matches no volume, and for a bad token", async () => {
        quirkyVolumes(emu, 3);
        assert.match(await failure({ "test:name": "nope" }), /vm0\.getVolume: no volume named 'nope' among the 3 VM0 listed/);
        const bad = await failure({ "test:name": "data-1" }, { VM0_TOKEN: "vm0_live_wrong" });
        assert.match(bad, /401 invalid_api_key/);
        assert.match(bad, /`vm0:token`.*`VM0_TOKEN` or `VM0_API_KEY`/);
        assert.match(await failure({ "test:name": "data-1" }, { VM0_TOKEN: undefined }), /vm0: no credential found.*vm0:token.*VM0_TOKEN/);
    });

    it("fails clearly for a name that matches several volumes (as a list from two organizations could show)", async () => {
        emu.setFaults([
            {
                cloud: "vm0",
                path: "/v1/volumes",
                status: 200,
                body: {
                    data: [
                        { id: "a1", name: "twin" },
                        { id: "b2", name: "twin" },
                    ],
                    pagination: { hasMore: false, nextCursor: null },
                },
            },
        ]);
        assert.match(await failure({ "test:name": "twin" }), /2 volumes are named 'twin' \(a1, b2\); look one up by `id`/);
    });

    it("refuses bad arguments in the program's process before any request", async () => {
        // In this process too, mocks that answer a lookup by running it, as the harness's engine does.
        await pulumi.runtime.setMocks({
            newResource: (a) => ({ id: a.id, state: a.inputs }),
            call: callRunningLookups(() => runLookupLocally),
        });
        const saved = { url: process.env["VM0_API_URL"], token: process.env["VM0_TOKEN"] };
        process.env["VM0_API_URL"] = emu.urls.vm0;
        process.env["VM0_TOKEN"] = emu.vm0.token;
        try {
            emu.clearRequests();
            const reason = async (p: Promise<unknown>) =>
                p.then(
                    () => "resolved",
                    (e: Error) => e.message,
                );
            assert.match(await reason(vm0.getVolume({} as vm0.GetVolumeArgs)), /exactly one of `id` or `name`/);
            assert.match(await reason(vm0.getVolume({ id: "x", name: "y" } as unknown as vm0.GetVolumeArgs)), /exactly one of/);
            assert.match(await reason(vm0.getVolume({ id: "../etc" })), /volume id "\.\.\/etc" must not contain '\/'/);
            assert.match(await reason(vm0.getVolumeVersions({ id: "a b" })), /whitespace/);
            assert.match(await reason(vm0.getVolumeDownloadUrl({ id: "x-1", versionId: "abc" })), /too short/);
            assert.equal(emu.requests().length, 0);
            const missing = await reason(vm0.getVolume({ id: "6f2d0c1e-0000-4000-8000-000000000000" }));
            assert.match(missing, /vm0\.getVolume: no volume with id '6f2d0c1e-/);
        } finally {
            for (const [k, v] of [
                ["VM0_API_URL", saved.url],
                ["VM0_TOKEN", saved.token],
            ] as const) {
                if (v === undefined) delete process.env[k];
                else process.env[k] = v;
            }
        }
    });
});
