// @ts-check
/**
 * The house rules a linter can keep, run by `npm test` (`npm run lint`).
 *
 * The walls between folders are `no-restricted-imports` patterns on the import string. Imports are
 * relative and normalized (one rule below refuses `a/../b`), so a pattern like `^\.\./fly/` from a
 * file in `provider/core/` names exactly one folder.
 */
import js from "@eslint/js";
import tseslint from "typescript-eslint";

const clouds = "(fly|neevcloud|agentbay|vm0)";

/** Imports every file is held to: paths say where they go, in one step. */
const normalized = {
    regex: "^(\\.\\.?/)*[^.].*/\\.\\.(/|$)",
    message: "Write the import path normalized (no `x/../y`): the folder walls are checked on it.",
};

/** `no-restricted-imports` for a folder: the shared patterns plus the folder's own walls. */
function walls(...patterns) {
    return { "@typescript-eslint/no-restricted-imports": ["error", { patterns: [normalized, ...patterns] }] };
}

/** What a cloud's `client.ts` and `wire.ts` must not know: Pulumi, and how the core assembles a resource. */
const assembly = "(provider|rules|check|session|timeouts|unknown|config|wait)";
const clientWalls = [
    { regex: "^@pulumi/", message: "A cloud's client and wire shapes know nothing of Pulumi." },
    {
        regex: `^\\.\\./core/${assembly}$`,
        message:
            "client.ts/wire.ts speak the cloud's HTTP API; the core's assembly " +
            "(provider, rules, check, session, timeouts, unknown, config, wait) is for rules.ts, session.ts and provider.ts.",
    },
    { regex: "^\\.\\./(\\.\\./)*(sdk|emulator|tests)(/|$)", message: "The provider never imports the SDK, the emulator or the tests." },
];

