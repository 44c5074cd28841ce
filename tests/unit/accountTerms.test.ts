import { strict as assert } from "node:assert";

import { inAccountTerms, withAccount } from "../../provider/core/account";
import { resolveSetting, setStackConfig } from "../../provider/core/config";
import { vm0Endpoint } from "../../provider/vm0/session";
import { vm0Remedy } from "../../provider/vm0/client";
import { neevcloudOrgIdSetting } from "../../provider/neevcloud/schema";
import { present } from "../support/present";

describe("a remedy in the terms of the operation's account", () => {
    before(() => {
        setStackConfig({ get: () => undefined });
        // The settings become known as they are read, as every operation reads them before a request.
        for (const s of [vm0Endpoint.token, vm0Endpoint.apiUrl, neevcloudOrgIdSetting]) resolveSetting(s);
    });
    after(() => setStackConfig(undefined));

    it("VM0's advice: the config path with --path, each environment variable with the account's suffix", () => {
        const advice = present(vm0Remedy(401, "invalid_api_key"));
        const staged = withAccount("eu-prod", () => inAccountTerms(advice));
        assert.match(staged, /`vm0:accounts\.eu-prod\.token` \(`pulumi config set --secret --path 'vm0:accounts\.eu-prod\.token' …`\)/);
        assert.match(staged, /`VM0_TOKEN_EU_PROD` or `VM0_API_KEY_EU_PROD`/);
        assert.doesNotMatch(staged, /`vm0:token`|VM0_TOKEN`|VM0_API_KEY`/);
        assert.equal(inAccountTerms(advice), advice, "the default account's advice is left as it is");
    });

    it("leaves what an account shares with the default alone (NeevCloud's org falls back), and words that only contain a key", () => {
        const text = "check `neevcloud:orgId` or NEEVCLOUD_ORG_ID; FLY_API_TOKEN_OLD and `vm0:tokens` are other names";
        assert.equal(
            withAccount("staging", () => inAccountTerms(text)),
            text,
        );
    });
});
