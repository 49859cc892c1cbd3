/**
 * `npx ts-node --transpile-only examples/import/generate-sample-year.ts [--persons 200] [--out examples/import/sample-2023.jsonl]`
 * A deterministic sample year (2023, Nanyang employees, 宛政办〔2022〕42号) for the historical
 * import: institutions, enrollments, monthly account credits, retirements in June and
 * outpatient settlements with the figures "paid at the time". Most rows follow the policy
 * (deductible by level, rate by level and category, annual cap); about one row in twenty-five
 * is paid under a wrong rule on purpose — no deductible, a rate five points high, or past
 * the cap — so the reconciliation has something to find.
 */
import fs from 'node:fs';
import Decimal from 'decimal.js';

const arg = (name: string, dflt: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : dflt;
};

/** mulberry32: seeded, so the same sample every run. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const INSTITUTIONS = [
  {
    rec_type: 'fixmedins',
    fixmedins_code: 'NY-C01',
    fixmedins_name: '南阳市卧龙区社区卫生服务中心',
    hosp_lv: '08',
    admdvs: '411300',
    insutype: '310',
    ledger_category: 'community_health_centre',
    ledger_location: 'city',
  },
  {
    rec_type: 'fixmedins',
    fixmedins_code: 'NY-H2',
    fixmedins_name: '南阳市第二人民医院',
    hosp_lv: '05',
    admdvs: '411300',
    insutype: '310',
    ledger_category: 'county_general',
    ledger_location: 'county',
  },
];
/** 宛政办〔2022〕42号 第五条: deductible and rate (in-service / retired) by level; cap by category. */
const RULES: Record<string, { deductible: number; rate: { in_service: number; retired: number } }> = {
  'NY-C01': { deductible: 0, rate: { in_service: 0.6, retired: 0.7 } },
  'NY-H2': { deductible: 30, rate: { in_service: 0.55, retired: 0.65 } },
};
const CAP = { in_service: 1500, retired: 2000 };

const D = (n: Decimal.Value) => new Decimal(n);
const fen = (d: Decimal) => d.toDecimalPlaces(2, Decimal.ROUND_HALF_UP);
const pad = (n: number) => String(n).padStart(2, '0');

function main(): void {
  const persons = Number(arg('persons', '200'));
  const out = arg('out', 'examples/import/sample-2023.jsonl');
  const rnd = prng(20231231);
  const lines: object[] = [...INSTITUTIONS];
  const people = Array.from({ length: persons }, (_, i) => ({
    id: `HP${String(i + 1).padStart(5, '0')}`,
    retiresInJune: rnd() < 0.05,
    heavy: rnd() < 0.05,
  }));
  for (const p of people)
    lines.push({
      rec_type: 'psn_insu',
      psn_no: p.id,
      insutype: '310',
      psn_type: '1101',
      insu_admdvs: '411300',
      begndate: '2022-01-01',
      clct_base: '6000.00',
    });
  const used = new Map<string, Decimal>(people.map((p) => [p.id, D(0)]));
  let setl = 0;
  for (let month = 1; month <= 12; month++) {
    for (const p of people) lines.push({ rec_type: 'acct_crdt', psn_no: p.id, crdt_ym: `2023-${pad(month)}` });
    if (month === 6)
      for (const p of people.filter((x) => x.retiresInJune))
        lines.push({ rec_type: 'psn_type_chg', psn_no: p.id, psn_type: '1201', chg_date: '2023-06-15' });
    for (const p of people) {
      if (rnd() > (p.heavy ? 0.9 : 0.45)) continue;
      const day = 1 + Math.floor(rnd() * 27);
      const code = rnd() < 0.5 ? 'NY-C01' : 'NY-H2';
      const category = p.retiresInJune && month >= 7 ? 'retired' : 'in_service';
      const inScope = fen(D(p.heavy ? 300 + rnd() * 900 : 20 + rnd() * 380));
      const ownPay = rnd() < 0.3 ? fen(D(rnd() * 60)) : D(0);
      const rule = RULES[code];
      const twist = rnd();
      const deductible = twist < 0.013 ? D(0) : D(Math.min(rule.deductible, inScope.toNumber()));
      const rate = D(rule.rate[category]).plus(twist >= 0.013 && twist < 0.026 ? 0.05 : 0);
      const beforeCap = fen(inScope.minus(deductible).times(rate));
      const remaining = D(CAP[category]).minus(used.get(p.id)!);
      const ignoresCap = twist >= 0.026 && twist < 0.04;
      const fund = ignoresCap ? beforeCap : Decimal.max(0, Decimal.min(beforeCap, remaining));
      used.set(p.id, used.get(p.id)!.plus(fund));
      const total = inScope.plus(ownPay);
      setl += 1;
      lines.push({
        rec_type: 'setl',
        psn_no: p.id,
        setl_id: `HS2023${String(setl).padStart(6, '0')}`,
        mdtrt_id: `HM2023${String(setl).padStart(6, '0')}`,
        fixmedins_code: code,
        begntime: `2023-${pad(month)}-${pad(day)} 09:00:00`,
        setl_time: `2023-${pad(month)}-${pad(day)} 09:30:00`,
        med_type: '11',
        acct_used_flag: '0',
        medfee_sumamt: total.toFixed(2),
        fulamt_ownpay_amt: ownPay.toFixed(2),
        fund_pay_sumamt: fund.toFixed(2),
        acct_pay: '0.00',
        psn_cash_pay: total.minus(fund).toFixed(2),
      });
    }
  }
  fs.writeFileSync(out, lines.map((l) => JSON.stringify(l)).join('\n') + '\n');
  process.stdout.write(`${out}: ${lines.length} lines, ${setl} settlements, ${persons} persons\n`);
}

main();
