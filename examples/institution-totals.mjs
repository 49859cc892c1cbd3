#!/usr/bin/env node
/**
 * An example downstream read model built on the ledger's event feed (issue 12 item 3):
 * the fund paid per institution (VisitSettled adds the decision's fund amount, a
 * SettlementReversed takes it back). Plain Node 20, no dependencies.
 *
 *   LEDGER_URL=http://127.0.0.1:3000 LEDGER_KEY=<agency or auditor key> \
 *     node examples/institution-totals.mjs --state totals.json [--until-caught-up] [--limit 200]
 *
 * It survives restarts: after each page it writes its position and totals together, to a
 * temporary file that is then renamed over the state file (a rename is atomic), so a crash
 * leaves either the old state or the new one, never half of each. On restart it asks the
 * feed for events after the saved position: each event is counted exactly once.
 * Money is kept in integer fen (BigInt), never in floating point.
 */
import { closeSync, existsSync, fsyncSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';

const args = process.argv.slice(2);
const option = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : fallback;
};
const statePath = option('state', 'institution-totals.json');
const limit = Number(option('limit', '200'));
const pageDelayMs = Number(option('page-delay-ms', '0'));
const untilCaughtUp = args.includes('--until-caught-up');
const baseUrl = process.env.LEDGER_URL ?? 'http://127.0.0.1:3000';
const key = process.env.LEDGER_KEY;

/** "123.45" → 12345n; the ledger's amounts are decimal strings with at most two decimals. */
function toFen(amount) {
  const [yuan, fen = ''] = amount.split('.');
  const sign = yuan.startsWith('-') ? -1n : 1n;
  return sign * (BigInt(yuan.replace('-', '')) * 100n + BigInt(fen.padEnd(2, '0')));
}

function toYuan(fen) {
  const sign = fen < 0n ? '-' : '';
  const abs = fen < 0n ? -fen : fen;
  return `${sign}${abs / 100n}.${String(abs % 100n).padStart(2, '0')}`;
}

function load() {
  if (!existsSync(statePath)) return { position: 0, totals: {}, settlements: {} };
  return JSON.parse(readFileSync(statePath, 'utf8'));
}

/** Write-temp, fsync, rename: the state file is always one whole snapshot. */
function save(state) {
  const tmp = `${statePath}.tmp`;
  const fd = openSync(tmp, 'w');
  writeSync(fd, JSON.stringify(state));
  fsyncSync(fd);
  closeSync(fd);
  renameSync(tmp, statePath);
}

function apply(state, event) {
  const d = event.data;
  const ref = `${event.streamId}:${d.settlementId}`;
  if (event.type === 'VisitSettled') {
    const fund = toFen(d.decision.amounts.fund);
    state.settlements[ref] = { institution: d.institution.code, fund: d.decision.amounts.fund };
    state.totals[d.institution.code] = toYuan(toFen(state.totals[d.institution.code] ?? '0.00') + fund);
  } else if (event.type === 'SettlementReversed') {
    const settled = state.settlements[ref];
    if (!settled) return; // settled before this consumer's first position
    state.totals[settled.institution] = toYuan(toFen(state.totals[settled.institution]) - toFen(settled.fund));
    delete state.settlements[ref];
  }
}

async function page(after) {
  const url = `${baseUrl}/feed?after=${after}&limit=${limit}&category=person&type=VisitSettled,SettlementReversed`;
  const res = await fetch(url, { headers: { 'x-api-key': key } });
  if (!res.ok) throw new Error(`GET /feed: ${res.status} ${await res.text()}`);
  return res.json();
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function main() {
  if (!key) throw new Error('LEDGER_KEY is required (an agency or auditor key)');
  const state = load();
  for (;;) {
    const { items, next, head } = await page(state.position);
    for (const event of items) apply(state, event);
    state.position = next;
    save(state);
    if (next >= head) {
      if (untilCaughtUp) break;
      await sleep(1000);
    } else if (pageDelayMs > 0) await sleep(pageDelayMs);
  }
  process.stdout.write(`${JSON.stringify({ position: state.position, totals: state.totals })}\n`);
}

main().catch((e) => {
  process.stderr.write(`${e.message}\n`);
  process.exit(1);
});
