import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";

import {
    Engine,
    findRepoRoot,
    type Host,
    HostError,
    installPackedPackage,
    type Registration,
    runProgram,
    runProgramDetailed,
    type ScratchProject,
    startHost,
    type Step,
    writeProgramFile,
} from "../harness";
import { fixtureProgram, readStore, writeFixtureRepo } from "./fixture";

interface Item {
    resource: string;
    name: string;
    size: number;
    failInit?: boolean;
    dbr?: boolean;
    delayMs?: number;
}

const secretToken = "tok-do-not-print-4711";

function step(steps: readonly Step[], name: string): Step {
    const found = steps.find((s) => s.name === name);
    assert.ok(found, `no step for ${name} in ${JSON.stringify(steps)}`);
    return found;
}

describe("test harness (fixture provider through the real dynamic-provider host)", function () {
    this.timeout(60_000);

    let fixtureRepo: string;
    let project: ScratchProject;
    let host: Host;
    let engine: Engine;
    let store: string;
    let statePath: string;

    const program = (items: Item[], extra: Record<string, string> = {}): Promise<Registration[]> =>
        runProgram({ cwd: project.dir, entry: "program.js", config: { "fixture:items": JSON.stringify(items), ...extra } });

    before(async () => {
        fixtureRepo = writeFixtureRepo();
        project = await installPackedPackage({ repoRoot: fixtureRepo, dependencySource: findRepoRoot() });
        writeProgramFile(project.dir, "program.js", fixtureProgram);
        store = path.join(project.dir, "store.json");
        statePath = path.join(project.dir, "state", "stack.json");
        host = await startHost({ cwd: project.dir, env: { FIXTURE_STORE: store } });
        engine = new Engine({ host, config: { "fixture:token": secretToken }, statePath });
    });

    after(async () => {
        await host?.close();
        await project?.cleanup();
        if (fixtureRepo) fs.rmSync(fixtureRepo, { recursive: true, force: true });
    });

    it("installs the packed tarball with only the files it ships and the lockfile's production packages", async () => {
        assert.ok(project.tarballBytes > 0);
        assert.deepEqual([...project.files].sort(), ["index.js", "package.json"]);
        assert.ok(fs.existsSync(path.join(project.packageDir, "index.js")));
        assert.ok(!fs.existsSync(path.join(project.packageDir, "notes.txt")));
        assert.ok(project.linked.includes("@pulumi/pulumi"));
        assert.ok(project.linked.includes("zod"));
        assert.ok(!project.linked.includes("mocha"), "dev dependencies are not linked");
        assert.ok(!project.linked.includes("typescript"), "devOptional packages are not linked");
        assert.equal(await installPackedPackage({ repoRoot: fixtureRepo, dependencySource: findRepoRoot() }), project, "memoized");
    });

    it("runs a program under mocks and returns registrations with the serialized __provider and stack outputs", async () => {
        const run = await runProgramDetailed({
            cwd: project.dir,
            entry: "program.js",
            project: "proj",
            stack: "dev",
            config: { "fixture:items": JSON.stringify([{ resource: "a", name: "alpha", size: 1 }]) },
        });
        assert.equal(run.registrations.length, 1);
        const [reg] = run.registrations;
        assert.ok(reg);
        assert.equal(reg.type, "pulumi-nodejs:dynamic:Resource");
        assert.equal(reg.urn, "urn:pulumi:dev::proj::pulumi-nodejs:dynamic:Resource::a");
        assert.equal(reg.custom, true);
        assert.equal(reg.id, undefined);
        assert.equal(typeof reg.inputs.__provider, "string");
        assert.match(reg.inputs.__provider as string, /require\("fixture-provider"\)/);
        assert.deepEqual(reg.secretInputs, []);
        assert.deepEqual(
            { ...reg.inputs, __provider: "…" },
            { name: "alpha", size: 1, failInit: false, dbr: false, delayMs: 0, __provider: "…" },
        );
        assert.equal(run.outputs.count, 1);
        assert.match(String(run.outputs.firstId), /^a-[0-9a-f]{8}$/);
        assert.equal(run.outputs.secretThing, "s3cr3t");
        assert.deepEqual(run.secretOutputs, ["secretThing"]);
        assert.equal(run.outputs.preview, false);

        const preview = await runProgramDetailed({ cwd: project.dir, entry: "program.js", preview: true });
        assert.equal(preview.outputs.preview, true);
    });

    it("rejects a failing program with its error, including a provider that cannot be serialized", async () => {
        writeProgramFile(project.dir, "broken.js", `throw new Error("boom from program");`);
        await assert.rejects(runProgram({ cwd: project.dir, entry: "broken.js" }), /boom from program/);
        writeProgramFile(
            project.dir,
            "unserializable.js",
            `
            const pulumi = require("@pulumi/pulumi");
            const hash = require("crypto").createHash("sha256");
            new pulumi.dynamic.Resource({ create: async () => { hash.update("x"); return { id: "x" }; } }, "u", {});`,
        );
        await assert.rejects(runProgram({ cwd: project.dir, entry: "unserializable.js" }), /Error serializing '\(\) => provider'/);
    });

    it("returns Check failures, decodes partial state from ErrorResourceInitFailed, and enforces deadlines", async () => {
        const [reg] = await program([{ resource: "direct", name: "direct", size: 0 }]);
        assert.ok(reg);
        // A host of its own: the host configures each serialized provider once per process, with
        // whatever config it holds then, so sharing the engine's host would pin this config.
        const direct = await startHost({ cwd: project.dir, env: { FIXTURE_STORE: path.join(project.dir, "direct.json") } });
        try {
            await direct.configure({});
            const checked = await direct.check(reg.urn, {}, reg.inputs);
            assert.deepEqual(checked.failures, [{ property: "size", reason: "size must be at least 1, got 0" }]);
            assert.equal(checked.inputs.__provider, reg.inputs.__provider);

            const failing = { ...reg.inputs, size: 1, failInit: true };
            const err = await direct.create(reg.urn, failing).then(
                () => undefined,
                (e: unknown) => e,
            );
            assert.ok(err instanceof HostError, String(err));
            assert.equal(err.method, "create");
            assert.match(err.message, /^item item-\d+ did not become ready$/);
            assert.ok(err.partial);
            assert.match(err.partial.id, /^item-\d+$/);
            assert.deepEqual(err.partial.reasons, ["not ready"]);
            assert.equal(err.partial.properties.__provider, reg.inputs.__provider);

            const slow = await direct.create(reg.urn, { ...reg.inputs, size: 1, delayMs: 5_000 }, { timeoutMs: 100 }).then(
                () => undefined,
                (e: unknown) => e,
            );
            assert.ok(slow instanceof HostError);
            assert.equal(slow.code, 4, "DEADLINE_EXCEEDED");

            const bad = await direct.read(reg.urn, "x", {}).then(
                () => undefined,
                (e: unknown) => e,
            );
            assert.ok(bad instanceof HostError);
            assert.match(bad.message, /code must be a string, not undefined/);
            assert.match(direct.logs(), /code must be a string/, "the host prints provider errors");
        } finally {
            await direct.close();
        }
        assert.equal(direct.running, false);
    });

    it("previews creates without calling Create", async () => {
        const result = await engine.preview(
            await program([
                { resource: "a", name: "alpha", size: 1 },
                { resource: "b", name: "beta", size: 2 },
            ]),
        );
        assert.ok(result.ok, JSON.stringify(result.steps));
        assert.deepEqual(
            result.steps.map((s) => s.op),
            ["create", "create"],
        );
        assert.deepEqual(readStore(store).items, {});
        assert.deepEqual(engine.state.resources, []);
    });

    it("creates, then reports same, then updates in place", async () => {
        const items: Item[] = [
            { resource: "a", name: "alpha", size: 1 },
            { resource: "b", name: "beta", size: 2 },
        ];
        const created = await engine.up(await program(items));
        assert.ok(created.ok, JSON.stringify(created.steps));
        assert.deepEqual(
            created.steps.map((s) => s.op),
            ["create", "create"],
        );
        const a = engine.resource("a");
        assert.ok(a);
        assert.equal(a.outputs.tokenSeen, true, "configure received the stack config");
        assert.equal(a.outputs.__provider, a.inputs.__provider);
        assert.equal(Object.keys(readStore(store).items).length, 2);

        const same = await engine.up(await program(items));
        assert.deepEqual(
            same.steps.map((s) => s.op),
            ["same", "same"],
        );

        items[0] = { resource: "a", name: "alpha", size: 5 };
        const grown = await engine.up(await program(items));
        assert.ok(grown.ok, JSON.stringify(grown.steps));
        assert.equal(step(grown.steps, "a").op, "update");
        assert.equal(step(grown.steps, "b").op, "same");
        assert.equal(readStore(store).items[a.id]?.size, 5);
        assert.equal(engine.resource("a")?.outputs.size, 5);
    });

    it("replaces create-before-delete, or delete-before-create when the provider asks", async () => {
        const before = engine.resource("a");
        assert.ok(before);
        const items: Item[] = [
            { resource: "a", name: "alpha2", size: 5 },
            { resource: "b", name: "beta", size: 2 },
        ];
        const replaced = await engine.up(await program(items));
        assert.ok(replaced.ok, JSON.stringify(replaced.steps));
        const s = step(replaced.steps, "a");
        assert.equal(s.op, "replace");
        assert.deepEqual(s.replaces, ["name"]);
        assert.equal(s.deleteBeforeReplace, false);
        const after = engine.resource("a");
        assert.ok(after && after.id !== before.id);
        const log = readStore(store).log;
        assert.ok(log.indexOf(`create ${after.id} alpha2`) < log.indexOf(`delete ${before.id}`), log.join("\n"));
        assert.equal(readStore(store).items[before.id], undefined);

        items[0] = { resource: "a", name: "alpha3", size: 5, dbr: true };
        const dbr = await engine.up(await program(items));
        assert.ok(dbr.ok, JSON.stringify(dbr.steps));
        assert.equal(step(dbr.steps, "a").deleteBeforeReplace, true);
        const third = engine.resource("a");
        assert.ok(third);
        const log2 = readStore(store).log;
        assert.ok(log2.indexOf(`delete ${after.id}`) < log2.indexOf(`create ${third.id} alpha3`), log2.join("\n"));
    });

    it("fails a step at Check without calling anything else", async () => {
        const logBefore = readStore(store).log.length;
        const stateBefore = engine.state;
        const result = await engine.up(
            await program([
                { resource: "a", name: "alpha3", size: 0, dbr: true },
                { resource: "b", name: "beta", size: 2 },
            ]),
        );
        assert.equal(result.ok, false);
        assert.deepEqual(step(result.steps, "a").failures, [{ property: "size", reason: "size must be at least 1, got 0" }]);
        assert.equal(readStore(store).log.length, logBefore);
        assert.deepEqual(
            engine.state.resources.map((r) => r.id),
            stateBefore.resources.map((r) => r.id),
        );
    });

    it("keeps partial state from a failed create and retries it as an update on the next up", async () => {
        const items: Item[] = [
            { resource: "a", name: "alpha3", size: 5, dbr: true },
            { resource: "b", name: "beta", size: 2 },
            { resource: "c", name: "gamma", size: 3, failInit: true },
        ];
        const failed = await engine.up(await program(items));
        assert.equal(failed.ok, false);
        const c = step(failed.steps, "c");
        assert.equal(c.op, "create");
        assert.equal(c.error, `item ${c.id} did not become ready`);
        assert.equal(c.partial?.id, c.id);
        const kept = engine.resource("c");
        assert.ok(kept);
        assert.deepEqual(kept.initErrors, ["not ready"]);
        assert.equal(kept.outputs.__provider, kept.inputs.__provider);

        items[2] = { resource: "c", name: "gamma", size: 3 };
        const retried = await engine.up(await program(items));
        assert.ok(retried.ok, JSON.stringify(retried.steps));
        assert.equal(step(retried.steps, "c").op, "update");
        assert.equal(step(retried.steps, "c").id, kept.id);
        assert.equal(engine.resource("c")?.initErrors, undefined);
    });

    it("refresh drops a resource whose read returns an empty id", async () => {
        const b = engine.resource("b");
        assert.ok(b);
        const data = readStore(store);
        delete data.items[b.id];
        fs.writeFileSync(store, JSON.stringify(data));
        const refreshed = await engine.refresh();
        assert.ok(refreshed.ok, JSON.stringify(refreshed.steps));
        assert.equal(step(refreshed.steps, "b").op, "refresh-drop");
        assert.equal(step(refreshed.steps, "a").op, "refresh");
        assert.equal(engine.resource("b"), undefined);
    });

    it("reads a resource adopted by id, deletes unregistered ones, and never deletes what it only read", async () => {
        const a = engine.resource("a");
        assert.ok(a);
        const regs = await program([{ resource: "c", name: "gamma", size: 3 }], { "fixture:getId": a.id });
        const adopted = regs.find((r) => r.name === "adopted");
        assert.ok(adopted);
        assert.equal(adopted.id, a.id);
        assert.equal(typeof adopted.inputs.__provider, "string", "a read sends __provider with its props");

        const result = await engine.up(regs);
        assert.ok(result.ok, JSON.stringify(result.steps));
        assert.equal(step(result.steps, "adopted").op, "read");
        assert.equal(step(result.steps, "a").op, "delete");
        assert.equal(readStore(store).items[a.id], undefined);
    });

    it("persists state, so a fresh host per operation can destroy what another host made", async () => {
        const c = engine.resource("c");
        assert.ok(c);
        // Adopt c by id, then destroy through a new engine that reloads the state file.
        await engine.up([...(await program([{ resource: "c", name: "gamma", size: 3 }], { "fixture:getId": c.id }))]);
        const fresh = new Engine({ host: () => startHost({ cwd: project.dir, env: { FIXTURE_STORE: store } }), statePath });
        assert.equal(fresh.state.resources.length, 2);
        const destroyed = await fresh.destroy();
        assert.ok(destroyed.ok, JSON.stringify(destroyed.steps));
        assert.deepEqual(destroyed.steps.map((s) => s.op).sort(), ["delete", "discard"]);
        assert.deepEqual(readStore(store).items, {});
        assert.deepEqual(fresh.state, { resources: [], pendingDeletes: [] });
        assert.deepEqual(JSON.parse(fs.readFileSync(statePath, "utf8")), { resources: [], pendingDeletes: [] });
    });

    it("captures the host's output, which never contains the configured token", () => {
        assert.ok(host.logs().length > 0);
        assert.ok(!host.logs().includes(secretToken));
    });
});
