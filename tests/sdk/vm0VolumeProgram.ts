/**
 * A Pulumi program for tests/sdk/vm0Volume.test.ts, run under mocks by tests/harness/program.ts:
 * two published volumes (the class's retainOnDelete default, and the program's own choice) and one
 * from a FileArchive of a relative path.
 */
import * as pulumi from "@pulumi/pulumi";
import { vm0 } from "../../sdk";

new vm0.Volume("kept", { source: "examples/vm0-data" });
new vm0.Volume("let-go", { source: "examples/vm0-data" }, { retainOnDelete: false });
new vm0.Volume("archived", { source: new pulumi.asset.FileArchive("examples/vm0-data") });
