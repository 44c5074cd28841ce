/**
 * An OpenAPI 3.0 document as a validator of captured HTTP exchanges, with ajv.
 *
 * OpenAPI 3.0 schemas are a JSON Schema dialect: components are registered
 * under their own ids (`#/components/schemas/X` refs rewritten to point at
 * them), `nullable` and draft-04 boolean `exclusiveMinimum`/`exclusiveMaximum`
 * are translated, annotation-only keywords (`example`, `xml`, …) dropped, and
 * `format`s come from ajv-formats.
 *
 * "Closed" mode (the default) adds `additionalProperties: false` to every object
 * schema that lists properties: stricter than the spec, which allows extra
 * fields, but an extra field from our own code is almost always a typo of a
 * declared one (`sizeGb` for `sizeGB`), which is the drift we want to catch.
 */
import { existsSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import Ajv, { type ErrorObject, type ValidateFunction } from "ajv";
import addFormats from "ajv-formats";
import type { Exchange } from "./capture";

/** A JSON Schema / OpenAPI schema object, loosely typed. */
export type Schema = Record<string, unknown>;

interface Parameter {
    readonly in: "path" | "query" | "header" | "cookie";
    readonly name: string;
    readonly required?: boolean;
    readonly schema?: Schema;
}

interface MediaType {
    readonly schema?: Schema;
}

interface Operation {
    readonly operationId?: string;
    readonly parameters?: Parameter[];
    readonly requestBody?: { readonly required?: boolean; readonly content?: Record<string, MediaType> };
    readonly responses: Record<string, { readonly content?: Record<string, MediaType> }>;
}

/** The parts of an OpenAPI 3.0 document the validator reads. */
export interface OpenApiDocument {
    readonly openapi: string;
    readonly servers?: { readonly url: string }[];
    readonly paths: Record<string, Record<string, Operation>>;
    readonly components: { readonly schemas: Record<string, Schema> };
}

/** A spec operation an exchange matched. */
export interface MatchedOperation {
    readonly id: string;
    readonly method: string;
    readonly template: string;
    readonly operation: Operation;
    readonly pathParams: Record<string, string>;
}

const methods = ["get", "put", "post", "delete", "patch", "head", "options"];
/** Keywords OpenAPI 3.0 has and JSON Schema does not (annotations only; dropped). */
const openapiOnly = ["example", "xml", "externalDocs", "discriminator"];
const schemaId = "https://openapi.invalid/components/schemas/";

/** Load a JSON file that lives beside this test's source (`tests/contract/`), from the source tree or a build under it. */
export function loadContractFile(file: string): unknown {
    const starts = [__dirname, process.cwd()];
    for (const start of starts) {
        for (let dir = resolve(start); ; dir = dirname(dir)) {
            for (const candidate of [join(dir, file), join(dir, "tests", "contract", file)]) {
                if (existsSync(candidate)) return JSON.parse(readFileSync(candidate, "utf8"));
            }
            if (dirname(dir) === dir) break;
        }
    }
    throw new Error(`contract test: cannot find tests/contract/${file} above ${starts.join(" or ")}`);
}

/** An OpenAPI 3.0 schema → JSON Schema (draft-07) for ajv. */
export function toJsonSchema(schema: unknown, closed: boolean): unknown {
    if (Array.isArray(schema)) return schema.map((s) => toJsonSchema(s, closed));
    if (schema === null || typeof schema !== "object") return schema;
    const out: Schema = {};
    for (const [key, value] of Object.entries(schema as Schema)) {
        if (openapiOnly.includes(key) || key === "nullable") continue;
        if (key === "$ref" && typeof value === "string") {
            const m = /^#\/components\/schemas\/(.+)$/.exec(value);
            if (!m) throw new Error(`contract test: unsupported $ref ${value}`);
            out[key] = schemaId + m[1];
        } else if (key === "properties" && value && typeof value === "object") {
            out[key] = Object.fromEntries(Object.entries(value as Schema).map(([k, v]) => [k, toJsonSchema(v, closed)]));
        } else {
            out[key] = toJsonSchema(value, closed);
        }
    }
    const s = schema as Schema;
    if (s["nullable"] === true && typeof s["type"] === "string") out["type"] = [s["type"], "null"];
    for (const [flag, bound] of [
        ["exclusiveMinimum", "minimum"],
        ["exclusiveMaximum", "maximum"],
    ] as const) {
        if (typeof s[flag] === "boolean") {
            delete out[flag];
            if (s[flag] === true && typeof s[bound] === "number") {
                out[flag] = s[bound];
                delete out[bound];
            }
        }
    }
    if (closed && out["properties"] !== undefined && out["additionalProperties"] === undefined) out["additionalProperties"] = false;
    return out;
}

/** ajv errors as readable lines: `/volumes/0/sizeGB must be integer`. */
export function formatErrors(errors: readonly ErrorObject[] | null | undefined): string[] {
    return (errors ?? []).map((e) => {
        const extra =
            e.keyword === "additionalProperties" ? ` (${String((e.params as { additionalProperty?: string }).additionalProperty)})` : "";
        const allowed = e.keyword === "enum" ? ` (${JSON.stringify((e.params as { allowedValues?: unknown }).allowedValues)})` : "";
        return `${e.instancePath || "(root)"} ${e.message ?? e.keyword}${extra}${allowed}`;
    });
}

/** Validates exchanges against one OpenAPI document. */
export class SpecValidator {
    private readonly ajv: Ajv;
    /** For query and path parameters, which arrive as strings. */
    private readonly coercing: Ajv;
    private readonly routes: { method: string; template: string; regex: RegExp; names: string[]; operation: Operation }[] = [];
    /** The server URL's path (`/storage`): requests must start with it. */
    readonly basePath: string;

    constructor(
        readonly doc: OpenApiDocument,
        readonly closed = true,
    ) {
        this.ajv = addFormats(new Ajv({ allErrors: true, strict: true }));
        this.coercing = addFormats(new Ajv({ allErrors: true, strict: true, coerceTypes: true }));
        for (const [name, schema] of Object.entries(doc.components.schemas)) {
            const converted = { ...(toJsonSchema(schema, closed) as Schema), $id: schemaId + name };
            this.ajv.addSchema(converted);
            this.coercing.addSchema(converted);
        }
        this.basePath = doc.servers?.[0] ? new URL(doc.servers[0].url).pathname.replace(/\/+$/, "") : "";
        for (const [template, item] of Object.entries(doc.paths)) {
            const names: string[] = [];
            const pattern = template.replace(/[.*+?^$()|[\]\\]/g, "\\$&").replace(/\{([^}]+)\}/g, (_m, name: string) => {
                names.push(name);
                return "([^/]+)";
            });
            for (const method of methods) {
                const operation = item[method];
                if (operation)
                    this.routes.push({ method: method.toUpperCase(), template, regex: new RegExp(`^${pattern}$`), names, operation });
            }
        }
    }

    /** Every operation as `<operationId>`, with its declared response statuses. */
    operations(): { id: string; statuses: string[] }[] {
        return this.routes.map((r) => ({
            id: r.operation.operationId ?? `${r.method} ${r.template}`,
            statuses: Object.keys(r.operation.responses),
        }));
    }

    /** A component schema, compiled. */
    component(name: string): ValidateFunction {
        const v = this.ajv.getSchema(schemaId + name);
        if (!v) throw new Error(`contract test: no component ${name}`);
        return v;
    }

    /** The operation a method and URL path belong to (the path includes the server's base path). */
    match(method: string, path: string): MatchedOperation | undefined {
        if (!path.startsWith(this.basePath)) return undefined;
        const rest = path.slice(this.basePath.length);
        for (const r of this.routes) {
            if (r.method !== method.toUpperCase()) continue;
            const m = r.regex.exec(rest);
            if (!m) continue;
            const pathParams = Object.fromEntries(r.names.map((n, i) => [n, decodeURIComponent(m[i + 1] as string)]));
            return {
                id: r.operation.operationId ?? `${r.method} ${r.template}`,
                method: r.method,
                template: r.template,
                operation: r.operation,
                pathParams,
            };
        }
        return undefined;
    }

    /** Problems with the request of an exchange (empty when it conforms). */
    requestProblems(ex: Exchange): string[] {
        const op = this.match(ex.method, ex.path);
        if (!op) return [`${ex.method} ${ex.path} is not an operation of the spec`];
        const problems: string[] = [];
        const params = op.operation.parameters ?? [];
        problems.push(...this.parameterProblems(params, "path", op.pathParams));
        problems.push(...this.parameterProblems(params, "query", ex.query));
        if (ex.authScheme !== "Bearer") problems.push(`security: expected Authorization: Bearer, got ${ex.authScheme}`);
        const body = op.operation.requestBody;
        if (!body) {
            if (ex.requestBody !== "") problems.push(`${op.id} takes no request body, got ${ex.requestBody.length} bytes`);
            return problems;
        }
        if (ex.requestBody === "") {
            if (body.required) problems.push(`${op.id} requires a request body`);
            return problems;
        }
        const media = mediaFor(body.content, ex.requestContentType);
        if (!media) return [...problems, `${op.id}: request content-type ${String(ex.requestContentType)} is not declared`];
        problems.push(...this.bodyProblems(media.schema, ex.requestBody, "request body"));
        return problems;
    }

    /** Problems with the response of an exchange (empty when it conforms). */
    responseProblems(ex: Exchange): string[] {
        const op = this.match(ex.method, ex.path);
        if (!op) return [`${ex.method} ${ex.path} is not an operation of the spec`];
        const declared = op.operation.responses[String(ex.status)] ?? op.operation.responses["default"];
        if (!declared)
            return [`${op.id} does not declare status ${ex.status} (declares ${Object.keys(op.operation.responses).join(", ")})`];
        if (!declared.content) {
            const problems: string[] = [];
            if (ex.responseBody !== "")
                problems.push(`${op.id} ${ex.status} declares no body, got ${JSON.stringify(ex.responseBody.slice(0, 200))}`);
            if (ex.responseContentType !== undefined)
                problems.push(`${op.id} ${ex.status} declares no body, got content-type ${ex.responseContentType}`);
            return problems;
        }
        const media = mediaFor(declared.content, ex.responseContentType);
        if (!media) return [`${op.id} ${ex.status}: response content-type ${String(ex.responseContentType)} is not declared`];
        return this.bodyProblems(media.schema, ex.responseBody, "response body");
    }

    /** Problems with a JSON text against a component by name (e.g. an error body off any route). */
    componentProblems(name: string, text: string): string[] {
        return this.bodyProblems({ $ref: `#/components/schemas/${name}` }, text, name);
    }

    private bodyProblems(schema: Schema | undefined, text: string, what: string): string[] {
        let value: unknown;
        try {
            value = JSON.parse(text);
        } catch {
            return [`${what} is not JSON: ${JSON.stringify(text.slice(0, 200))}`];
        }
        if (!schema) return [];
        const validate = this.ajv.compile(toJsonSchema(schema, this.closed) as Schema);
        return validate(value) ? [] : formatErrors(validate.errors).map((e) => `${what} ${e}`);
    }

    private parameterProblems(params: readonly Parameter[], where: "path" | "query", values: Record<string, string>): string[] {
        const declared = params.filter((p) => p.in === where);
        const schema = {
            type: "object",
            properties: Object.fromEntries(declared.map((p) => [p.name, toJsonSchema(p.schema ?? {}, this.closed)])),
            required: declared.filter((p) => p.required).map((p) => p.name),
            additionalProperties: false,
        };
        const validate = this.coercing.compile(schema);
        const copy = { ...values }; // coerceTypes rewrites in place
        return validate(copy) ? [] : formatErrors(validate.errors).map((e) => `${where} parameters ${e}`);
    }
}

