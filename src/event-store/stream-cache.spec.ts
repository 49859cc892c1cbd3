import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { PersonStreamWriter } from '../modules/person-writer.service';
import { SqliteEventStore } from './sqlite/sqlite-event-store';
import { StreamCache } from './stream-cache';

describe('StreamCache', () => {
  it('evicts the least recently used stream beyond its bound', () => {
    const cache = new StreamCache<number>(2);
    cache.set('a', { events: [], state: 1 });
    cache.set('b', { events: [], state: 2 });
    cache.get('a'); // a is now the most recent
    cache.set('c', { events: [], state: 3 });
    expect(cache.get('b')).toBeUndefined();
    expect(cache.get('a')?.state).toBe(1);
    expect(cache.get('c')?.state).toBe(3);
    expect(cache.size).toBe(2);
  });
});

describe('PersonStreamWriter with its stream cache', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'writer-cache-'));
  const file = path.join(dir, 'l.db');
  let n = 0;
  const ids = { next: () => `00000000-0000-4000-8000-${String(++n).padStart(12, '0')}` };
  const clock = { now: () => new Date('2023-01-01T00:00:00Z') };
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('sees what another process appended to the same file, and decides on it', async () => {
    const storeA = new SqliteEventStore({ path: file });
    const storeB = new SqliteEventStore({ path: file });
    const a = new PersonStreamWriter(storeA, clock, ids);
    const b = new PersonStreamWriter(storeB, clock, ids);
    const ctx = (k: string) => ({ commandId: k, actor: 'test' });
    await a.write('P1', ctx('enrol'), () => [{ type: 'PersonEnrolled', data: { personId: 'P1', scheme: 'employee', category: 'in_service', region: 'nanyang', enrolledOn: '2023-01-01', contributionBase: '5000.00', relatives: [] } }], { mustExist: false });
    expect((await a.load('P1')).state.enrollment.enrolled).toBe(true); // now cached in A
    await b.write('P1', ctx('retire'), () => [{ type: 'RetiredStatusChanged', data: { processedOn: '2023-05-15', effectiveFrom: '2023-06-01', from: 'in_service', to: 'retired' } }]);
    const seen = await a.load('P1');
    expect(seen.events.map((e) => e.type)).toEqual(['PersonEnrolled', 'RetiredStatusChanged']);
    expect(seen.state.enrollment.categoryTimeline.map((c) => c.category)).toEqual(['in_service', 'retired']);
    // A decides against the appended state: its append carries the right expected revision.
    const out = await a.write('P1', ctx('base'), () => [{ type: 'ContributionBaseChanged', data: { contributionBase: '5200.00', effectiveFrom: '2023-07-01' } }]);
    expect(out.revision).toBe(2);
    await storeA.close();
    await storeB.close();
  });
});
