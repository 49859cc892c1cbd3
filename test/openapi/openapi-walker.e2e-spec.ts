/**
 * OpenAPI that a client generator can use (issue 12 item 5): walks /docs-json and fails on
 * an operation without a typed 2xx schema, on a success documented under the wrong status,
 * on an error example whose statusCode is not the status it is filed under, and on two
 * classes documented under one schema name (the document keeps one of them for both).
 */
import { Logger } from '@nestjs/common';
import * as fs from 'node:fs';
import * as path from 'node:path';
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
/** What @nestjs/swagger logged as errors while it built the document. */
const documentErrors: string[] = [];
beforeAll(async () => {
  h = await startLedger();
  // The document is built at its first request; a class whose name another class already
  // took is logged ("Duplicate DTO detected") and documented as the first one.
  const logged = jest.spyOn(Logger, 'error').mockImplementation((message: unknown) => void documentErrors.push(String(message)));
  try {
    doc = (await h.http.get('/docs-json')).body;
  } finally {
    logged.mockRestore();
  }
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

it('builds the document without an error: every schema name is one class', () => {
  expect(documentErrors).toEqual([]);
});

it('no two documented classes share a name (the document would describe both as one; not every case is logged)', () => {
  const files = (fs.readdirSync(path.join(__dirname, '../../src'), { recursive: true }) as string[])
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.spec.ts'))
    .map((f) => fs.readFileSync(path.join(__dirname, '../../src', f), 'utf8'))
    .filter((text) => text.includes("from '@nestjs/swagger'"));
  const names = files.flatMap((text) => [...text.matchAll(/^(?:export )?(?:abstract )?class (\w+)/gm)].map((m) => m[1]));
  expect(names.filter((n, i) => names.indexOf(n) !== i)).toEqual([]);
});

/** The properties of a request body's or response's schema, through its $ref (or a property's allOf of one). */
function propertiesOf(schema: Schema | undefined): string[] {
  const ref = schema?.$ref ?? schema?.allOf?.[0]?.$ref;
  const target = ref ? doc.components.schemas[ref.replace('#/components/schemas/', '')] : schema;
  return Object.keys(target?.properties ?? {}).sort();
}
const bodyOf = (method: string, path: string) =>
  (doc.paths[path][method] as unknown as { requestBody: { content: Record<string, { schema: Schema }> } }).requestBody.content[
    'application/json'
  ].schema;
const okOf = (method: string, path: string, status: string) =>
  doc.paths[path][method].responses[status].content!['application/json'].schema!;
const modelOf = (schema: Schema): Schema => doc.components.schemas[schema.$ref!.replace('#/components/schemas/', '')];

it('documents each class that shared a name with another under its own schema', () => {
  // The family payment's body, not the settlement answer's `familyPayment` part.
  expect(propertiesOf(bodyOf('post', '/persons/{personId}/account/family-payments'))).toEqual(
    expect.arrayContaining(['beneficiaryId', 'paymentId', 'purpose']),
  );
  const settled = modelOf(okOf('post', '/persons/{personId}/visits', '201'));
  expect(propertiesOf(settled.properties!.familyPayment as Schema)).toEqual(['amount', 'holderId', 'paymentId']);
  // The read side's month totals, not the correction answer's institution part.
  expect(propertiesOf(okOf('get', '/read/institutions/{code}/months/{month}/totals', '200'))).toContain('result');
  const corrected = modelOf(okOf('post', '/corrections', '201'));
  expect(propertiesOf(corrected.properties!.institution as Schema)).toEqual(['code', 'events', 'month']);
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
