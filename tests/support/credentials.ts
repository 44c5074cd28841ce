/**
 * Mocha hooks for a suite that calls a provider's `check` without an emulator: check fails at
 * preview when no credential is found, so the suite sets fake ones (not shaped like real tokens)
 * in the environment, and puts back what was there after.
 */
export function useFakeCredentials(
    vars: readonly string[] = ["FLY_API_TOKEN", "NEEVCLOUD_API_TOKEN", "AGENTBAY_API_KEY", "VM0_TOKEN"],
): void {
    const saved = new Map<string, string | undefined>();
    before(() => {
        for (const v of vars) {
            saved.set(v, process.env[v]);
            process.env[v] = "fake-test-credential";
        }
    });
    after(() => {
        for (const [v, was] of saved) {
            if (was === undefined) delete process.env[v];
            else process.env[v] = was;
        }
    });
}
