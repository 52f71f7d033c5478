/**
 * The OpenAPI document is a valid OpenAPI 3.1 document (checked against the specification's
 * own JSON schema by @seriousme/openapi-schema-validator) and exact in form: every
 * operation has a unique operationId, a success response with a schema, the common error
 * shape by reference for every refusal, and the shared parameters defined once. The
 * committed copy the client is generated from (clients/typescript/openapi.json) is the
 * document the API serves.
 */
import { readFileSync } from 'node:fs';
import { Validator } from '@seriousme/openapi-schema-validator';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_OPENAPI_OUT, openApiDocument } from '../../scripts/openapi';

type Op = {
  operationId?: string;
  parameters?: Record<string, unknown>[];
  responses: Record<string, { content?: Record<string, { schema?: Record<string, unknown> }> }>;
};
let doc: {
  openapi: string;
  paths: Record<string, Record<string, Op>>;
  components: Record<string, Record<string, unknown>>;
};
let ops: { label: string; op: Op }[];

beforeAll(async () => {
  doc = (await openApiDocument()) as typeof doc;
  ops = Object.entries(doc.paths).flatMap(([p, item]) =>
    Object.entries(item).map(([m, op]) => ({ label: `${m.toUpperCase()} ${p}`, op })),
  );
}, 60_000);

describe('the OpenAPI document', () => {
  it('validates against the OpenAPI 3.1 specification', async () => {
    const validator = new Validator();
    const res = await validator.validate(structuredClone(doc));
    expect(res.errors ?? [], JSON.stringify(res.errors, null, 1)?.slice(0, 3000)).toEqual([]);
    expect(res.valid).toBe(true);
    expect(validator.version).toBe('3.1');
  });

  it('is the document the typed client is generated from', () => {
    expect(JSON.parse(readFileSync(DEFAULT_OPENAPI_OUT, 'utf8'))).toEqual(doc);
  });

  it('names every operation once', () => {
    const ids = ops.map((o) => o.op.operationId);
    expect(ops.filter((o) => !o.op.operationId).map((o) => o.label)).toEqual([]);
    expect(ids.filter((id, i) => ids.indexOf(id) !== i)).toEqual([]);
  });

  it('gives every operation a documented success with a schema or a content type', () => {
    const bad = ops.filter(({ op }) => {
      const ok = Object.entries(op.responses).filter(([st]) => /^[23]/.test(st));
      return (
        !ok.length ||
        ok.some(
          ([st, r]) =>
            st !== '204' && !st.startsWith('3') && !Object.values(r.content ?? {}).some((c) => c.schema),
        )
      );
    });
    expect(bad.map((o) => o.label)).toEqual([]);
  });

  it('refuses in the common error shape, by reference to one component', () => {
    expect(doc.components.schemas).toHaveProperty('ErrorResponse');
    const bad: string[] = [];
    for (const { label, op } of ops) {
      for (const status of ['400', '429']) if (!op.responses[status]) bad.push(`${label}: no ${status}`);
      for (const [status, r] of Object.entries(op.responses)) {
        if (!/^[45]/.test(status) || label === 'GET /readyz') continue;
        // A page for a browser may refuse in HTML only (an expired offer); JSON refusals are the common shape.
        if (r.content?.['text/html'] && !r.content['application/json']) continue;
        const schema = r.content?.['application/json']?.schema;
        if (schema?.$ref !== '#/components/schemas/ErrorResponse')
          bad.push(`${label} ${status}: ${JSON.stringify(schema)}`);
      }
    }
    expect(bad).toEqual([]);
  });

  it('documents 401 and 403 wherever a token is needed, 404 wherever a path names a resource', () => {
    const bad: string[] = [];
    for (const { label, op } of ops) {
      const secured = (op as { security?: unknown[] }).security?.length !== 0;
      if (secured && label.includes('/v1/') && !(op.responses['401'] && op.responses['403']))
        bad.push(`${label}: no 401/403`);
      if (label.includes('{') && !op.responses['404']) bad.push(`${label}: no 404`);
    }
    expect(bad).toEqual([]);
  });

  it('defines shared parameters once and refers to them', () => {
    const params = doc.components.parameters ?? {};
    for (const name of ['IdPath', 'LimitQuery', 'CursorQuery']) expect(params, name).toHaveProperty(name);
    const inline = new Map<string, number>();
    for (const { op } of ops) {
      for (const p of op.parameters ?? [])
        if (!('$ref' in p)) inline.set(JSON.stringify(p), (inline.get(JSON.stringify(p)) ?? 0) + 1);
    }
    expect([...inline].filter(([, n]) => n > 1).map(([p]) => p)).toEqual([]);
  });
});
