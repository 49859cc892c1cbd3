import { INestApplication } from '@nestjs/common';
import { main } from '../../src/institutions/cli';
import { createInstitutionsApp } from './institutions-app';

/** The CLI against a listening server: 例1 (county level-2 hospital) from declaration to final payment. */
describe('institutions CLI over HTTP', () => {
  let app: INestApplication;
  let close: () => Promise<void>;
  let env: Record<string, string>;

  beforeAll(async () => {
    ({ app, close } = await createInstitutionsApp());
    await app.listen(0, '127.0.0.1');
    env = { LEDGER_URL: await app.getUrl(), LEDGER_API_KEY: 'unused-by-the-test-module' };
  });
  afterAll(() => close());

  async function cli(...argv: string[]): Promise<string> {
    const out: string[] = [];
    const err: string[] = [];
    const code = await main(argv, env, { out: (t) => out.push(t), err: (t) => err.push(t) });
    if (code !== 0) throw new Error(`exit ${code}: ${err.join('\n')}`);
    return out.join('\n');
  }

  it('declares, approves, advances, settles, assesses and pays', async () => {
    await cli(
      'register',
      '--code',
      'JZ-C002',
      '--name',
      '某县二级综合医院',
      '--category',
      'county_general',
      '--level',
      'level2',
      '--location',
      'county',
      '--region',
      'jiaozuo',
      '--designations',
      'employee',
    );
    expect(await cli('cost-base', 'JZ-C002', '2024')).toMatch(/base\s+204\.00/);
    const months = ['2024-08', '2024-09', '2024-10', '2024-11', '2024-12'];
    const dueMonths = ['2024-09', '2024-10', '2024-11', '2024-12', '2025-01'];
    for (const [i, m] of months.entries()) {
      await cli(
        'declare',
        'JZ-C002',
        m,
        '--visits',
        '52000',
        '--total-cost',
        '9000000.00',
        '--fund-due',
        '3720000.00',
        '--declared-on',
        `${dueMonths[i]}-09`,
        '--key',
        `decl-${m}-x`,
      );
      await cli('approve', 'JZ-C002', m, '--amount', '3720000.00');
      expect(await cli('advance', 'JZ-C002', m)).toMatch(/amount\s+3534000\.00[\s\S]*held\s+186000\.00/);
    }
    // The same idempotency key again: nothing written.
    expect(
      await cli(
        'declare',
        'JZ-C002',
        '2024-08',
        '--visits',
        '52000',
        '--total-cost',
        '9000000.00',
        '--fund-due',
        '3720000.00',
        '--declared-on',
        '2024-09-09',
        '--key',
        'decl-2024-08-x',
      ),
    ).toContain('already applied');
    expect(await cli('settle', 'JZ-C002', '2024')).toMatch(/payable\s+18600000\.00/);
    await cli('assess', 'JZ-C002', '2024', '--passed');
    const final = await cli('final', 'JZ-C002', '2024');
    expect(final).toMatch(/finalPayment\s+18600000\.00/);
    expect(final).toMatch(/yearEndTransfer\s+930000\.00/);
    const year = await cli('year', 'JZ-C002', '2024');
    expect(year).toMatch(/advanced \(95%\)\s+17670000\.00/);
    expect(year).toMatch(/final payment\s+18600000\.00/);
    expect(await cli('explain', 'JZ-C002', '2024')).toContain('within_cap  [焦医保〔2024〕32号 四（一）; 附件]');
  });
});