function mediaFor(content: Record<string, MediaType> | undefined, contentType: string | undefined): MediaType | undefined {
    if (!content) return undefined;
    const type = (contentType ?? "").split(";")[0]?.trim().toLowerCase() ?? "";
    return content[type] ?? (type.endsWith("+json") ? content["application/json"] : undefined);
}

/**
 * Everything wrong with one exchange, as lines; empty when it conforms. A probe's
 * request is not held to the spec; a probe off the spec's routes must still get
 * an `ErrorResponse`. `requestIdHeader` is the emulator's own promise, not the spec's.
 */
export function exchangeProblems(spec: SpecValidator, ex: Exchange, requestIdHeader = true): string[] {
    const op = spec.match(ex.method, ex.path);
    const problems: string[] = [];
    if (op) {
        if (!ex.probe) problems.push(...spec.requestProblems(ex));
        problems.push(...spec.responseProblems(ex));
    } else if (!ex.probe) {
        problems.push(`${ex.method} ${ex.path} is not an operation of the spec`);
    } else {
        problems.push(...spec.componentProblems("ErrorResponse", ex.responseBody).map((e) => `off-spec route: ${e}`));
    }
    if (requestIdHeader && !ex.requestId) problems.push("emulator: no x-request-id header");
    return problems;
}

/** A readable report of every non-conforming exchange (with its bodies); empty when all conform. */
export function conformanceReport(spec: SpecValidator, exchanges: readonly Exchange[]): string[] {
    return exchanges.flatMap((ex) => {
        const problems = exchangeProblems(spec, ex);
        if (problems.length === 0) return [];
        const op = spec.match(ex.method, ex.path)?.id ?? "no operation";
        const query = new URLSearchParams(ex.query).toString();
        return [
            `#${ex.seq} ${ex.method} ${ex.path}${query ? `?${query}` : ""} → ${ex.status} (${op})${ex.probe ? " [probe]" : ""}`,
            ...problems.map((p) => `    ${p}`),
            ...(ex.requestBody ? [`    request:  ${ex.requestBody.slice(0, 400)}`] : []),
            `    response: ${ex.responseBody.slice(0, 600)}`,
        ];
    });
}

/** The NeevCloud spec (the verbatim copy in tests/contract/) and its validator. */
export function neevcloudSpec(): { doc: OpenApiDocument; spec: SpecValidator } {
    const doc = loadContractFile("neevcloud-network-volumes.openapi.json") as OpenApiDocument;
    return { doc, spec: new SpecValidator(doc) };
}
