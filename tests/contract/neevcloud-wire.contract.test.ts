/**
 * The zod schemas in provider/neevcloud/wire.ts mirror the NeevCloud spec's
 * components: the same properties, acceptance of every value the spec allows,
 * and every field read with a compatible type. What the client sends has the
 * same required properties and refuses what the spec refuses; what it reads may
 * require less (only `id`) and take null or a new enum value, never more. A new
 * or renamed field on either side fails here. The emulator's responses are held
 * to the spec itself by neevcloud.contract.test.ts.
 */
import { strict as assert } from "node:assert";
import type { z } from "zod";
import * as wire from "../../provider/neevcloud/wire";
import { neevcloudSpec, type Schema } from "./openapi";
import { deref, elementOf, invalidValues, sample, shapeOf } from "./zodMirror";

const { doc, spec } = neevcloudSpec();

describe("neevcloud contract: provider/neevcloud/wire.ts mirrors the spec's components", () => {
    const createShape = shapeOf(wire.wireCreateRequest);
    const mirrors: { name: string; component: string; zod: z.ZodType; sent: boolean }[] = [
        { name: "NetworkVolumeResponse", component: "NetworkVolumeResponse", zod: wire.wireNetworkVolume, sent: false },
        { name: "AttachedTo", component: "AttachedTo", zod: wire.wireAttachedTo, sent: false },
        { name: "VolumeAttachmentResponse", component: "VolumeAttachmentResponse", zod: wire.wireVolumeAttachment, sent: false },
        { name: "ListNetworkVolumesPagination", component: "ListNetworkVolumesPagination", zod: wire.wirePagination, sent: false },
        { name: "ListNetworkVolumesResponse", component: "ListNetworkVolumesResponse", zod: wire.wireListResponse, sent: false },
        { name: "ErrorResponse", component: "ErrorResponse", zod: wire.wireErrorResponse, sent: false },
        { name: "NetworkVolumeRequest", component: "NetworkVolumeRequest", zod: wire.wireCreateRequest, sent: true },
        {
            name: "NetworkVolumeRequest.attachedTo[]",
            component: "AttachedTo",
            zod: elementOf(createShape["attachedTo"] as z.ZodType),
            sent: true,
        },
        { name: "ExtendNetworkVolumeRequest", component: "ExtendNetworkVolumeRequest", zod: wire.wireExtendRequest, sent: true },
    ];
    /** Spec rules the client's wire schemas knowingly leave to other layers (none today). */
    const knownLenient = new Set<string>();

    const component = (name: string): Schema => {
        const c = doc.components.schemas[name];
        if (!c) throw new Error(`no component ${name}`);
        return c;
    };
    const props = (name: string): Record<string, Schema> => (component(name)["properties"] ?? {}) as Record<string, Schema>;

    it("every component of the spec has a mirror", () => {
        assert.deepEqual([...new Set(mirrors.map((m) => m.component))].sort(), Object.keys(doc.components.schemas).sort());
    });

    for (const m of mirrors) {
        const requiredRule = m.sent ? "the same required ones" : "none required that the spec leaves optional";
        it(`${m.name}: the same properties, and ${requiredRule}`, () => {
            const shape = shapeOf(m.zod);
            assert.deepEqual(Object.keys(shape).sort(), Object.keys(props(m.component)).sort(), "properties");
            const required = Object.entries(shape)
                .filter(([, t]) => !t.safeParse(undefined).success)
                .map(([k]) => k)
                .sort();
            const specRequired = [...((component(m.component)["required"] ?? []) as string[])].sort();
            if (m.sent) {
                assert.deepEqual(required, specRequired, "required properties");
            } else {
                // Responses are read leniently on purpose (a 2xx create must keep its id when
                // `planID` is null): a read schema may require less than the spec, never more.
                assert.deepEqual(
                    required.filter((k) => !specRequired.includes(k)),
                    [],
                    "required by the reader but optional in the spec",
                );
            }
        });

        if (!m.sent) {
            it(`${m.name}: reads every spec field, with a type compatible with the spec's`, () => {
                const full = sample(doc, { $ref: `#/components/schemas/${m.component}` }, "full") as Record<string, unknown>;
                const parsed = m.zod.safeParse(full);
                assert.ok(parsed.success);
                const read = parsed.data as Record<string, unknown>;
                const wrongType = ["not a string", "a string", "not an array"];
                for (const [key, schema] of Object.entries(props(m.component))) {
                    assert.deepEqual(read[key], full[key], `${key} is read as sent`);
                    for (const { value, why } of invalidValues(doc, schema, false)) {
                        if (!wrongType.includes(why)) continue;
                        assert.ok(
                            !m.zod.safeParse({ ...full, [key]: value }).success,
                            `${key}: ${why} (${JSON.stringify(value)}) accepted`,
                        );
                    }
                }
            });
        }

        it(`${m.name}: accepts what the spec allows (every property, only the required ones, every enum value)`, () => {
            const ref = { $ref: `#/components/schemas/${m.component}` };
            for (const mode of ["full", "minimal"] as const) {
                const value = sample(doc, ref, mode);
                assert.ok(spec.component(m.component)(value), `the ${mode} sample is itself valid`);
                const parsed = m.zod.safeParse(value);
                assert.ok(parsed.success, `${mode} sample ${JSON.stringify(value)} refused: ${parsed.success ? "" : parsed.error.message}`);
            }
            const full = sample(doc, ref, "full") as Record<string, unknown>;
            for (const [key, schema] of Object.entries(props(m.component))) {
                for (const value of (deref(doc, schema)["enum"] ?? []) as unknown[]) {
                    assert.ok(m.zod.safeParse({ ...full, [key]: value }).success, `${key}: ${JSON.stringify(value)} refused`);
                }
            }
        });

        if (m.sent) {
            it(`${m.name}: refuses what the spec refuses, so an invalid request never reaches the wire`, () => {
                const full = sample(doc, { $ref: `#/components/schemas/${m.component}` }, "full") as Record<string, unknown>;
                const accepted: string[] = [];
                for (const key of (component(m.component)["required"] ?? []) as string[]) {
                    const { [key]: _dropped, ...rest } = full;
                    if (m.zod.safeParse(rest).success) accepted.push(`${m.name}.${key}: missing`);
                }
                for (const [key, schema] of Object.entries(props(m.component))) {
                    for (const { value, why } of invalidValues(doc, schema, true)) {
                        if (m.zod.safeParse({ ...full, [key]: value }).success) accepted.push(`${m.name}.${key}: ${why}`);
                    }
                }
                if (m.zod.safeParse({ ...full, sizeGb: 1 }).success) accepted.push(`${m.name}: an undeclared property`);
                assert.deepEqual(
                    accepted.filter((a) => !knownLenient.has(a)),
                    [],
                    "spec-invalid values the zod schema accepts",
                );
            });
        }
    }
});
