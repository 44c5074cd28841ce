import { strict as assert } from "node:assert";
import { createHash } from "node:crypto";
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, truncateSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as tar from "tar";
import { manifestBytes, packArchive, tarAndHashOnly } from "../../provider/vm0/publish/archive";
import { checkVm0Volume } from "../../provider/vm0/provider";
import { diffByRules } from "../../provider/core/rules";
import { vm0VolumeRules } from "../../provider/vm0/rules";
import { assertUnchanged, checkSource, vm0Limits, scanSource, SourceError } from "../../provider/vm0/publish/source";
import { defaultVm0VolumeName, isValidVm0Name } from "../../provider/vm0/schema";

function tree(files: Record<string, string | Buffer>): string {
    const dir = mkdtempSync(join(tmpdir(), "vm0-src-"));
    for (const [path, content] of Object.entries(files)) {
        mkdirSync(join(dir, path, ".."), { recursive: true });
        writeFileSync(join(dir, path), content);
    }
    return dir;
}

async function reason(dir: string): Promise<string> {
    const r = await checkSource(dir);
    assert.ok("failure" in r, `expected a failure for ${dir}`);
    assert.equal(r.failure.property, "source");
    return r.failure.reason;
}

describe("vm0 source: scan, check and fingerprint", () => {
    const made: string[] = [];
    const mk = (files: Record<string, string | Buffer>) => {
        const d = tree(files);
        made.push(d);
        return d;
    };
    after(() => made.forEach((d) => rmSync(d, { recursive: true, force: true })));

    it("leaves out every top-level path starting with .vm0, as the vm0 CLI does (.vm0rc, .vm0-cache/), and no deeper one", async () => {
        const dir = mk({
            "data.txt": "d",
            ".vm0/storage.yaml": "name: x",
            ".vm0rc": "token",
            ".vm0-cache/blob": "cached",
            "sub/.vm0rc": "kept",
            ".vm0x/file": "skipped too",
            vm0rc: "kept",
        });
        const scan = await scanSource(dir);
        assert.deepEqual(
            scan.files.map((f) => f.path),
            ["data.txt", "sub/.vm0rc", "vm0rc"],
        );
    });

    it("lists relative POSIX paths, sorted, with SHA-256 and size; leaves .vm0 out", async () => {
        const dir = mk({ "b.txt": "bee", "a/z.txt": "zed", "a/b/c.txt": "", ".vm0/storage.yaml": "name: x" });
        const scan = await scanSource(dir);
        assert.deepEqual(
            scan.files.map((f) => f.path),
            ["a/b/c.txt", "a/z.txt", "b.txt"],
        );
        assert.equal(scan.files[2]?.hash, createHash("sha256").update("bee").digest("hex"));
        assert.equal(scan.files[2]?.size, 3);
        assert.equal(scan.totalBytes, 6);
    });

    it("gives the same fingerprint whatever the mtimes, another one when a byte, a name or a file changes", async () => {
        const dir = mk({ "x.txt": "hello", "d/y.bin": Buffer.from([1, 2, 3]) });
        const first = (await scanSource(dir)).sourceHash;
        utimesSync(join(dir, "x.txt"), new Date(2001, 1, 1), new Date(2001, 1, 1));
        assert.equal((await scanSource(dir)).sourceHash, first, "only a timestamp moved");
        assert.equal((await scanSource(mk({ "d/y.bin": Buffer.from([1, 2, 3]), "x.txt": "hello" }))).sourceHash, first, "another copy");
        writeFileSync(join(dir, "x.txt"), "hellp");
        const changed = (await scanSource(dir)).sourceHash;
        assert.notEqual(changed, first, "one byte changed");
        writeFileSync(join(dir, "x.txt"), "hello");
        assert.equal((await scanSource(dir)).sourceHash, first, "restored");
        writeFileSync(join(dir, "new.txt"), "");
        assert.notEqual((await scanSource(dir)).sourceHash, first, "an empty file added");
        assert.notEqual((await scanSource(mk({ "x2.txt": "hello", "d/y.bin": Buffer.from([1, 2, 3]) }))).sourceHash, first, "renamed");
    });

    it("refuses a missing directory, a file instead of a directory, and an unreadable one", async () => {
        assert.match(await reason(join(tmpdir(), "no-such-dir-vm0-test")), /does not exist/);
        const dir = mk({ "f.txt": "x" });
        assert.match(await reason(join(dir, "f.txt")), /is not a directory/);
        if (process.getuid?.() !== 0) {
            const locked = mk({ "sub/f.txt": "x" });
            chmodSync(join(locked, "sub"), 0o000);
            try {
                assert.match(await reason(locked), /sub' cannot be read \(permission denied\)/);
            } finally {
                chmodSync(join(locked, "sub"), 0o755);
            }
        }
    });

    it("refuses a file over 100 MB and a total over 100 MB (sparse files: nothing is read)", async () => {
        const big = mk({});
        writeFileSync(join(big, "big.bin"), "");
        truncateSync(join(big, "big.bin"), 104_857_601);
        assert.match(await reason(big), /^file 'big\.bin' is 104,857,601 bytes: VM0 takes files of at most 100 MB \(104,857,600 bytes\)$/);
        const many = mk({});
        for (const n of ["a", "b", "c"]) {
            writeFileSync(join(many, n), "");
            truncateSync(join(many, n), 40_000_000);
        }
        assert.match(await reason(many), /holds more than 100 MB/);
    });

    it("refuses more files, or more bytes of paths, than the limits (VM0's: 50,000 files, 8 MiB of paths)", async () => {
        assert.deepEqual(vm0Limits, { maxFileBytes: 104_857_600, maxTotalBytes: 104_857_600, maxFiles: 50_000, maxPathBytes: 8_388_608 });
        const dir = mk(Object.fromEntries(Array.from({ length: 11 }, (_, i) => [`d/f${i}`, ""])));
        const small = { ...vm0Limits, maxFiles: 10 };
        await assert.rejects(
            scanSource(dir, small),
            (e: SourceError) => e.failure.reason === "holds more than 10 files: VM0 takes at most 10",
        );
        assert.equal((await scanSource(dir, { ...small, maxFiles: 11 })).files.length, 11);
        await assert.rejects(scanSource(dir, { ...vm0Limits, maxPathBytes: 40 }), /more than 40 bytes of file paths/);
    });

    it("follows a symlink to a file inside; refuses one out of the directory, to a directory, or to nothing", async () => {
        const dir = mk({ "real.txt": "data", "sub/x.txt": "x" });
        symlinkSync("real.txt", join(dir, "link.txt"));
        const scan = await scanSource(dir);
        const link = scan.files.find((f) => f.path === "link.txt");
        assert.equal(link?.hash, createHash("sha256").update("data").digest("hex"));

        const outside = mk({ "secret.txt": "s" });
        const out = mk({ "a.txt": "a" });
        symlinkSync(join(outside, "secret.txt"), join(out, "escape.txt"));
        assert.match(await reason(out), /'escape\.txt' is a symlink out of the directory/);

        const up = mk({ "a.txt": "a" });
        symlinkSync("..", join(up, "parent"));
        assert.match(await reason(up), /'parent' is a symlink out of the directory/);

        const toDir = mk({ "sub/x.txt": "x" });
        symlinkSync("sub", join(toDir, "alias"));
        assert.match(await reason(toDir), /'alias' is a symlink to a directory/);

        const dangling = mk({ "a.txt": "a" });
        symlinkSync("nowhere", join(dangling, "broken"));
        assert.match(await reason(dangling), /'broken' is a symlink to nothing/);
    });

    it("SourceError is a check failure of `source` and a one-line error", () => {
        const e = new SourceError("'x' does not exist");
        assert.deepEqual(e.failure, { property: "source", reason: "'x' does not exist" });
        assert.equal(e.message, "source 'x' does not exist");
    });

    it("applies VM0's name rule and derives a valid default name from any resource name", () => {
        for (const ok of ["abc", "my-data-1", "a".repeat(64)]) assert.ok(isValidVm0Name(ok), ok);
        for (const bad of ["ab", "-abc", "abc-", "a--b", "ABC", "a_b", "a".repeat(65)]) assert.ok(!isValidVm0Name(bad), bad);
        const cases = ["data", "My_Volume", "x", "", "--a--b--", "Ünïcödé", "a".repeat(100), `${"b".repeat(63)}-c`];
        for (const c of cases) {
            const name = defaultVm0VolumeName(c);
            assert.ok(isValidVm0Name(name), `${JSON.stringify(c)} → ${name}`);
        }
        assert.equal(defaultVm0VolumeName("My_Volume"), "my-volume");
        assert.equal(defaultVm0VolumeName("x"), "x-vol");
    });
});

describe("vm0 check and diff by content", () => {
    let dir = "";
    before(() => (dir = tree({ "a.txt": "one", "b/c.txt": "two" })));
    after(() => rmSync(dir, { recursive: true, force: true }));

    it("computes sourceHash into the inputs; the diff shows an update only when the content changed", async () => {
        const first = await checkVm0Volume({}, { source: dir, name: "data-vol", sourceHash: "forged" });
        assert.deepEqual(first.failures, []);
        const hash = first.inputs["sourceHash"];
        assert.equal(typeof hash, "string");
        assert.notEqual(hash, "forged");
        const olds = { ...first.inputs, volumeId: "v1", currentVersionId: "f".repeat(64) };

        utimesSync(join(dir, "a.txt"), new Date(2010, 1, 1), new Date(2010, 1, 1));
        const same = await checkVm0Volume(first.inputs, { source: dir, name: "data-vol", message: "new words" });
        assert.deepEqual(diffByRules(vm0VolumeRules, olds, same.inputs), { changes: false, replaces: [] });

        writeFileSync(join(dir, "b/c.txt"), "TWO");
        const changed = await checkVm0Volume(first.inputs, { source: dir, name: "data-vol" });
        assert.deepEqual(diffByRules(vm0VolumeRules, olds, changed.inputs), { changes: true, replaces: [] });

        const renamed = await checkVm0Volume(first.inputs, { source: dir, name: "other-vol" });
        assert.deepEqual(diffByRules(vm0VolumeRules, olds, renamed.inputs).replaces, ["name"]);
    });

    it("takes the source as a path or as a FileArchive the host hands over (its path a promise)", async () => {
        const asPath = await checkVm0Volume({}, { source: dir, name: "data-vol" });
        const asArchive = await checkVm0Volume({}, { source: { path: Promise.resolve(dir) }, name: "data-vol" });
        assert.deepEqual(asArchive.failures, []);
        assert.equal(asArchive.inputs["source"], dir);
        assert.equal(asArchive.inputs["sourceHash"], asPath.inputs["sourceHash"]);
        const bad = await checkVm0Volume({}, { source: { path: 3 }, name: "data-vol" });
        assert.equal(bad.failures[0]?.property, "source");
    });

    it("returns check failures for a bad name and a bad directory, before any request", async () => {
        const bad = await checkVm0Volume({}, { source: dir, name: "Bad--Name" });
        assert.equal(bad.failures[0]?.property, "name");
        const missing = await checkVm0Volume({}, { source: join(dir, "nope"), name: "good-name" });
        assert.deepEqual(missing.failures, [{ property: "source", reason: `'${join(dir, "nope")}' does not exist` }]);
    });

    it("an unknown source (preview) makes sourceHash unknown: a change, never a failure", async () => {
        const unknown = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
        const out = await checkVm0Volume({}, { source: unknown, name: "good-name" });
        assert.deepEqual(out.failures, []);
        assert.equal(out.inputs["sourceHash"], unknown);
        assert.equal(diffByRules(vm0VolumeRules, { sourceHash: "x", name: "good-name" }, out.inputs).changes, true);
    });
});

describe("vm0 archive", () => {
    it("packs the files as a tar.gz that unpacks to the same files, and writes the CLI's manifest", async () => {
        const content: Record<string, string | Buffer> = {
            "top.txt": "top",
            "deep/er/file.bin": Buffer.from(Array.from({ length: 70_000 }, (_, i) => i % 251)),
            "empty.txt": "",
            "spaced name.txt": "s p a c e",
        };
        const dir = tree(content);
        const out = mkdtempSync(join(tmpdir(), "vm0-out-"));
        try {
            const scan = await scanSource(dir);
            const archive = await packArchive(scan);
            try {
                assert.ok(archive.bytes > 0);
                const entries: string[] = [];
                await tar.t({ file: archive.path, onReadEntry: (e) => void entries.push(`${e.type}:${e.path}`) });
                assert.deepEqual(
                    entries.sort(),
                    Object.keys(content)
                        .map((p) => `File:${p}`)
                        .sort(),
                    "files only, relative paths",
                );
                await tar.x({ file: archive.path, cwd: out });
                for (const [p, c] of Object.entries(content)) assert.deepEqual(readFileSync(join(out, p)), Buffer.from(c), p);
                // Twice from the same file: what a retried upload sends.
                const read = async () => {
                    const chunks: Buffer[] = [];
                    for await (const c of archive.open()) chunks.push(c as Buffer);
                    return Buffer.concat(chunks);
                };
                assert.deepEqual(await read(), await read());
            } finally {
                await archive.dispose();
            }
            const manifest = JSON.parse(manifestBytes(scan.files, new Date("2026-01-02T03:04:05Z")).toString("utf8"));
            assert.equal(manifest.version, 1);
            assert.equal(manifest.createdAt, "2026-01-02T03:04:05.000Z");
            assert.deepEqual(manifest.files, scan.files);

            const bench = await tarAndHashOnly(dir);
            assert.equal(bench.fileCount, 4);
            assert.equal(bench.sourceHash, scan.sourceHash);
            assert.ok(bench.archiveBytes > 0);
        } finally {
            rmSync(dir, { recursive: true, force: true });
            rmSync(out, { recursive: true, force: true });
        }
    });

    it("archives a symlink to a file inside as that file's content, under the link's path", async () => {
        const dir = tree({ "real.txt": "data" });
        symlinkSync("real.txt", join(dir, "link.txt"));
        const out = mkdtempSync(join(tmpdir(), "vm0-out-"));
        try {
            const archive = await packArchive(await scanSource(dir));
            try {
                const types: string[] = [];
                await tar.t({ file: archive.path, onReadEntry: (e) => void types.push(`${e.type}:${e.path}`) });
                assert.deepEqual(types.sort(), ["File:link.txt", "File:real.txt"]);
                await tar.x({ file: archive.path, cwd: out });
                assert.equal(readFileSync(join(out, "link.txt"), "utf8"), "data");
            } finally {
                await archive.dispose();
            }
        } finally {
            rmSync(dir, { recursive: true, force: true });
            rmSync(out, { recursive: true, force: true });
        }
    });

    it("notices a file that changed after it was hashed (what would make the archive differ from the manifest)", async () => {
        const dir = tree({ "a.txt": "one" });
        try {
            const scan = await scanSource(dir);
            await assertUnchanged(scan);
            writeFileSync(join(dir, "a.txt"), "one more");
            await assert.rejects(assertUnchanged(scan), /file 'a\.txt' changed while it was being published/);
            rmSync(join(dir, "a.txt"));
            await assert.rejects(assertUnchanged(scan), /'a\.txt' does not exist while it was being published/);
        } finally {
            rmSync(dir, { recursive: true, force: true });
        }
    });
});
