/**
 * The read models' file kept beside a ledger file put back by hand (an older backup copied
 * over `ledger.db`, not `npm run restore`, which deletes it): the service finds at start that
 * its read models describe another log and rebuilds them, instead of serving settlements the
 * log no longer holds.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { LedgerHarness, registerInstitutions, startLedger } from '../support/ledger-app';
import { marchVisit, nanyangEmployee } from '../support/fixtures';

describe('read models of another log', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ledger-e2e-other-log-'));
  const backup = path.join(dir, 'backup.db');
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  const settlementIds = async (h: LedgerHarness): Promise<string[]> => {
    const res = await h.http.get('/persons/OL-1/settlements').set('x-api-key', h.keys.agency);
    expect(res.status).toBe(200);
    return res.body.items.map((s: { settlementId: string }) => s.settlementId);
  };

  it('a ledger file copied back from an older backup: the read side rebuilds to what it holds, every read model at its head', async () => {
    let h = await startLedger({ dir });
    try {
      await registerInstitutions(h);
      expect((await h.http.post('/persons').set('x-api-key', h.keys.agency).send(nanyangEmployee('OL-1'))).status).toBe(201);
      expect((await h.http.post('/persons/OL-1/visits').set('x-api-key', h.keys.agency).send(marchVisit('OL-S1', '02'))).status).toBe(201);
    } finally {
      await h.close();
    }
    fs.copyFileSync(path.join(dir, 'ledger.db'), backup);

    h = await startLedger({ dir });
    try {
      for (const [id, day] of [
        ['OL-S2', '09'],
        ['OL-S3', '16'],
      ])
        expect((await h.http.post('/persons/OL-1/visits').set('x-api-key', h.keys.agency).send(marchVisit(id, day))).status).toBe(201);
      await waitForReadSide(h);
      expect(await settlementIds(h)).toEqual(['OL-S1', 'OL-S2', 'OL-S3']);
    } finally {
      await h.close();
    }

    // By hand: the backup over the ledger, the read models' file left as it was.
    for (const suffix of ['-wal', '-shm']) fs.rmSync(path.join(dir, `ledger.db${suffix}`), { force: true });
    fs.copyFileSync(backup, path.join(dir, 'ledger.db'));
    h = await startLedger({ dir });
    try {
      await waitForReadSide(h);
      expect(await settlementIds(h)).toEqual(['OL-S1']);
      const health = (await h.http.get('/health')).body;
      expect(health.status).toBe('ok');
      const head = await h.store.headPosition();
      expect(health.readModels.map((m: { checkpoint: number }) => m.checkpoint)).toEqual(health.readModels.map(() => head));
    } finally {
      await h.close();
    }
  }, 120_000);
});

/** Until every read model has applied the log's head. */
async function waitForReadSide(h: LedgerHarness): Promise<void> {
  for (let i = 0; i < 200; i++) {
    const health = (await h.http.get('/health')).body;
    if (health.projections?.lag === 0 && health.projections.checkpoint === health.headPosition) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error('the read side did not catch up');
}
