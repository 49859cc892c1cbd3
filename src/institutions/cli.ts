/**
 * Institution settlement from the command line, over HTTP to the running ledger.
 *
 *   LEDGER_URL=http://localhost:3000 LEDGER_API_KEY=… ts-node src/institutions/cli.ts <subcommand> …
 *   (or: node dist/institutions/cli.js <subcommand> …)
 *
 * Every write may take `--key <idempotency key>`; a retry with the same key writes nothing.
 */
import { parseArgs } from 'node:util';
import { usageErrorLine } from '../config/command-line';

export interface CliRequest {
  method: 'GET' | 'POST' | 'PATCH';
  path: string;
  body?: Record<string, unknown>;
  idempotencyKey?: string;
}

export const USAGE = `usage: institutions <subcommand> [options]   (env LEDGER_URL, LEDGER_API_KEY)

  register   --code C --name N --category CAT --level LVL --location city|county|township|village
             --region R --designations employee[,resident] [--county-designated] [--pharmacy]
  get        <code>
  cost-base  <code> <year> [--history 2021:150.00,2022:160.00,2023:200.00[:covid]] [--sole]
             [--province 210.50 --markedly-above]
  declare    <code> <YYYY-MM> --visits N --total-cost X --fund-due X --declared-on YYYY-MM-DD
  approve    <code> <YYYY-MM> --amount X
  advance    <code> <YYYY-MM> [--paid-on YYYY-MM-DD]
  settle     <code> <year> [--through YYYY-MM]
  review     <code> <year> --visits N --violating X --reviewed X
  assess     <code> <year> --passed | --failed [--note TEXT]
  final      <code> <year>
  persons    <code> <year> --count N
  capitation <code> <YYYY-MM> --claimed X [--consultation X]
  replay     <code> <year>        every decision recomputed and compared; hash chain verified
  year       <code> <year>
  explain    <code> <year>

  every write: [--key IDEMPOTENCY-KEY]`;

export class CliUsageError extends Error {}

const VALUE_FLAGS = [
  'code',
  'name',
  'category',
  'level',
  'location',
  'region',
  'designations',
  'history',
  'province',
  'visits',
  'total-cost',
  'fund-due',
  'declared-on',
  'amount',
  'paid-on',
  'through',
  'violating',
  'reviewed',
  'note',
  'count',
  'claimed',
  'consultation',
  'key',
];
const BOOLEAN_FLAGS = ['county-designated', 'pharmacy', 'sole', 'markedly-above', 'passed', 'failed'];
/** Every flag of every subcommand (util.parseArgs, strict): a misspelt flag is a usage error, not silently ignored. */
const OPTIONS = Object.fromEntries([
  ...VALUE_FLAGS.map((name) => [name, { type: 'string' as const }]),
  ...BOOLEAN_FLAGS.map((name) => [name, { type: 'boolean' as const }]),
]);

function parseCommandLine(argv: string[]): { positional: string[]; options: Map<string, string | boolean> } {
  try {
    const { values, positionals } = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true });
    return { positional: positionals, options: new Map(Object.entries(values as Record<string, string | boolean>)) };
  } catch (e) {
    throw new CliUsageError(usageErrorLine('institutions', e, 'npm run institutions (no arguments: every subcommand)'));
  }
}

