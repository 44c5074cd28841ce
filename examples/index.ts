/**
 * The example stack: a Fly volume and a NeevCloud network volume, each beside the compute that
 * would mount it. Sizes and names come from stack config so the demo can grow and rename them:
 *
 *   pulumi config set flySizeGb 5        # grows the Fly volume in place
 *   pulumi config set flyVolumeName data2 # replaces it (a new name is a new volume)
 */
import * as pulumi from "@pulumi/pulumi";
import { fly, neevcloud } from "pulumi-volumes";

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