export default tseslint.config(
    { ignores: ["dist/**", "node_modules/**", ".scratch/**", "**/*.d.ts"] },
    {
        // The house width (prettier's printWidth) holds for strings and comments too: prettier
        // does not split them. A URL or a regex literal may run over.
        rules: { "max-len": ["error", { code: 140, tabWidth: 4, ignoreUrls: true, ignoreRegExpLiterals: true }] },
    },
    js.configs.recommended,
    ...tseslint.configs.recommended,
    {
        files: ["**/*.ts"],
        languageOptions: {
            parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
        },
        rules: {
            // Type-aware: a promise nobody awaits loses its error and outlives its deadline.
            "@typescript-eslint/no-floating-promises": "error",
            "@typescript-eslint/consistent-type-imports": ["error", { fixStyle: "inline-type-imports" }],
            "@typescript-eslint/no-import-type-side-effects": "error",
            // One naming style: constants are camelCase like every other variable (PascalCase for
            // schemas and classes held in a const). Destructured names keep their source's spelling.
            "@typescript-eslint/naming-convention": [
                "error",
                { selector: "variable", modifiers: ["destructured"], format: null },
                { selector: "variable", format: ["camelCase", "PascalCase"], leadingUnderscore: "allow", trailingUnderscore: "allow" },
            ],
            // A lazy `require` is how the package keeps Check/Diff and the serialized provider light:
            // allowed for exactly the modules loaded that way, by name.
            "@typescript-eslint/no-require-imports": [
                "error",
                { allow: ["^pulumi-volumes/provider$", `^\\./${clouds}/provider$`, "^tar$", "^undici$"] },
            ],
            "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_", caughtErrors: "none" }],
            ...walls(),
        },
    },
    {
        files: ["provider/core/**/*.ts"],
        rules: walls(
            { regex: `^\\.\\./${clouds}(/|$)`, message: "provider/core names no cloud: the cloud passes its rules and functions in." },
            { regex: "^\\.\\.(/index)?$", message: "provider/core does not import provider/index.ts (it loads the clouds)." },
            {
                regex: "^\\.\\./\\.\\./(sdk|emulator|tests)(/|$)",
                message: "provider/core never imports the SDK, the emulator or the tests.",
            },
            { regex: "^pulumi-volumes(/|$)", message: "provider/core never imports the package by name." },
        ),
    },
    {
        files: ["provider/**/*.ts"],
        ignores: ["provider/core/**"],
        rules: walls({
            regex: "^\\.\\./(\\.\\./)*(sdk|emulator|tests)(/|$)",
            message: "The provider never imports the SDK, the emulator or the tests.",
        }),
    },
    {
        // A cloud's wire shapes come first: nothing else of its folder.
        files: ["provider/*/wire.ts"],
        ignores: ["provider/core/**"],
        rules: walls(...clientWalls, {
            regex: "^\\./(schema|client|rules|session|provider)$",
            message: "wire.ts is the bottom of its folder (wire ← schema ← client ← rules ← session ← provider).",
        }),
    },
    {
        files: ["provider/*/client.ts"],
        ignores: ["provider/core/**"],
        rules: walls(...clientWalls, {
            regex: "^\\./(rules|session|provider)$",
            message: "client.ts sits below rules, session and provider (wire ← schema ← client ← rules ← session ← provider).",
        }),
    },
    {
        files: ["emulator/**/*.ts"],
        rules: walls({
            regex: "^(\\.\\./)+(provider|sdk|tests)(/|$)|^pulumi-volumes(/|$)",
            message: "The emulator is a test double of the clouds: it shares no code with the provider or the SDK.",
        }),
    },
    {
        // The SDK reaches the provider only for what a user's program needs at declaration time: a
        // cloud's schema (defaults, types), rules (the field table the classes' outputs follow) and
        // wire types, and core's config, errors, deadline and schema types, and account (a lookup's
        // `account` runs it with that account's credentials). The lookups also need a
        // session and the outputs mapping (`to…Outputs` in the cloud's provider.ts), in-process. No
        // client, transport or the core's assembly: the serialized provider reaches those only
        // through `require("pulumi-volumes/provider")` in the provider host.
        files: ["sdk/**/*.ts"],
        rules: walls(
            { regex: "^(\\.\\./)+(emulator|tests)(/|$)", message: "The SDK never imports the emulator or the tests." },
            {
                regex:
                    "^(\\.\\./)+provider/(?!core/(account|config|errors|deadline|schemas)$|" +
                    `${clouds}/(schema|rules|wire|session|provider)$)`,
                message:
                    "The SDK reaches provider/ only for core/{account,config,errors,deadline,schemas} " +
                    "and <cloud>/{schema,rules,wire,session,provider}.",
            },
        ),
    },
    {
        // The classes (not the lookups) and the serialized provider: no session, no cloud assembly.
        files: [
            "sdk/*/volume.ts",
            "sdk/*/networkVolume.ts",
            "sdk/core/provider.ts",
            "sdk/*/handler.ts",
            "sdk/core/props.ts",
            "sdk/core/types.ts",
            "sdk/*/index.ts",
            "sdk/index.ts",
        ],
        rules: walls(
            { regex: "^(\\.\\./)+(emulator|tests)(/|$)", message: "The SDK never imports the emulator or the tests." },
            {
                regex: `^(\\.\\./)+provider/(?!core/(errors|schemas)$|${clouds}/(schema|rules|wire)$)`,
                message:
                    "A resource class reaches provider/ only for a cloud's schema, rules and wire types (the lookups may use a session).",
            },
        ),
    },
    {
        files: ["sdk/core/provider.ts", "sdk/*/handler.ts"],
        rules: walls({
            regex: "^(\\.\\./)+(provider|emulator|tests)(/|$)",
            message: 'The serialized provider captures nothing: it reaches the package only through require("pulumi-volumes/provider").',
        }),
    },
    {
        files: ["**/*.mjs"],
        languageOptions: { globals: { process: "readonly", console: "readonly", URL: "readonly", setTimeout: "readonly" } },
    },
);
