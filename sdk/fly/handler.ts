import { serializedProvider } from "../core/provider";

/**
 * What Pulumi's provider host calls for a `fly.Volume`. Being this module's whole export, it is stored in
 * each resource's state as `require("pulumi-volumes/dist/sdk/fly/handler.js")` rather than as a copy of its code.
 * @internal
 */
export = serializedProvider("fly:Volume");
