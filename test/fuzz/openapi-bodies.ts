/**
 * Bad request bodies for a POST endpoint, generated with fast-check from its OpenAPI
 * request schema. Every generated body is invalid by construction (a required field
 * missing, a value of the wrong type, out of range, too long, too deep, an unknown or
 * prototype key, a key given twice, or not an object at all), so the only right answers are 4xx.
 */
import fc from 'fast-check';

export interface Schema {
  type?: string;
  $ref?: string;
  allOf?: Schema[];
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  enum?: unknown[];
  example?: unknown;
}
export type Components = Record<string, Schema>;

/** A body as raw text with its content type: JSON text is sent byte for byte. */
export interface BadBody {
  kind: string;
  raw: string;
  contentType: string;
}

export function resolve(schema: Schema, components: Components): Schema {
  const ref = schema.$ref ?? schema.allOf?.find((s) => s.$ref)?.$ref;
  return ref ? resolve(components[ref.replace('#/components/schemas/', '')], components) : schema;
}

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

/** A plausible body from the schema's examples (all properties), the base every mutation starts from. */
export function exampleBody(schema: Schema, components: Components): Record<string, Json> {
  const s = resolve(schema, components);
  const out: Record<string, Json> = {};
  for (const [name, p] of Object.entries(s.properties ?? {})) out[name] = exampleValue(p, components);
  return out;
}

function exampleValue(p: Schema, components: Components): Json {
  const s = resolve(p, components);
  if (s.properties) return exampleBody(s, components);
  if (s.type === 'array') return s.items ? [exampleValue(s.items, components)] : [];
  if (s.example !== undefined) return s.example as Json;
  if (s.enum) return s.enum[0] as Json;
  return s.type === 'number' ? 1 : s.type === 'boolean' ? true : 'x';
}

/** A field of the body (top level or inside a nested object / first array item) and its schema. */
interface Field {
  path: (string | number)[];
  schema: Schema;
  required: boolean;
}

function fieldsOf(schema: Schema, components: Components, prefix: (string | number)[] = []): Field[] {
  const s = resolve(schema, components);
  const out: Field[] = [];
  for (const [name, p] of Object.entries(s.properties ?? {})) {
    const ps = resolve(p, components);
    out.push({ path: [...prefix, name], schema: ps, required: (s.required ?? []).includes(name) });
    if (ps.properties) out.push(...fieldsOf(ps, components, [...prefix, name]));
    if (ps.type === 'array' && ps.items && resolve(ps.items, components).properties)
      out.push(...fieldsOf(ps.items, components, [...prefix, name, 0]));
  }
  return out;
}

function setAt(body: Record<string, Json>, path: (string | number)[], value: Json | undefined): Record<string, Json> {
  const copy = JSON.parse(JSON.stringify(body)) as Record<string, Json>;
  let node: any = copy;
  for (const key of path.slice(0, -1)) node = node[key];
  const last = path[path.length - 1];
  if (value === undefined) delete node[last];
  else node[last] = value;
  return copy;
}

const json = (body: unknown, kind: string): BadBody => ({ kind, raw: JSON.stringify(body), contentType: 'application/json' });

const MONEY_EXAMPLE = /^\d+\.\d{2}$/;
const DATE_EXAMPLE = /^\d{4}-\d{2}-\d{2}$/;
const INSTANT_EXAMPLE = /^\d{4}-\d{2}-\d{2}T/;
const MONTH_EXAMPLE = /^\d{4}-\d{2}$/;
const pad = (n: number, w: number) => String(n).padStart(w, '0');

