import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import { installPackedPackage } from "../harness";
import { typeCheckInStockProject } from "./stockProject";

/** A program using every class, `get`, every lookup in both forms, and the emulator library. */
const program = `import * as pulumi from "@pulumi/pulumi";
import { agentbay, fly, neevcloud, vm0 } from "pulumi-volumes";
import { startEmulator, type Emulator } from "pulumi-volumes/emulator";

const data = new fly.Volume("data", {
    app: "my-app", region: "iad", sizeGb: 10, compute: { cpuKind: "shared" }, timeouts: { create: 600 },
});
const datasets = new neevcloud.NetworkVolume("datasets", {
    regionId: "in-bom-1", sizeGb: 100, attachedTo: [{ instanceId: "i", instanceName: "n", instanceType: "t" }],
});
const session = new agentbay.Volume("session", { imageId: "imgc-0123456789", adoptExisting: false });
const inputs = new vm0.Volume("inputs", { source: new pulumi.asset.FileArchive("./inputs"), message: "m" });

const adopted: [fly.Volume, neevcloud.NetworkVolume, agentbay.Volume, vm0.Volume] = [
    fly.Volume.get("a", "my-app/vol_1"),
    neevcloud.NetworkVolume.get("b", "org/project/id"),
    agentbay.Volume.get("c", "imgc-1/vol-1"),
    vm0.Volume.get("d", "0b1c2d3e"),
];

async function lookups(): Promise<number> {
    const f: fly.GetVolumesResult = await fly.getVolumes({ app: "my-app", includeDeleted: true });
    const n: neevcloud.GetNetworkVolumesResult = await neevcloud.getNetworkVolumes({ available: true });
    const a: agentbay.GetVolumesResult = await agentbay.getVolumes({ imageId: "imgc-1", name: "x" });
    const v: vm0.GetVolumeResult = await vm0.getVolume({ name: "inputs" });
    const byId: vm0.GetVolumeResult = await vm0.getVolume({ id: v.id });
    const versions: vm0.VolumeVersion[] = (await vm0.getVolumeVersions({ id: byId.id })).versions;
    const url: string = (await vm0.getVolumeDownloadUrl({ id: v.id, versionId: versions[0]?.id })).url;
    const attachment: neevcloud.VolumeAttachment | undefined = n.volumes[0]?.volumeAttachments?.[0];
    const zone: string | undefined = f.volumes[0]?.zone;
    return f.volumes.length + n.volumes.length + a.volumes.length + url.length + (attachment?.mountPath ?? zone ?? "").length;
}

const outputs = {
    flyVolumes: fly.getVolumesOutput({ app: data.app }),
    neevVolumes: neevcloud.getNetworkVolumesOutput({ projectId: datasets.projectId }),
    agentbayVolumes: agentbay.getVolumesOutput({ imageId: session.imageId }),
    vm0Volume: vm0.getVolumeOutput({ id: inputs.volumeId }),
    vm0Versions: vm0.getVolumeVersionsOutput({ id: inputs.volumeId }),
    download: vm0.getVolumeDownloadUrlOutput({ id: inputs.volumeId }),
};

async function emulator(): Promise<string> {
    const emu: Emulator = await startEmulator({ knobs: { fly: { timeToReadyMs: 50 } } });
    Object.assign(process.env, emu.env);
    emu.setFaults([{ cloud: "fly", method: "POST", loseResponse: true }]);
    const count = emu.inventory().fly.length + emu.requests().length;
    await emu.close();
    return emu.urls.vm0 + count;
}

export const flyVolumeId: pulumi.Output<string> = data.volumeId;
export const needsRestart: pulumi.Output<boolean | undefined> = data.needsRestart;
export const neevStatus: pulumi.Output<string> = datasets.status;
export const agentbayVolumeId: pulumi.Output<string> = session.volumeId;
export const vm0VersionId: pulumi.Output<string | undefined> = inputs.currentVersionId;
export const adoptedIds = adopted.map((r) => r.id);
export const looked = pulumi.output(lookups());
export const emulated = pulumi.output(emulator());
export const listed = outputs;
`;

describe("the packed package type-checks in a stock `pulumi new typescript` project (no skipLibCheck)", function () {
    this.timeout(180_000);

    it("a program using all four clouds, get, every lookup and pulumi-volumes/emulator compiles", async () => {
        const started = Date.now();
        await typeCheckInStockProject("stock-tsc", { "index.ts": program });
        console.log(`      stock tsconfig type check: ${((Date.now() - started) / 1000).toFixed(1)}s (pack included if first)`);
    });

    it("control: a declaration that reaches zod fails this check (the errors the issue saw)", async () => {
        const internal =
            'import type { NetworkVolumeInputs } from "pulumi-volumes/dist/provider/neevcloud/schema";\n' +
            "export let x: NetworkVolumeInputs | undefined;\n";
        await assert.rejects(typeCheckInStockProject("stock-tsc-control", { "index.ts": internal }), /node_modules\/zod\/.*error TS/);
    });

    it("the public declarations reach no zod, undici or provider module", async () => {
        const scratch = await installPackedPackage();
        const offenders: string[] = [];
        const walk = (dir: string): void => {
            for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
                const p = path.join(dir, e.name);
                if (e.isDirectory()) walk(p);
                else if (p.endsWith(".d.ts") && /from "(zod|undici)"|provider\//.test(fs.readFileSync(p, "utf8"))) offenders.push(p);
            }
        };
        walk(path.join(scratch.packageDir, "dist", "sdk"));
        assert.deepEqual(offenders, []);
    });
});
