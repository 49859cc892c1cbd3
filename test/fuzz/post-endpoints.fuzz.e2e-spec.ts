/**
 * Issue 11 items 5 and 9: the service tested as an attacker would. Walks every POST
 * endpoint (and the PATCH) of the OpenAPI document (/docs-json of the in-process app) with bad bodies —
 * a fixed sweep (non-object bodies, text/plain, broken and 20,000-deep JSON) on every
 * endpoint, then fast-check generated ones (wrong types, missing and extra fields, huge
 * and negative numbers, three-decimal money, impossible dates, deep nesting, long
 * strings, prototype keys) — and asserts for each: a 4xx with a message, never a 5xx,
 * the store head unchanged, /health still answering.
 *
 * FUZZ_RUNS (default 250 per adapter) sets the generated cases; FUZZ_ADAPTERS
 * (default "fastify,express") the HTTP adapters; FUZZ_SEED replays a failure.
 */
import fc from 'fast-check';
import { INSTITUTIONS, LedgerHarness, registerInstitutions, startLedger } from '../support/ledger-app';
import { BadBody, badBodies, Components, NON_OBJECT_BODIES, Schema } from './openapi-bodies';
import { JIAOZUO_LEVEL3, nanyangEmployee } from '../support/fixtures';

const RUNS = Number(process.env.FUZZ_RUNS ?? 250);
const ADAPTERS = (process.env.FUZZ_ADAPTERS ?? 'fastify,express').split(',').filter(Boolean);
const SEED = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : undefined;

/** Existing ids for every path parameter, so that the body is what is tested. */
const PARAMS: Record<string, string> = { personId: 'FZ-1', settlementId: 'S-FZ-1', code: 'JZ-H001', year: '2024', month: '2024-08' };

interface Endpoint {
  method: 'post' | 'patch' | 'put';
  path: string;
  schema: Schema;
}
type Operation = { requestBody?: { content: Record<string, { schema: Schema }> } };

describe.each(ADAPTERS)('fuzzing every POST endpoint on %s', (adapter) => {
  let h: LedgerHarness;
  let endpoints: Endpoint[];
  let components: Components;
  const figures = { cases: 0, fiveXX: 0, writesOnError: 0, byStatus: {} as Record<number, number>, notValidation: [] as string[] };

  beforeAll(async () => {
    h = await startLedger({ env: { LEDGER_HTTP_ADAPTER: adapter } });
    await registerInstitutions(h, [...INSTITUTIONS, JIAOZUO_LEVEL3]);
    const enrol = await h.http.post('/persons').set('x-api-key', h.keys.agency).send(nanyangEmployee('FZ-1'));
    expect(enrol.status).toBe(201);
    const visit = await h.http
      .post('/persons/FZ-1/visits')
      .set('x-api-key', h.keys.agency)
      .send({
        settlementId: 'S-FZ-1',
        visitId: 'V-FZ-1',
        institutionCode: 'NY-L2',
        occurredAt: '2023-06-30T09:00:00+08:00',
        medType: 'ordinary',
        lines: [{ code: 'A01', amount: '100.00', inCatalogue: true }],
      });
    expect(visit.status).toBe(201);
    const docs = await h.http.get('/docs-json');
    components = docs.body.components.schemas;
    // Every POST, and the other methods that take a body (PATCH /institutions/{code}).
    endpoints = Object.entries(docs.body.paths as Record<string, Partial<Record<Endpoint['method'], Operation>>>).flatMap(([path, ops]) =>
      (['post', 'patch', 'put'] as const)
        .filter((m) => ops[m] && (m === 'post' || ops[m]!.requestBody))
        .map((method) => ({
          method,
          path: path.replace(/\{(\w+)\}/g, (_, name: string) => PARAMS[name] ?? 'x'),
          schema: ops[method]!.requestBody?.content['application/json']?.schema ?? {},
        })),
    );
  });
  afterAll(async () => {
    // The figures for the issue's closing note.
    console.log(
      `fuzz ${adapter}: ${figures.cases} cases on ${endpoints?.length} endpoints (POST and PATCH); 5xx: ${figures.fiveXX}; writes on error: ${figures.writesOnError}; statuses ${JSON.stringify(figures.byStatus)}${figures.notValidation.map((w) => `\n  not a 400: ${w}`).join('')}`,
    );
    await h?.close();
  });

  /** One bad request: 4xx with a message, nothing written, the service alive. */
  async function attack(endpoint: Endpoint, body: BadBody): Promise<void> {
    const before = await h.store.headPosition();
    const res = await h.http[endpoint.method](endpoint.path)
      .set('x-api-key', h.keys.agency)
      .set('content-type', body.contentType)
      .send(body.raw);
    const after = await h.store.headPosition();
    figures.cases++;
    figures.byStatus[res.status] = (figures.byStatus[res.status] ?? 0) + 1;
    if (res.status >= 500) figures.fiveXX++;
    if (after !== before) figures.writesOnError++;
    const what = `${endpoint.method.toUpperCase()} ${endpoint.path} ${body.kind} → ${res.status} ${res.text.slice(0, 200)}`;
    // Every generated body is invalid by construction: anything but a 400 is worth reading.
    if (res.status !== 400) figures.notValidation.push(`${what} body ${body.raw.slice(0, 300)}`);
    expect({ what, is4xx: res.status >= 400 && res.status < 500 }).toEqual({ what, is4xx: true });
    expect({ what, message: typeof res.body?.message === 'string' && res.body.message.length > 0 }).toEqual({ what, message: true });
    expect({ what, written: after - before }).toEqual({ what, written: 0 });
    expect((await h.http.get('/health')).status).toBe(200);
  }

  it('the OpenAPI document lists the 32 POST endpoints (at least) and the PATCH', () => {
    expect(endpoints.filter((e) => e.method === 'post').length).toBeGreaterThanOrEqual(32);
    expect(endpoints.filter((e) => e.method === 'patch').length).toBeGreaterThanOrEqual(1);
  });

  it('every endpoint refuses non-object, non-JSON, broken and 20,000-deep bodies', async () => {
    for (const endpoint of endpoints) for (const body of NON_OBJECT_BODIES) await attack(endpoint, body);
  });

  it(`${RUNS} generated bad bodies across the endpoints are all 4xx, write nothing, leave the service alive`, async () => {
    const arb = fc
      .integer({ min: 0, max: endpoints.length - 1 })
      .chain((i) => badBodies(endpoints[i].schema, components).map((body) => ({ endpoint: endpoints[i], body })));
    await fc.assert(
      fc.asyncProperty(arb, ({ endpoint, body }) => attack(endpoint, body)),
      { numRuns: RUNS, ...(SEED !== undefined ? { seed: SEED } : {}) },
    );
  });
});
