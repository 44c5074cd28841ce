import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

/**
 * A tiny package `fixture-provider` standing in for the real providers: an in-memory-style
 * `ResourceProvider` whose "cloud" is a JSON file named by `FIXTURE_STORE`, so the test can look
 * at (and tamper with) what exists, across host processes.
 */
export const fixtureIndex = String.raw`
"use strict";
const fs = require("fs");
function load() {
    try { return JSON.parse(fs.readFileSync(process.env.FIXTURE_STORE, "utf8")); }
    catch { return { next: 1, items: {}, log: [] }; }
}
function save(s) { fs.writeFileSync(process.env.FIXTURE_STORE, JSON.stringify(s)); }
let token;
const provider = {
    async configure(req) {
        token = req.config.get("fixture:token");
        const s = load(); s.log.push("configure"); save(s);
    },
    async check(olds, news) {
        const failures = [];
        if (typeof news.size !== "number" || news.size < 1) {
            failures.push({ property: "size", reason: "size must be at least 1, got " + news.size });
        }
        return { inputs: news, failures };
    },
    async diff(id, olds, news) {
        const replaces = olds.name !== news.name ? ["name"] : [];
        return { changes: replaces.length > 0 || olds.size !== news.size, replaces, deleteBeforeReplace: news.dbr === true };
    },
    async create(inputs) {
        if (inputs.delayMs) await new Promise((r) => setTimeout(r, inputs.delayMs));
        const s = load();
        const id = "item-" + s.next++;
        s.items[id] = { name: inputs.name, size: inputs.size };
        s.log.push("create " + id + " " + inputs.name);
        save(s);
        if (inputs.failInit) {
            throw { message: "item " + id + " did not become ready", id, properties: { ...inputs, itemId: id }, reasons: ["not ready"] };
        }
        return { id, outs: { ...inputs, itemId: id, tokenSeen: token !== undefined } };
    },
    async read(id, props) {
        const item = load().items[id];
        if (!item) return { id: "", props: {} };
        return { id, props: { ...props, ...item, itemId: id } };
    },
    async update(id, olds, news) {
        const s = load();
        s.items[id].size = news.size;
        s.log.push("update " + id);
        save(s);
        return { outs: { ...news, itemId: id, tokenSeen: token !== undefined } };
    },
    async delete(id) {
        const s = load();
        delete s.items[id];
        s.log.push("delete " + id);
        save(s);
    },
};
module.exports = { provider };
`;

/**
 * The program: a provider object whose methods only do require("fixture-provider").provider.<m>(...),
 * one dynamic resource per entry of config "fixture:items", and an optional read of "fixture:getId".
 */
export const fixtureProgram = String.raw`
"use strict";
const pulumi = require("@pulumi/pulumi");
const provider = {
    configure: (req) => require("fixture-provider").provider.configure(req),
    check: (olds, news) => require("fixture-provider").provider.check(olds, news),
    diff: (id, olds, news) => require("fixture-provider").provider.diff(id, olds, news),
    create: (inputs) => require("fixture-provider").provider.create(inputs),
    read: (id, props) => require("fixture-provider").provider.read(id, props),
    update: (id, olds, news) => require("fixture-provider").provider.update(id, olds, news),
    delete: (id, props) => require("fixture-provider").provider.delete(id, props),
};
const config = new pulumi.Config("fixture");
const items = JSON.parse(config.get("items") || "[]");
const made = items.map((it) => new pulumi.dynamic.Resource(provider, it.resource, {
    name: it.name, size: it.size, failInit: !!it.failInit, dbr: !!it.dbr, delayMs: it.delayMs || 0,
}));
const getId = config.get("getId");
if (getId) new pulumi.dynamic.Resource(provider, "adopted", {}, { id: getId });
exports.count = made.length;
exports.firstId = made.length > 0 ? made[0].id : undefined;
exports.secretThing = pulumi.secret("s3cr3t");
exports.preview = pulumi.runtime.isDryRun();
`;

/** Shape of the fixture's JSON "cloud". */
export interface FixtureStore {
    next: number;
    items: Record<string, { name: string; size: number }>;
    log: string[];
}

/** Writes the fixture package as a packable repo (package.json with `files`, plus a file that must not ship). */
export function writeFixtureRepo(): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "fixture-provider-repo-"));
    fs.writeFileSync(
        path.join(dir, "package.json"),
        JSON.stringify(
            {
                name: "fixture-provider",
                version: "1.0.0",
                main: "index.js",
                files: ["index.js"],
                dependencies: {},
            },
            null,
            2,
        ),
    );
    fs.writeFileSync(path.join(dir, "index.js"), fixtureIndex);
    fs.writeFileSync(path.join(dir, "notes.txt"), "not shipped\n");
    return dir;
}

/** Reads the fixture's store (empty when it does not exist yet). */
export function readStore(file: string): FixtureStore {
    return fs.existsSync(file) ? (JSON.parse(fs.readFileSync(file, "utf8")) as FixtureStore) : { next: 1, items: {}, log: [] };
}
