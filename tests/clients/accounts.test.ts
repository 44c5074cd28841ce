import { strict as assert } from "node:assert";
import { startEmulator, type Emulator } from "../../emulator";
import { agentbayVolumeProvider } from "../../provider/agentbay/provider";
import { setStackConfig } from "../../provider/core/config";
import { releaseClaim } from "../../provider/core/ownership";
import { unknownValue } from "../../provider/core/unknown";
import { flyVolumeProvider } from "../../provider/fly/provider";
import { agentbay, fly } from "../../sdk";
import { present } from "../support/present";
import { rejection, useEmulator } from "./support";

/**
 * Two accounts of one cloud in one stack: the default keys point at one emulator, the account
 * `staging` (or `intl`) at a second one with another token. Each emulator accepts only its own
 * token, so a volume that lands in the right inventory was made with the right token and URL.
 */
describe("named accounts: each resource and lookup uses its own credentials and endpoint", function () {
    this.timeout(30_000);
    const { emu } = useEmulator({ fly: { timeToReadyMs: 0 }, agentbay: { allowlisted: true } });
    let other: Emulator;
    const envSaved = new Map<string, string | undefined>();
    const setEnv = (vars: Record<string, string | undefined>) => {
        for (const [k, v] of Object.entries(vars)) {
            if (!envSaved.has(k)) envSaved.set(k, process.env[k]);
            if (v === undefined) delete process.env[k];
            else process.env[k] = v;
        }
    };
    before(async () => {
        other = await startEmulator({
            token: "second-account-token-for-tests",
            knobs: { fly: { timeToReadyMs: 0 }, agentbay: { allowlisted: true } },
        });
    });
    beforeEach(() => other.reset());
    afterEach(() => {
        setStackConfig(undefined);
        for (const [k, v] of envSaved) {
            if (v === undefined) delete process.env[k];
            else process.env[k] = v;
        }
        envSaved.clear();
    });
    after(() => other.close());

    async function checked<I>(
        provider: { check(o: Record<string, unknown>, n: Record<string, unknown>): Promise<{ inputs: I; failures: unknown[] }> },
        news: Record<string, unknown>,
    ) {
        const { inputs, failures } = await provider.check({}, { ...news, __provider: "serialized-code" });
        assert.deepEqual(failures, []);
        return inputs;
    }

    it(
        "fly: `account` reads its token and URL from structured stack config " +
            "(a secret leaf as the host hands it); state holds only the name",
        async () => {
            setStackConfig({
                get: (key) =>
                    key === "fly:accounts"
                        ? {
                              staging: {
                                  // Pulumi's wire form of a secret inside a structured value.
                                  token: { "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", value: other.token },
                                  apiUrl: other.urls.fly,
                              },
                          }
                        : undefined,
            });
            const p = flyVolumeProvider;
            const mine = await p.create(await checked(p, { app: "web", region: "iad", sizeGb: 1, name: "main" }));
            const theirs = await p.create(
                await checked(p, { app: "web-staging", region: "iad", sizeGb: 1, name: "staged", account: "staging" }),
            );
            assert.deepEqual(
                emu()
                    .inventory()
                    .fly.map((v) => v.name),
                ["main"],
            );
            assert.deepEqual(
                other.inventory().fly.map((v) => v.name),
                ["staged"],
            );
            assert.equal(theirs.outs.account, "staging");
            assert.equal(mine.outs.account, undefined);
            const state = JSON.stringify(theirs);
            assert.ok(!state.includes(other.token) && !state.includes(emu().token), "no token in outputs");

            // Read and delete take the account from the stored outputs.
            const read = await p.read(theirs.id, theirs.outs);
            assert.equal(read.props.volumeId, theirs.outs.volumeId);
            assert.equal(read.props.account, "staging");
            await p.delete(theirs.id, theirs.outs);
            assert.ok(
                other.inventory().fly.every((v) => v.state !== "created"),
                "deleted in the second account",
            );
            assert.equal(present(emu().inventory().fly[0]).state, "created", "the default account's volume is untouched");
        },
    );

    it(
        "fly: a named account never falls back to the default token or " +
            "URL; check fails at preview naming the config path and the env var",
        async () => {
            const { failures } = await flyVolumeProvider.check(
                {},
                { app: "web", region: "iad", sizeGb: 1, name: "x", account: "staging-eu" },
            );
            assert.equal(failures.length, 1);
            assert.equal(present(failures[0]).property, "account");
            assert.match(
                present(failures[0]).reason,
                /^fly: no credential found for account 'staging-eu'\. Set it with `pulumi config set --secret --path 'fly:accounts\.staging-eu\.token' <value>` or the environment variable `FLY_API_TOKEN_STAGING_EU`\.$/,
            );
            assert.equal(emu().requests().length, 0);
        },
    );

    it(
        "a missing default credential fails check at preview, naming the " +
            "key and the env var; an account unknown at preview is no failure",
        async () => {
            setEnv({ FLY_API_TOKEN: undefined });
            const { failures } = await flyVolumeProvider.check({}, { app: "web", region: "iad", sizeGb: 1, name: "x" });
            assert.deepEqual(failures, [
                {
                    property: "",
                    reason:
                        "fly: no credential found. Set it with `pulumi config set --secret " +
                        "fly:token <value>` or the environment variable `FLY_API_TOKEN`.",
                },
            ]);
            const unknown = await flyVolumeProvider.check({}, { app: "web", region: "iad", sizeGb: 1, name: "x", account: unknownValue });
            assert.deepEqual(unknown.failures, []);
        },
    );

    it("a malformed account name is a CheckFailure on `account`", async () => {
        const { failures } = await flyVolumeProvider.check({}, { app: "web", region: "iad", sizeGb: 1, name: "x", account: "staging eu" });
        assert.deepEqual(
            failures.map((f) => f.property),
            ["account"],
        );
        assert.match(present(failures[0]).reason, /must be an account name/);
    });

    it("agentbay: the China and international endpoints side by side, the second from FOO_<ACCOUNT> environment variables", async () => {
        setEnv({ AGENTBAY_API_KEY_INTL: other.env.AGENTBAY_API_KEY, AGENTBAY_ENDPOINT_INTL: other.urls.agentbay });
        const p = agentbayVolumeProvider;
        const cn = await p.create(await checked(p, { imageId: "imgc-a", name: "cn" }));
        const intl = await p.create(await checked(p, { imageId: "imgc-a", name: "intl", account: "intl" }));
        assert.deepEqual(
            emu()
                .inventory()
                .agentbay.map((v) => v.VolumeName),
            ["cn"],
        );
        assert.deepEqual(
            other.inventory().agentbay.map((v) => v.VolumeName),
            ["intl"],
        );
        assert.equal(intl.outs.account, "intl");
        assert.equal(cn.outs.account, undefined);
        assert.ok(!JSON.stringify(intl).includes(present(other.env.AGENTBAY_API_KEY)));
    });

    it("a refused credential's advice names the account's keys (its config path, FOO_<ACCOUNT>), the default's its own", async () => {
        // Each emulator refuses the other's token: the account's token is refused by its own endpoint.
        setEnv({ FLY_API_TOKEN_STAGING: emu().token, FLY_API_URL_STAGING: other.urls.fly, AGENTBAY_API_KEY_INTL: emu().token });
        setEnv({ AGENTBAY_ENDPOINT_INTL: other.urls.agentbay });
        const p = flyVolumeProvider;
        const stagedInputs = await checked(p, { app: "web", region: "iad", sizeGb: 1, name: "s", account: "staging" });
        const staged = await rejection(p.create(stagedInputs));
        assert.match(staged.message, /401/);
        assert.match(staged.message, /`fly:accounts\.staging\.token` or FLY_API_TOKEN_STAGING\b/);
        assert.doesNotMatch(staged.message, /`fly:token`|FLY_API_TOKEN(?!_STAGING)/);

        const a = agentbayVolumeProvider;
        const intl = await rejection(a.create(await checked(a, { imageId: "imgc-a", name: "intl", account: "intl" })));
        assert.match(intl.message, /`agentbay:accounts\.intl\.apiKey` or AGENTBAY_API_KEY_INTL\b/);
        assert.match(intl.message, /`agentbay:accounts\.intl\.endpoint` or AGENTBAY_ENDPOINT_INTL\b/);
        assert.doesNotMatch(intl.message, /`agentbay:apiKey`|`agentbay:endpoint`/);

        // An account's malformed URL: the advice names that account's URL keys.
        setEnv({ FLY_API_URL_STAGING: "ftp://staging.example" });
        const badUrl = await rejection(p.create(stagedInputs));
        assert.match(badUrl.message, /`fly:accounts\.staging\.apiUrl` or FLY_API_URL_STAGING\b/);

        // The default account, refused the same way: today's advice, word for word.
        setEnv({ FLY_API_TOKEN: other.token });
        const main = await rejection(p.create(await checked(p, { app: "web", region: "iad", sizeGb: 1, name: "m" })));
        assert.match(main.message, /check the token in `fly:token` or FLY_API_TOKEN \(/);
    });

    it("import under a named account adopts that account's volume, and finds no volume of the default's", async () => {
        setEnv({ FLY_API_TOKEN_STAGING: other.token, FLY_API_URL_STAGING: other.urls.fly });
        const p = flyVolumeProvider;
        // A volume of each account, made elsewhere (their claims given up), both in app "shared".
        const theirs = await p.create(await checked(p, { app: "shared", region: "iad", sizeGb: 2, name: "old", account: "staging" }));
        const ours = await p.create(await checked(p, { app: "shared", region: "iad", sizeGb: 2, name: "old" }));
        for (const v of [theirs, ours]) releaseClaim("fly/shared", v.outs.volumeId);
        const postsBefore = other.requests().filter((r) => r.method === "POST").length;

        const adopted = await p.create(
            await checked(p, { app: "shared", region: "iad", sizeGb: 2, name: "old", account: "staging", importId: theirs.id }),
        );
        assert.equal(adopted.id, theirs.id);
        assert.equal(adopted.outs.account, "staging");
        assert.equal(other.requests().filter((r) => r.method === "POST").length, postsBefore, "nothing created");

        // The default account's volume id, imported under `staging`: that account cannot see it.
        const wrong = await rejection(
            p.create(await checked(p, { app: "shared", region: "iad", sizeGb: 2, name: "old", account: "staging", importId: ours.id })),
        );
        assert.match(wrong.message, new RegExp(`import shared/${ours.outs.volumeId}: there is no such volume under account 'staging'`));
        assert.deepEqual(
            other
                .inventory()
                .fly.map((v) => v.id)
                .sort(),
            [theirs.outs.volumeId],
        );
    });

    it("a new account for a tracked volume is stored without a request when it sees the volume, refused when it does not", async () => {
        const p = flyVolumeProvider;
        const made = await p.create(await checked(p, { app: "web", region: "iad", sizeGb: 1, name: "moving" }));
        // `renamed` has the same token and URL as the default: it sees the volume.
        setEnv({
            FLY_API_TOKEN_RENAMED: emu().token,
            FLY_API_URL_RENAMED: emu().urls.fly,
            FLY_API_TOKEN_ELSEWHERE: other.token,
            FLY_API_URL_ELSEWHERE: other.urls.fly,
        });
        const news = await checked(p, { app: "web", region: "iad", sizeGb: 1, name: "moving", account: "renamed" });
        assert.deepEqual(await p.diff(made.id, made.outs, news), { changes: true, replaces: [] });
        emu().clearRequests();
        const moved = await p.update(made.id, made.outs, news);
        assert.equal(moved.outs.account, "renamed");
        assert.deepEqual(
            emu()
                .requests()
                .map((r) => r.method),
            ["GET"],
            "one read, no change sent",
        );
        const err = await rejection(
            p.update(made.id, moved.outs, await checked(p, { app: "web", region: "iad", sizeGb: 1, name: "moving", account: "elsewhere" })),
        );
        assert.match(
            err.message,
            /cannot switch from account 'renamed' to account 'elsewhere': the volume is not visible with its credentials/,
        );
    });

    it("lookups take `account` too: fly.getVolumes lists the app of the named account", async () => {
        setEnv({ FLY_API_TOKEN_STAGING: other.token, FLY_API_URL_STAGING: other.urls.fly });
        const p = flyVolumeProvider;
        await p.create(await checked(p, { app: "web", region: "iad", sizeGb: 1, name: "main" }));
        await p.create(await checked(p, { app: "web", region: "iad", sizeGb: 1, name: "staged", account: "staging" }));
        const def = await fly.getVolumes({ app: "web" });
        const staging = await fly.getVolumes({ app: "web", account: "staging" });
        assert.deepEqual(
            def.volumes.map((v) => v.name),
            ["main"],
        );
        assert.deepEqual(
            staging.volumes.map((v) => v.name),
            ["staged"],
        );
        await assert.rejects(
            agentbay.getVolumes({ imageId: "imgc-a", account: "no such" }),
            /agentbay\.getVolumes: account "no such" is not an account name/,
        );
        await assert.rejects(
            agentbay.getVolumes({ imageId: "imgc-a", account: "nokey" }),
            /no credential found for account 'nokey'.*AGENTBAY_API_KEY_NOKEY/,
        );
    });
});
