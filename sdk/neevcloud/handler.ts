import { serializedProvider } from "../core/provider";

/**
 * What Pulumi's provider host calls for a `neevcloud.NetworkVolume`. Being this module's whole export, it is stored in
 * each resource's state as `require("pulumi-volumes/dist/sdk/neevcloud/handler.js")` rather than as a copy of its code.
 * @internal
 */
export = serializedProvider("neevcloud:NetworkVolume");
