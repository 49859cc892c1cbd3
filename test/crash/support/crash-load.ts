/**
 * Drives concurrent settlements against a child-process ledger, SIGKILLs it after a number
 * of acknowledgements, and checks on restart what the issue asks: every acknowledged
 * settlement present exactly once, every unacknowledged one retried with its key without
 * duplicates, read models equal to a fold of the stream.
 */
import Database from 'better-sqlite3';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { issueKey } from '../../../src/auth/api-keys';
import { INSTITUTIONS } from '../../support/ledger-app';
import { buildService, client, RunningService, startService } from './service';
import { nanyangEmployee } from '../../support/fixtures';

export interface SettleRequest {
  personId: string;
  key: string;
  body: Record<string, unknown>;
  /** Whether the first attempt was sent (requests left when the service died are dropped). */
  sent?: boolean;
  /** HTTP status of the first attempt; undefined when no answer came (in flight at the kill). */
  status?: number;
}

export interface Figures {
  rounds: number;
  sent: number;
  acknowledged: number;
  lost: number;
  duplicated: number;
  inFlightRetried: number;
}

export type Client = ReturnType<typeof client>;

/** A ledger on a temp SQLite file that can be killed and restarted. */
export class CrashLedger {
  readonly dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ledger-crash-'));
  readonly db = path.join(this.dir, 'ledger.db');
  private readonly keysFile = path.join(this.dir, 'keys.json');
  readonly apiKey = issueKey(this.keysFile, 'agency', new Date()).key;
  private readonly entry = buildService();
  service: RunningService | undefined;
  http!: Client;

  constructor(private readonly env: Record<string, string> = {}) {}

  async start(): Promise<void> {
    this.service = await startService(this.entry, { LEDGER_DB: this.db, LEDGER_API_KEYS_FILE: this.keysFile, ...this.env });
    this.http = client(this.service, this.apiKey);
  }

  async kill(): Promise<void> {
    await this.service?.kill();
  }

  async close(): Promise<void> {
    await this.kill();
    fs.rmSync(this.dir, { recursive: true, force: true });
  }

  /** Events of some types as the store file holds them (read-only, beside the running service). */
  events(types: string[]): Array<{ streamId: string; type: string; data: any }> {
    const db = new Database(this.db, { readonly: true, fileMustExist: true });
    try {
      const rows = db
        .prepare(`SELECT stream_id, type, data FROM events WHERE type IN (${types.map(() => '?').join(',')}) ORDER BY position`)
        .all(...types) as Array<{ stream_id: string; type: string; data: string }>;
      return rows.map((r) => ({ streamId: r.stream_id, type: r.type, data: JSON.parse(r.data) }));
    } finally {
      db.close();
    }
  }

  /** How many VisitSettled each `person/settlementId` has in the store. */
  settledCounts(): Map<string, number> {
    const counts = new Map<string, number>();
    for (const e of this.events(['VisitSettled'])) {
      const k = `${e.streamId.slice('person-'.length)}/${e.data.settlementId}`;
      counts.set(k, (counts.get(k) ?? 0) + 1);
    }
    return counts;
  }
}

export async function setUpLedger(
  ledger: CrashLedger,
  persons: Array<{ personId: string; relatives?: object[] }>,
  credits: Record<string, string[]> = {},
): Promise<void> {
  for (const body of INSTITUTIONS) expect((await ledger.http.post('/institutions', body)).status).toBe(201);
  for (const p of persons) {
    const body = nanyangEmployee(p.personId, { relatives: p.relatives ?? [] });
    expect((await ledger.http.post('/persons', body)).status).toBe(201);
  }
  for (const [personId, months] of Object.entries(credits)) {
    for (const month of months) expect((await ledger.http.post(`/persons/${personId}/account/credits`, { month })).status).toBe(201);
  }
}

/** A valid visit settlement on a 2023 day derived from `n`. */
export function visitBody(settlementId: string, n: number, amount: string, account: object = { source: 'none' }): Record<string, unknown> {
  const day = new Date(Date.UTC(2023, 0, 2) + (n % 330) * 86_400_000).toISOString().slice(0, 10);
  const at = `${day}T${String(8 + (n % 9)).padStart(2, '0')}:${String(n % 60).padStart(2, '0')}:00+08:00`;
  return {
    settlementId,
    visitId: `V-${settlementId}`,
    institutionCode: 'NY-L2',
    occurredAt: at,
    settledAt: at,
    medType: 'ordinary',
    lines: [{ code: 'A01', amount, inCatalogue: true }],
    account,
  };
}

