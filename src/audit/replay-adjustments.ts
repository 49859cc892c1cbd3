/**
 * Issue 15 item 3: replay of corrections. Every SettlementAdjusted carries the whole input
 * the engine was given, so replay recomputes `adjudicate(input, pack)` under the pack it
 * names — the catalogue's, or for a policy-parameter correction the pack derived again from
 * its base version and the override it records — and compares byte for byte with the
 * recorded decision, like any settlement. The figures it states (previous, adjusted, delta)
 * must agree with the decisions before and after it. Pure.
 */
import type { Money3, SettlementAdjusted } from '../corrections/correction.events';
import { derivePack } from '../corrections/derived-pack';
import { fmt, money } from '../kernel/money';
import { adjudicate } from '../policy/engine/adjudicate';
import type { Decision } from '../policy/engine/types';
import type { PolicyPack } from '../policy/pack.types';
import type { Difference } from './json-diff';
import { jsonDiff } from './json-diff';

export interface PackByVersion {
  byVersion(version: string): PolicyPack | undefined;
}

const figuresOf = (d: Decision): Money3 => ({ fund: d.amounts.fund, account: d.amounts.account, cash: d.amounts.cash });
const minus = (a: string, b: string): string => fmt(money(a).minus(money(b)));

/** The pack a SettlementAdjusted was decided under, or why it cannot be found. */
export function packOfAdjustment(data: SettlementAdjusted['data'], packs: PackByVersion): PolicyPack | string {
  const override = data.policyOverride;
  if (!override) return packs.byVersion(data.policyVersion) ?? '(no pack with this version in the catalogue)';
  const base = packs.byVersion(override.basePolicyVersion);
  if (!base) return `(no base pack ${override.basePolicyVersion} in the catalogue)`;
  try {
    return derivePack(base, override);
  } catch (e) {
    return `(the override cannot be derived: ${(e as Error).message})`;
  }
}

/**
 * Every way a recorded adjustment disagrees with its recomputation. `inForce` is the
 * settlement's decision before it (the VisitSettled's, or the previous adjustment's).
 */
export function checkAdjustment(data: SettlementAdjusted['data'], inForce: Decision | undefined, packs: PackByVersion): Difference[] {
  const out: Difference[] = [];
  const pack = packOfAdjustment(data, packs);
  if (typeof pack === 'string') return [{ path: 'policyVersion', recorded: data.policyVersion, recomputed: pack }];
  if (pack.version !== data.policyVersion) out.push({ path: 'policyVersion', recorded: data.policyVersion, recomputed: pack.version });
  let recomputed: Decision;
  try {
    recomputed = adjudicate(data.input, pack);
  } catch (e) {
    return [...out, { path: 'decision', recorded: '(recorded decision)', recomputed: `(recomputation refused: ${(e as Error).message})` }];
  }
  out.push(...jsonDiff(data.decision, recomputed, 'decision'));
  out.push(...jsonDiff(data.adjusted, figuresOf(recomputed), 'adjusted'));
  if (inForce) out.push(...jsonDiff(data.previous, figuresOf(inForce), 'previous'));
  const delta = {
    fund: minus(data.adjusted.fund, data.previous.fund),
    account: minus(data.adjusted.account, data.previous.account),
    cash: minus(data.adjusted.cash, data.previous.cash),
  };
  out.push(...jsonDiff(data.delta, delta, 'delta'));
  return out;
}

/** The decision in force for each settlement of a stream, as replay walks it (settled, then each adjustment). */
export class DecisionsInForce {
  private readonly bySettlement = new Map<string, Decision>();

  settled(settlementId: string, decision: Decision): void {
    this.bySettlement.set(settlementId, decision);
  }

  /** Checks an adjustment against the decision before it, then makes it the one in force. */
  adjust(data: SettlementAdjusted['data'], packs: PackByVersion): Difference[] {
    const differences = checkAdjustment(data, this.bySettlement.get(data.settlementId), packs);
    this.bySettlement.set(data.settlementId, data.decision);
    return differences;
  }
}