/** Turns command-line arguments into one HTTP request; pure, so it is tested without a server. */
export function buildRequest(argv: string[]): CliRequest {
  const [sub, ...rest] = argv;
  const { positional, options } = parseCommandLine(rest);
  const str = (name: string): string => {
    const v = options.get(name);
    if (typeof v !== 'string') throw new CliUsageError(`--${name} is required`);
    return v;
  };
  const opt = (name: string): string | undefined => {
    const v = options.get(name);
    return typeof v === 'string' ? v : undefined;
  };
  const int = (name: string): number => {
    const v = str(name);
    if (!/^\d+$/.test(v)) throw new CliUsageError(`--${name} must be a whole number`);
    return Number(v);
  };
  const flag = (name: string): boolean => options.get(name) === true;
  const pos = (i: number, what: string): string => {
    const v = positional[i];
    if (v === undefined) throw new CliUsageError(`<${what}> is required`);
    return encodeURIComponent(v);
  };
  const key = opt('key');
  const write = (path: string, body: Record<string, unknown> = {}, method: 'POST' | 'PATCH' = 'POST'): CliRequest => ({
    method,
    path,
    body,
    ...(key ? { idempotencyKey: key } : {}),
  });
  const code = () => pos(0, 'code');
  const second = (what: string) => pos(1, what);

  switch (sub) {
    case 'register':
      return write('/institutions', {
        code: str('code'),
        name: str('name'),
        category: str('category'),
        level: str('level'),
        location: str('location'),
        region: str('region'),
        designations: str('designations').split(','),
        ...(flag('county-designated') ? { countyDesignated: true } : {}),
        ...(flag('pharmacy') ? { pharmacy: true } : {}),
      });
    case 'get':
      return { method: 'GET', path: `/institutions/${code()}` };
    case 'cost-base': {
      const history = opt('history')
        ?.split(',')
        .map((h) => {
          const [year, average, covid] = h.split(':');
          if (!/^\d{4}$/.test(year ?? '') || !average) throw new CliUsageError('--history items are YEAR:AVERAGE[:covid]');
          return { year: Number(year), average, ...(covid === 'covid' ? { covidLow: true } : {}) };
        });
      return write(`/institutions/${code()}/years/${second('year')}/cost-base`, {
        ...(history ? { history } : {}),
        ...(flag('sole') ? { soleInCategory: true } : {}),
        ...(opt('province') ? { provinceAverage: opt('province') } : {}),
        ...(flag('markedly-above') ? { markedlyAboveProvince: true } : {}),
      });
    }
    case 'declare':
      return write(`/institutions/${code()}/months/${second('month')}/declaration`, {
        visits: int('visits'),
        totalCost: str('total-cost'),
        fundDue: str('fund-due'),
        declaredOn: str('declared-on'),
      });
    case 'approve':
      return write(`/institutions/${code()}/months/${second('month')}/approval`, { approvedAmount: str('amount') });
    case 'advance':
      return write(`/institutions/${code()}/months/${second('month')}/advance`, opt('paid-on') ? { paidOn: opt('paid-on') } : {});
    case 'settle':
      return write(`/institutions/${code()}/years/${second('year')}/settlement`, opt('through') ? { throughMonth: opt('through') } : {});
    case 'review':
      return write(`/institutions/${code()}/years/${second('year')}/review`, {
        reviewedVisits: int('visits'),
        violatingCost: str('violating'),
        reviewedCost: str('reviewed'),
      });
    case 'assess': {
      if (flag('passed') === flag('failed')) throw new CliUsageError('give exactly one of --passed or --failed');
      return write(`/institutions/${code()}/years/${second('year')}/assessment`, {
        passed: flag('passed'),
        ...(opt('note') ? { note: opt('note') } : {}),
      });
    }
    case 'final':
      return write(`/institutions/${code()}/years/${second('year')}/final-payment`);
    case 'persons':
      return write(`/institutions/${code()}/years/${second('year')}/persons`, { count: int('count') });
    case 'capitation':
      return write(`/institutions/${code()}/months/${second('month')}/capitation`, {
        claimed: str('claimed'),
        ...(opt('consultation') ? { consultationClaimed: opt('consultation') } : {}),
      });
    case 'year':
      return { method: 'GET', path: `/institutions/${code()}/years/${second('year')}` };
    case 'explain':
      return { method: 'GET', path: `/institutions/${code()}/years/${second('year')}/explain` };
    case 'replay':
      return { method: 'GET', path: `/institutions/${code()}/years/${second('year')}/replay` };
    default:
      throw new CliUsageError(sub ? `unknown subcommand '${sub}'` : 'a subcommand is required');
  }
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the service's JSON answers, printed as they come
type Json = any;

function line(label: string, value: unknown): string {
  return `  ${label.padEnd(22)} ${value === null || value === undefined ? '—' : String(value)}`;
}

/** Human-readable rendering of a response (pure). */
export function render(req: CliRequest, status: number, body: Json): string {
  if (status >= 400) {
    const head = `error ${status}${body?.code ? ` ${body.code}` : ''}: ${body?.message ?? ''}`;
    return body?.clause ? `${head}\n  clause: ${body.clause}` : head;
  }
  if (req.method !== 'GET') {
    const out: string[] = [
      body.created === false ? `(already applied — nothing written) ${body.code}` : `${body.code} revision ${body.revision}`,
    ];
    for (const e of body.events ?? []) {
      out.push(`${e.type}`);
      for (const [k, v] of Object.entries(e.data as Record<string, unknown>)) {
        if (k === 'trace' || k === 'inputs') continue;
        out.push(line(k, typeof v === 'object' ? JSON.stringify(v) : v));
      }
    }
    return out.join('\n');
  }
  if (Array.isArray(body?.steps)) {
    return [
      `${body.code} ${body.year}: ${body.steps.length} steps`,
      ...body.steps.map(
        (s: Json, i: number) =>
          `${String(i + 1).padStart(3)}. ${s.step}  [${s.clause}]\n       in  ${JSON.stringify(s.inputs)}\n       out ${JSON.stringify(s.result)}${s.note ? `\n       note ${s.note}` : ''}`,
      ),
    ].join('\n');
  }
  if (body?.declared && Array.isArray(body.months)) {
    const out = [`${body.code} ${body.year}`];
    if (body.costBase) out.push(line('cost base', `${body.costBase.base} (${body.costBase.method}; ${body.costBase.clause})`));
    out.push('  month     visits     total cost       fund due       approved       advanced         held  declared');
    for (const m of body.months) {
      out.push(
        `  ${m.month}  ${String(m.visits).padStart(8)} ${String(m.totalCost).padStart(14)} ${String(m.fundDue).padStart(14)} ${String(m.approved ?? '—').padStart(14)} ${String(m.advanced ?? '—').padStart(14)} ${String(m.held ?? '—').padStart(12)}  ${m.declaredOn}${m.late ? ' LATE' : ''}`,
      );
    }
    out.push(
      line('declared fund due', body.declared.fundDue),
      line('approved', body.approved),
      line('advanced (95%)', body.advanced),
      line('held (5%)', body.held),
    );
    if (body.settlement)
      out.push(
        line(
          'period payable',
          `${body.settlement.payable} (average ${body.settlement.actualAverage} vs ceiling ${body.settlement.ceilingAverage ?? '—'})`,
        ),
        line('overspend', body.settlement.overspend),
      );
    if (body.review)
      out.push(line('review', `${body.review.outcome}, share ${body.review.share}, compensation ${body.review.compensation}`));
    if (body.assessment)
      out.push(
        line('assessment', `${body.assessment.passed ? 'passed' : 'failed'}; holdback released ${body.assessment.holdbackReleased}`),
      );
    if (body.final)
      out.push(
        line('final payment', body.final.finalPayment),
        line('year-end transfer', body.final.yearEndTransfer),
        line('adjustment', body.final.adjustment),
      );
    if (body.capitation)
      out.push(
        line('capitation budget', body.capitation.persons.budget),
        line('capitation paid', body.capitation.paid),
        line('capitation remaining', body.capitation.remaining),
      );
    return out.join('\n');
  }
  return Object.entries(body ?? {})
    .map(([k, v]) => line(k, typeof v === 'object' ? JSON.stringify(v) : v))
    .join('\n');
}

export interface CliIo {
  out: (text: string) => void;
  err: (text: string) => void;
}

/** Runs one subcommand against the ledger; returns the process exit code. */
export async function main(
  argv: string[],
  env: Record<string, string | undefined> = process.env,
  io: CliIo = { out: console.log, err: console.error },
): Promise<number> {
  let req: CliRequest;
  try {
    req = buildRequest(argv);
  } catch (e) {
    if (e instanceof CliUsageError) {
      io.err(`${e.message}\n\n${USAGE}`);
      return 2;
    }
    throw e;
  }
  const base = (env.LEDGER_URL ?? 'http://localhost:3000').replace(/\/$/, '');
  const apiKey = env.LEDGER_API_KEY;
  if (!apiKey) {
    io.err('LEDGER_API_KEY is not set');
    return 2;
  }
  const headers: Record<string, string> = { 'x-api-key': apiKey, accept: 'application/json' };
  if (req.body) headers['content-type'] = 'application/json';
  if (req.idempotencyKey) headers['idempotency-key'] = req.idempotencyKey;
  const res = await fetch(`${base}${req.path}`, { method: req.method, headers, body: req.body ? JSON.stringify(req.body) : undefined });
  const text = await res.text();
  let body: Json;
  try {
    body = text ? JSON.parse(text) : {};
  } catch {
    body = { message: text };
  }
  if (req.method !== 'GET' && res.headers.get('idempotent-replayed') === 'true') body.created = false;
  const out = render(req, res.status, body);
  (res.status >= 400 ? io.err : io.out)(out);
  return res.status >= 400 ? 1 : 0;
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (err) => {
      console.error(err instanceof Error ? err.message : String(err));
      process.exit(1);
    },
  );
}
