/**
 * A Pulumi program for tests/sdk/vm0Lookups.test.ts, run under mocks by tests/harness/program.ts:
 * looks a VM0 volume up by name (`test:name`), then by id, reads its versions and a download URL.
 */
import * as pulumi from "@pulumi/pulumi";
import { vm0 } from "../../sdk";

const cfg = new pulumi.Config("test");
const byName = vm0.getVolumeOutput({ name: cfg.require("name") });

export const volumeId = byName.id;
export const currentVersionId = byName.currentVersionId;
export const fileCount = byName.fileCount;
export const byIdName = byName.id.apply(async (id) => (await vm0.getVolume({ id })).name);
export const versionIds = vm0.getVolumeVersionsOutput({ id: byName.id }).versions.apply((vs) => vs.map((v) => v.id));
export const download = vm0.getVolumeDownloadUrlOutput({ id: byName.id });
const prefix = cfg.get("versionPrefix");
export const downloadOfPrefix = prefix ? vm0.getVolumeDownloadUrlOutput({ id: byName.id, versionId: prefix }) : undefined;
