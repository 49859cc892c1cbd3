/**
 * OpenAPI that a client generator can use (issue 12 item 5): walks /docs-json and fails on
 * an operation without a typed 2xx schema, on a success documented under the wrong status,
 * and on an error example whose statusCode is not the status it is filed under.
 */
import { LedgerHarness, startLedger } from '../support/ledger-app';

type Schema = { $ref?: string; type?: string; properties?: Record<string, unknown>; items?: Schema; allOf?: Schema[]; example?: unknown };
interface Operation {
  method: string;
  path: string;
  responses: Record<
    string,
    { content?: Record<string, { schema?: Schema; example?: unknown; examples?: Record<string, { value: unknown }> }> }
  >;
}

let h: LedgerHarness;
let doc: { paths: Record<string, Record<string, Operation>>; components: { schemas: Record<string, Schema> } };
let operations: Operation[];
beforeAll(async () => {
  h = await startLedger();
  doc = (await h.http.get('/docs-json')).body;
  operations = Object.entries(doc.paths).flatMap(([path, ops]) =>
    Object.entries(ops).map(([method, op]) => ({ ...op, method: method.toUpperCase(), path })),
  );
});
afterAll(() => h.close());

/** A schema a generator can make a type of: a named model, or a typed array/object/string. */
function typed(schema: Schema | undefined): boolean {
  if (!schema) return false;
  if (schema.$ref) {
    const target = doc.components.schemas[schema.$ref.replace('#/components/schemas/', '')];
    return target !== undefined && typeof target.properties === 'object' && Object.keys(target.properties).length > 0;
  }
  if (schema.allOf) return schema.allOf.some(typed);
  if (schema.type === 'array') return typed(schema.items);
  if (schema.type === 'object') return schema.properties !== undefined && Object.keys(schema.properties).length > 0;
  return schema.type === 'string';
}

const successes = (op: Operation) => Object.entries(op.responses).filter(([status]) => status.startsWith('2'));

it('documents the expected operations (feed and lists included)', () => {
  expect(operations.length).toBeGreaterThanOrEqual(60);
  const names = operations.map((o) => `${o.method} ${o.path}`);
  for (const op of [
    'GET /feed',
    'GET /feed/stream',
    'GET /institutions',
    'GET /institutions/{code}/settlements',
    'GET /persons/{personId}/settlements',
    'GET /monitoring/alerts',
  ])
    expect(names).toContain(op);
});

it('every operation has a typed 2xx response schema', () => {
  const untyped = operations
    .filter((op) => !successes(op).some(([, r]) => Object.values(r.content ?? {}).some((c) => typed(c.schema))))
    .map((op) => `${op.method} ${op.path}`);
  expect(untyped).toEqual([]);
});

it('a read answers 200 and documents no 201; a write documents exactly one success status', () => {
  const wrong = operations.filter((op) => {
    const codes = successes(op).map(([s]) => s);
    return (op.method === 'GET' && codes.some((c) => c !== '200')) || codes.length !== 1;
  });
  expect(
    wrong.map(
      (op) =>
        `${op.method} ${op.path}: ${successes(op)
          .map(([s]) => s)
          .join(',')}`,
    ),
  ).toEqual([]);
});

it('every error example carries the status it is filed under', () => {
  const misfiled: string[] = [];
  for (const op of operations) {
    for (const [status, response] of Object.entries(op.responses)) {
      if (!/^[45]/.test(status)) continue;
      for (const content of Object.values(response.content ?? {})) {
        const examples = [content.example, content.schema?.example, ...Object.values(content.examples ?? {}).map((e) => e.value)].filter(
          (e) => e !== undefined,
        ) as Array<{ statusCode?: number }>;
        for (const e of examples)
          if (e.statusCode !== Number(status)) misfiled.push(`${op.method} ${op.path} ${status}: example has ${e.statusCode}`);
      }
    }
  }
  expect(misfiled).toEqual([]);
});

it('every operation taking input documents a 400 with the field-and-rule shape', () => {
  const takesInput = (op: Operation & { parameters?: unknown[]; requestBody?: unknown }) =>
    (op.parameters?.length ?? 0) > 0 || op.requestBody !== undefined;
  const missing = operations
    .filter((op) => takesInput(op as never) && !op.responses['400']?.content)
    .map((op) => `${op.method} ${op.path}`);
  expect(missing).toEqual([]);
});