/** Years outside 2000–2099, as four or five digits. */
const badYear = fc.oneof(fc.integer({ min: 0, max: 1999 }), fc.integer({ min: 2100, max: 99999 }));
export const badDate = fc.oneof(
  fc.constantFrom(
    '0000-01-01',
    '9999-12-31',
    '10000-01-01',
    '2023-02-30',
    '2023-02-29',
    '2023-13-01',
    '2023-00-10',
    '2023-4-1',
    '20230401',
    '',
  ),
  fc
    .tuple(badYear, fc.integer({ min: 1, max: 12 }), fc.integer({ min: 1, max: 28 }))
    .map(([y, m, d]) => `${pad(y, 4)}-${pad(m, 2)}-${pad(d, 2)}`),
);
const badInstant = fc.oneof(
  badDate.map((d) => `${d}T10:00:00+08:00`),
  fc.constantFrom('2023-03-01T25:00:00+08:00', '2023-03-01T10:00:00', '2023-03-01 10:00:00+08:00', '2023-03-01T10:00:00+99:00', 'now'),
);
const badMonth = fc.oneof(
  fc.constantFrom('2023-13', '2023-00', '0000-01', '9999-12', '10000-01', '2023-1'),
  badYear.map((y) => `${pad(y, 4)}-06`),
);
export const badMoney = fc.oneof(
  fc.tuple(fc.nat({ max: 1_000_000 }), fc.integer({ min: 0, max: 999 })).map(([i, f]) => `${i}.${pad(f, 3)}`),
  fc.constantFrom('9999999999999.99', '-1.00', '1e5', ' 1.00', '1,000.00', '+1.00', '0x10', 'NaN', '', '.5', '1.'),
  fc.integer({ min: 1, max: 1e9 }).map((n) => n), // a number, not a decimal string
);
const hugeNumber = fc.oneof(
  fc.integer({ min: -1e15, max: -1 }),
  fc.constantFrom(1e308, -1e308, 1e21, 2 ** 53 + 2, 0.5, 2023.5),
  fc.double({ min: 1e10, max: 1e300, noNaN: true }),
);
/** Longer than any MaxLength of the API (the longest is 2000). */
const longString = fc
  .integer({ min: 2001, max: 200_000 })
  .chain((n) => fc.constantFrom('x', '字', 'A1-').map((c) => c.repeat(Math.ceil(n / c.length))));
const notAString = fc.oneof(
  fc.integer(),
  fc.boolean(),
  fc.constant([] as Json[]),
  fc.constant({} as Json),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
);
const notANumber = fc.oneof(fc.string({ maxLength: 10 }), fc.boolean(), fc.constant([] as Json[]), fc.constant({} as Json));
const notABoolean = fc.oneof(
  fc.string({ maxLength: 10 }).filter((s) => s !== ''),
  fc.integer(),
  fc.constant([] as Json[]),
  fc.constant({} as Json),
);
const notAnArray = fc.oneof(fc.string({ maxLength: 10 }), fc.integer(), fc.boolean(), fc.constant({} as Json));
const notAnObject = fc.oneof(
  fc.string({ maxLength: 10 }),
  fc.integer(),
  fc.boolean(),
  fc.constant([] as Json[]),
  fc.constant([[]] as Json[]),
);

/** A wrong value for a field, chosen by what the field is. Null only where the field is required. */
function wrongValue(f: Field): fc.Arbitrary<Json> {
  const s = f.schema;
  const ex = typeof s.example === 'string' ? s.example : '';
  const nullIfRequired: fc.Arbitrary<Json>[] = f.required ? [fc.constant(null)] : [];
  if (s.properties) return fc.oneof(notAnObject, ...nullIfRequired);
  if (s.type === 'array') return fc.oneof(notAnArray, fc.constant([[]] as Json[]), ...nullIfRequired);
  if (s.type === 'boolean') return fc.oneof(notABoolean, ...nullIfRequired);
  if (s.type === 'number' || s.type === 'integer') return fc.oneof(notANumber, hugeNumber, ...nullIfRequired);
  if (s.enum)
    return fc.oneof(
      notAString,
      fc.string().filter((v) => !s.enum!.includes(v)),
      longString,
      ...nullIfRequired,
    );
  if (INSTANT_EXAMPLE.test(ex)) return fc.oneof(badInstant, notAString, ...nullIfRequired);
  if (DATE_EXAMPLE.test(ex)) return fc.oneof(badDate, notAString, ...nullIfRequired);
  if (MONTH_EXAMPLE.test(ex)) return fc.oneof(badMonth, notAString, ...nullIfRequired);
  if (MONEY_EXAMPLE.test(ex)) return fc.oneof(badMoney, notAString, ...nullIfRequired);
  return fc.oneof(notAString, longString, ...nullIfRequired);
}

/** Keys of Object.prototype (and `prototype`): they reach or shadow the prototype of a naive copy. */
const PROTO_KEYS = [...Object.getOwnPropertyNames(Object.prototype), 'prototype'];

