/**
 * Test harness of pulumi-volumes: install the packed package into a scratch project, run programs
 * under Pulumi mocks, and drive providers through the real dynamic-provider host with a mini engine.
 */
export * from "./engine";
export * from "./host";
export * from "./pack";
export * from "./program";
export { findRepoRoot, packageName, repoRequire } from "./repo";
export { deepEqual, type PropertyMap, type PropertyValue, unknownSentinel } from "./wire";