/**
 * Sends the requests with `concurrency` workers and SIGKILLs the service once `killAfter`
 * were acknowledged; workers stop sending once the service is gone.
 */
export async function loadUntilKilled(
  ledger: CrashLedger,
  requests: SettleRequest[],
  concurrency: number,
  killAfter: number,
): Promise<void> {
  let next = 0;
  let acked = 0;
  let killing: Promise<void> | undefined;
  const worker = async () => {
    while (!killing && next < requests.length) {
      const r = requests[next++];
      r.sent = true;
      try {
        const res = await ledger.http.post(`/persons/${r.personId}/visits`, r.body, r.key);
        r.status = res.status;
        if (res.status >= 200 && res.status < 300 && ++acked >= killAfter) killing ??= ledger.kill();
      } catch {
        // No answer: the service died with this request in flight (or before it arrived).
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  await (killing ?? ledger.kill());
}

/** Runs `fn` over the items, `width` at a time. */
async function inParallel<T>(items: T[], fn: (item: T) => Promise<void>, width = 8): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < items.length) await fn(items[next++]);
    }),
  );
}

/** After a restart: acknowledged ones present once; the others retried with their key, then present once. */
export async function checkExactlyOnce(
  ledger: CrashLedger,
  requests: SettleRequest[],
): Promise<{ lost: number; duplicated: number; retried: number }> {
  const acked = requests.filter((r) => r.status !== undefined && r.status >= 200 && r.status < 300);
  // Every body is valid: the only answers are 2xx, or 409 (contention; a client retries it).
  expect(requests.filter((r) => r.status !== undefined && !(r.status < 300 || r.status === 409))).toEqual([]);
  const before = ledger.settledCounts();
  const lost = acked.filter((r) => (before.get(`${r.personId}/${r.body.settlementId}`) ?? 0) === 0).length;
  await inParallel(acked, async (r) => {
    expect((await ledger.http.get(`/persons/${r.personId}/settlements/${r.body.settlementId}`)).status).toBe(200);
  });
  const unacked = requests.filter((r) => r.sent && (r.status === undefined || r.status === 409));
  // Retried concurrently, as clients would: the saga and the keys must hold under contention too.
  await inParallel(unacked, async (r) => {
    const res = await ledger.http.post(`/persons/${r.personId}/visits`, r.body, r.key);
    expect({ key: r.key, status: res.status }).toEqual({ key: r.key, status: 201 });
    expect(res.body.settlementId).toBe(r.body.settlementId);
  });
  const after = ledger.settledCounts();
  const duplicated = [...after.values()].filter((n) => n > 1).length;
  for (const r of [...acked, ...unacked]) expect(after.get(`${r.personId}/${r.body.settlementId}`)).toBe(1);
  return { lost, duplicated, retried: unacked.length };
}

/** Read models (projections) equal the fold of the stream at the head, and a replay finds 0 differences. */
export async function checkReadModelsEqualReplay(ledger: CrashLedger, personIds: string[]): Promise<void> {
  const deadline = Date.now() + 20_000;
  let head = 0;
  for (;;) {
    const health = (await ledger.http.get('/health')).body;
    head = health.headPosition;
    if (health.projections?.lag === 0 || Date.now() > deadline) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  await inParallel(personIds, async (personId) => {
    const projected = await ledger.http.get(`/persons/${personId}/years/2023`);
    const folded = await ledger.http.get(`/persons/${personId}/years/2023?asOf=${head}`);
    expect(projected.status).toBe(200);
    expect(stripAsOf(projected.body)).toEqual(stripAsOf(folded.body));
    const statement = await ledger.http.get(`/persons/${personId}/account/statement`);
    const statementFolded = await ledger.http.get(`/persons/${personId}/account/statement?asOf=${head}`);
    expect(stripAsOf(statement.body)).toEqual(stripAsOf(statementFolded.body));
    const replay = await ledger.http.post('/audit/replay', { personId, year: 2023 });
    expect({ personId, differences: replay.body.differences }).toEqual({ personId, differences: [] });
  });
}

/** The two answers differ only in how they say what they were read as of. */
function stripAsOf(view: Record<string, unknown>): Record<string, unknown> {
  const { asOf: _a, position: _p, lag: _l, source: _s, throughPosition: _t, ...rest } = view ?? {};
  return rest;
}

export function report(name: string, figures: Figures): void {
  if (process.env.LEDGER_REPORT === '1') {
    console.log(`${name}: ${JSON.stringify(figures)}`);
  }
}

export const ROUNDS = Number(process.env.LEDGER_CRASH_ROUNDS ?? '2');
