/**
 * The example stack: a Fly volume and a NeevCloud network volume, each beside the compute that
 * would mount it. Sizes and names come from stack config so the demo can grow and rename them:
 *
 *   pulumi config set flySizeGb 5        # grows the Fly volume in place
 *   pulumi config set flyVolumeName data2 # replaces it (a new name is a new volume)
 *
 * An Alibaba AgentBay volume, mounted where AgentBay mounts it: on a session (see below). And the
 * VM0 volume publishes `vm0-data/` (or `vm0Source`): a changed file is a new version.
 */
import * as pulumi from "@pulumi/pulumi";
import { agentbay, fly, neevcloud, vm0 } from "pulumi-volumes";

const config = new pulumi.Config();

const flyVolume = new fly.Volume("data", {
    app: config.get("flyApp") ?? "demo-app",
    region: config.get("flyRegion") ?? "iad",
    sizeGb: config.getNumber("flySizeGb") ?? 3,
    name: config.get("flyVolumeName") ?? "data",
    snapshotRetention: config.getNumber("flySnapshotRetention") ?? 5,
    timeouts: { create: 120, update: 120, delete: 120 },
});

const datasets = new neevcloud.NetworkVolume("datasets", {
    regionId: config.get("neevRegion") ?? "in-bom-1",
    sizeGb: config.getNumber("neevSizeGb") ?? 100,
    name: config.get("neevVolumeName") ?? "datasets",
    mountPath: "/mnt/datasets",
    timeouts: { create: 120, update: 120, delete: 120 },
});

/** What a Fly Machine's `mounts: [{ volume, path }]` would name. */
export const flyVolumeId = flyVolume.volumeId;
export const flyVolumeSize = flyVolume.sizeGb;
export const flyZone = flyVolume.zone;
export const neevVolumeId = datasets.volumeId;
export const neevVolumeStatus = datasets.status;
export const neevVolumeSize = datasets.sizeGb;

// AgentBay: a volume belongs to a custom image and is mounted when a session is created from it
// (`CreateMcpSession` with `VolumeId`, one volume per session). Creating it refuses a same-named
// volume it did not make; adopt one by id with the `import: "<imageId>/<volumeId>"` resource option.
const agentData = new agentbay.Volume("agent-data", {
    imageId: config.get("agentbayImageId") ?? "imgc-demo",
    name: config.get("agentbayVolumeName") ?? "agent-data",
    timeouts: { create: 120, delete: 120 },
});

/**
 * This package has no session resource: sessions are short-lived and made by the agent's code.
 * These are the `CreateMcpSession` parameters that mount the volume, built from its outputs, for
 * that code to send. Beware: the AgentBay TypeScript SDK (and Java) drops `volumeId` from
 * `CreateMcpSession` (its `createMcpSessionWithOptions` never copies it into the body); the Python
 * and Go SDKs send it. From TypeScript, send the action yourself or create the session from Python/Go.
 */
export const agentbaySessionParams = pulumi.all([agentData.imageId, agentData.volumeId]).apply(([imageId, volumeId]) => ({
    Action: "CreateMcpSession",
    ImageId: imageId,
    VolumeId: volumeId,
}));
export const agentbayVolumeId = agentData.volumeId;
export const agentbayVolumeStatus = agentData.status;

/** The agent's input files, published to VM0: a changed file publishes a new version; VM0 keeps the volume on destroy. */
const agentInputs = new vm0.Volume("agent-inputs", {
    source: config.get("vm0Source") ?? "vm0-data",
    message: "published by pulumi-volumes' example",
    timeouts: { create: 120, update: 120 },
});

/** What an agent or run would pin: the volume and its current version. */
export const vm0VolumeId = agentInputs.volumeId;
export const vm0VersionId = agentInputs.currentVersionId;
export const vm0FileCount = agentInputs.fileCount;