/** JSON text nested `depth` levels (objects and arrays alternating), built as text: no recursion here either. */
function nestedText(depth: number): string {
  let open = '';
  let close = '';
  for (let i = 0; i < depth; i++) {
    open += i % 2 ? '[' : '{"a":';
    close = (i % 2 ? ']' : '}') + close;
  }
  return `${open}1${close}`;
}
const DEEP_MARK = '"__deep_value__"';

/** Bodies that are not a JSON object, whatever the endpoint. */
export const NON_OBJECT_BODIES: BadBody[] = [
  ...['[]', 'null', '"x"', '123', 'true', '[{}]', '""', '[[]]'].map((raw) => ({
    kind: `non-object ${raw}`,
    raw,
    contentType: 'application/json',
  })),
  { kind: 'text/plain', raw: '{}', contentType: 'text/plain' },
  { kind: 'form', raw: 'a=1', contentType: 'application/x-www-form-urlencoded' },
  { kind: 'broken JSON', raw: '{"a":', contentType: 'application/json' },
  { kind: 'deep 20000', raw: '{"a":'.repeat(20_000) + '1' + '}'.repeat(20_000), contentType: 'application/json' },
];

/** fast-check arbitrary of bad bodies for one request schema. */
export function badBodies(schema: Schema, components: Components): fc.Arbitrary<BadBody> {
  const base = exampleBody(schema, components);
  const fields = fieldsOf(schema, components);
  const props = new Set(Object.keys(resolve(schema, components).properties ?? {}));
  const arbs: fc.Arbitrary<BadBody>[] = [
    fc.constantFrom(...NON_OBJECT_BODIES),
    fc
      .tuple(
        fc.oneof(fc.string({ minLength: 1, maxLength: 20 }), fc.constantFrom(...PROTO_KEYS)).filter((k) => !props.has(k)),
        fc.jsonValue({ maxDepth: 3 }),
      )
      .map(([k, v]) => json({ ...base, [k]: v }, `extra field ${JSON.stringify(k)}`)),
    fc
      .tuple(
        fc.constantFrom(...PROTO_KEYS),
        fc.constantFrom(...[[] as (string | number)[], ...fields.filter((f) => f.schema.properties).map((f) => f.path)]),
      )
      .map(([key, at]) => {
        const text = JSON.stringify(base);
        if (at.length === 0)
          return {
            kind: `prototype key ${key}`,
            raw: `{"${key}":{"polluted":true}${text === '{}' ? '' : ','}${text.slice(1)}`,
            contentType: 'application/json',
          };
        const inner = JSON.stringify(at.reduce((n: any, k) => n[k], base));
        return {
          kind: `prototype key ${key} at ${at.join('.')}`,
          raw: text.replace(inner, `{"${key}":{"polluted":true}${inner === '{}' ? '' : ','}${inner.slice(1)}`),
          contentType: 'application/json',
        };
      }),
    fc
      .tuple(fc.integer({ min: 33, max: 5000 }), fc.constantFrom(...(fields.length ? fields.map((f) => f.path) : [['deep']])))
      .map(([d, path]) => ({
        kind: `deep ${d} at ${path.join('.')}`,
        raw: JSON.stringify(setAt(base, path, JSON.parse(DEEP_MARK))).replace(DEEP_MARK, nestedText(d)),
        contentType: 'application/json',
      })),
  ];
  // A key given twice with the same value: the body is otherwise the valid example, and still refused.
  const keys = Object.keys(base);
  if (keys.length)
    arbs.push(
      fc.constantFrom(...keys).map((k) => ({
        kind: `key ${k} twice`,
        raw: `{${JSON.stringify(k)}:${JSON.stringify(base[k])},${JSON.stringify(base).slice(1)}`,
        contentType: 'application/json',
      })),
    );
  const required = fields.filter((f) => f.required);
  if (required.length)
    arbs.push(fc.constantFrom(...required).map((f) => json(setAt(base, f.path, undefined), `missing ${f.path.join('.')}`)));
  if (fields.length)
    arbs.push(
      fc
        .constantFrom(...fields)
        .chain((f) =>
          wrongValue(f).map((v) => json(setAt(base, f.path, v), `wrong ${f.path.join('.')}=${JSON.stringify(v).slice(0, 40)}`)),
        ),
    );
  return fc.oneof(...arbs);
}
