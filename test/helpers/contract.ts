/**
 * Checks answers against the OpenAPI document the API serves: the status must be one the
 * operation documents, and the body must match the schema documented for that status and
 * content type (ajv, JSON Schema 2020-12 as OpenAPI 3.1 uses it). Never a 5xx.
 */
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import type { ValidateFunction } from 'ajv';

export type OpenApiDoc = {
  paths: Record<string, Record<string, OpenApiOperation>>;
  components: Record<string, Record<string, unknown>>;
};
export type OpenApiOperation = {
  operationId: string;
  parameters?: ({ $ref: string } | OpenApiParameter)[];
  requestBody?: { content: Record<string, { schema: Record<string, unknown> }> };
  responses: Record<string, { content?: Record<string, { schema: Record<string, unknown> }> }>;
  security?: unknown[];
};
export type OpenApiParameter = { name: string; in: 'path' | 'query' | 'header'; required?: boolean; schema: Record<string, unknown> };

export interface Answer {
  statusCode: number;
  headers: Record<string, unknown>;
  body: string;
}

/** `/v1/jobs/:id` (Fastify) -> `/v1/jobs/{id}` (OpenAPI). */
export const openApiPath = (route: string) => route.replace(/:(\w+)/g, '{$1}');

export class ContractChecker {
  private readonly ajv: Ajv2020;
  private readonly compiled = new Map<object, ValidateFunction>();

  constructor(readonly doc: OpenApiDoc) {
    this.ajv = new Ajv2020({ strict: false, allErrors: false, validateFormats: true });
    addFormats(this.ajv);
    this.ajv.addFormat('binary', true);
    this.ajv.addSchema({ $id: 'doc', components: doc.components });
  }

  operation(method: string, route: string): OpenApiOperation {
    const op = this.doc.paths[openApiPath(route)]?.[method.toLowerCase()];
    if (!op) throw new Error(`${method} ${route} is not in the OpenAPI document`);
    return op;
  }

  /** The parameters of an operation, references resolved. */
  parameters(op: OpenApiOperation): OpenApiParameter[] {
    return (op.parameters ?? []).map((p) => ('$ref' in p ? (this.resolve(p.$ref) as OpenApiParameter) : p));
  }

  resolve(ref: string): unknown {
    return ref
      .replace(/^#\//, '')
      .split('/')
      .reduce<unknown>((o, k) => (o as Record<string, unknown>)[k], this.doc);
  }

  /** The problems of an answer under the contract, or [] when it keeps it. */
  problems(method: string, route: string, res: Answer): string[] {
    const op = this.operation(method, route);
    const what = `${method} ${route} -> ${res.statusCode}`;
    if (res.statusCode >= 500) return [`${what}: a server error: ${res.body.slice(0, 300)}`];
    const documented = op.responses[String(res.statusCode)] ?? op.responses.default;
    if (!documented) return [`${what}: status not documented (documented: ${Object.keys(op.responses).join(', ')}): ${res.body.slice(0, 300)}`];
    if (!res.body.length && (res.statusCode === 204 || (res.statusCode >= 300 && res.statusCode < 400))) return [];
    const header = res.headers['content-type'];
    const type = (typeof header === 'string' ? header : '').split(';')[0]!.trim();
    const content = documented.content ?? {};
    const entry = content[type];
    if (!entry) return [`${what}: content type ${type || '(none)'} not documented (documented: ${Object.keys(content).join(', ') || 'none'})`];
    if (!type.includes('json')) return [];
    let body: unknown;
    try {
      body = JSON.parse(res.body);
    } catch {
      return [`${what}: not JSON: ${res.body.slice(0, 200)}`];
    }
    const validate = this.validator(entry.schema);
    if (validate(body)) return [];
    return [`${what}: body breaks its schema: ${this.ajv.errorsText(validate.errors)}; body ${res.body.slice(0, 400)}`];
  }

  private validator(schema: Record<string, unknown>): ValidateFunction {
    let v = this.compiled.get(schema);
    if (!v) {
      // References point into the document: `#/components/...` becomes `doc#/components/...`.
      const rebased = JSON.parse(JSON.stringify(schema).replace(/"#\/components\//g, '"doc#/components/')) as object;
      v = this.ajv.compile(rebased);
      this.compiled.set(schema, v);
    }
    return v;
  }
}
