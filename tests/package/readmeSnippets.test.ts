import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import { findRepoRoot } from "../harness";
import { typeCheckInStockProject } from "./stockProject";

/** The ```ts blocks of a Markdown file, in order. */
export function typescriptSnippets(markdown: string): string[] {
    return [...markdown.matchAll(/^```ts\n([\s\S]*?)^```$/gm)].map((m) => m[1] ?? "");
}

describe("every TypeScript snippet of the README compiles against the packed package", function () {
    this.timeout(180_000);

    it("each ```ts block type-checks as a file of a stock `pulumi new typescript` project", async () => {
        const snippets = typescriptSnippets(fs.readFileSync(path.join(findRepoRoot(), "README.md"), "utf8"));
        assert.ok(snippets.length >= 4, `found ${snippets.length} snippets`);
        // Each is a module of its own (`export {}`), as it would be the program's index.ts.
        const files = Object.fromEntries(snippets.map((s, i) => [`snippet${i + 1}.ts`, `${s}\nexport {};\n`]));
        await typeCheckInStockProject("readme-snippets", files);
    });
});
