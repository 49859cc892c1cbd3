import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { EVENT_STORE, EventStore, RecordedEvent } from '../../event-store/event-store.port';
import { yieldToEventLoop } from '../../kernel/event-loop';
import type { CommandContext } from '../../event-store/stream-command';
import { CLOCK, Clock } from '../../kernel/clock';
import { PolicyRefusal } from '../../kernel/errors';
import { money } from '../../kernel/money';
import type { FamilyAccountPayment, FamilyAccountPaymentRefunded } from '../accounts/accounts.events';
import { decideAccount } from '../accounts/accounts.decide';
import type { PersonState } from '../person-stream';
import { PersonStreamWriter } from '../person-writer.service';
import { findSettlement } from './claims.state';

/** A family payment made for a settlement, as found on the holder's stream. */
export interface PendingFamilyPayment {
  holderId: string;
  beneficiaryId: string;
  settlementId: string;
  paymentId: string;
  /** When the payment was recorded (ISO instant). */
  recordedAt: string;
}

export type RefundReason = FamilyAccountPaymentRefunded['data']['reason'];

/** What a pending payment needs: nothing more (resolved), time (its settlement may be in flight), or a refund down to `keep`. */
export type FamilyPaymentVerdict = { kind: 'resolved' } | { kind: 'wait' } | { kind: 'refund'; keep: string; reason: RefundReason };

/**
 * Pure: what the holder's payment should still hold, judged from both streams' state.
 * A payment kept by its landed settlement holds that settlement's share; a reversed one
 * holds nothing; one whose settlement was never recorded is refunded once it is older
 * than `afterMs` (younger, its VisitSettled may still be on its way).
 */
export function judgeFamilyPayment(
  payment: PendingFamilyPayment,
  holder: PersonState,
  beneficiary: PersonState,
  nowMs: number,
  afterMs: number,
): FamilyPaymentVerdict {
  const outstanding = money(holder.account.familyPayments[payment.paymentId]?.outstanding ?? '0.00');
  if (!outstanding.greaterThan(0)) return { kind: 'resolved' };
  const settlement = findSettlement(beneficiary.claims, payment.settlementId);
  if (settlement && settlement.familyPayment?.paymentId === payment.paymentId) {
    if (settlement.reversed) return { kind: 'refund', keep: '0.00', reason: 'settlement_reversed' };
    const keep = settlement.familyPayment.amount;
    return outstanding.greaterThan(money(keep)) ? { kind: 'refund', keep, reason: 'settlement_recomputed' } : { kind: 'resolved' };
  }
  if (nowMs - Date.parse(payment.recordedAt) < afterMs) return { kind: 'wait' };
  return { kind: 'refund', keep: '0.00', reason: 'settlement_not_recorded' };
}

export interface ReconcilerSettings {
  /** A payment without its settlement is refunded once older than this. */
  afterMs: number;
  /** How often the reconciler looks (0: only at start and on demand). */
  everyMs: number;
}

/** From LEDGER_FAMILY_RECONCILE_AFTER_MS (default 60 s) and LEDGER_FAMILY_RECONCILE_EVERY_MS (default 15 s). */
export function reconcilerSettings(env: NodeJS.ProcessEnv = process.env): ReconcilerSettings {
  const read = (name: string, fallback: number): number => {
    const raw = env[name];
    if (raw === undefined || raw === '') return fallback;
    if (!/^\d{1,9}$/.test(raw)) throw new Error(`${name} must be a whole number of milliseconds, got ${JSON.stringify(raw)}`);
    return Number(raw);
  };
  return { afterMs: read('LEDGER_FAMILY_RECONCILE_AFTER_MS', 60_000), everyMs: read('LEDGER_FAMILY_RECONCILE_EVERY_MS', 15_000) };
}

const PAGE = 2_000;
const FAMILY_PAYMENTS = ['FamilyAccountPayment'];

/** The key of a reconciliation refund: derived from the payment and its target, so it is written once. */
export function refundContext(paymentId: string, keep: string): CommandContext {
  return { commandId: `ledger:reconcile:${paymentId}:${keep}`, actor: 'ledger:family-reconciler' };
}

/**
 * Issue 11 item 6: the relative-account saga writes FamilyAccountPayment on the holder's
 * stream, then VisitSettled on the beneficiary's; a process that dies between the two
 * leaves the holder debited. This reconciler follows the log for family payments made
 * for settlements and, at start and every `everyMs`, judges each from both streams'
 * state. The refund is a FamilyAccountPaymentRefunded naming its reason, written under a
 * key derived from the payment and the target, and decided as a target on fresh state:
 * two processes, a retry and the saga's own compensation never refund twice.
 */
@Injectable()
export class FamilyPaymentReconciler implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('family-reconciler');
  private readonly settings = reconcilerSettings();
  private readonly pending = new Map<string, PendingFamilyPayment>();
  private scannedTo = 0;
  private running: Promise<number> | undefined;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly writer: PersonStreamWriter,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  /** First pass at start, in the background (it reads the whole log once; the service need not wait for it). */
  onApplicationBootstrap(): void {
    this.runLogged();
    if (this.settings.everyMs > 0) {
      this.timer = setInterval(() => this.runLogged(), this.settings.everyMs);
      this.timer.unref();
    }
  }

  private runLogged(): void {
    this.reconcile().catch((e) => this.logger.error(`family-payment reconciliation failed: ${e instanceof Error ? e.message : String(e)}`));
  }

  async onModuleDestroy(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.running?.catch(() => undefined);
  }

  /** One pass (runs are never concurrent in one process); resolves to the number of refunds written. */
  reconcile(): Promise<number> {
    this.running ??= this.pass().finally(() => (this.running = undefined));
    return this.running;
  }

  private async pass(): Promise<number> {
    await this.follow();
    let refunds = 0;
    for (const payment of [...this.pending.values()]) {
      if (await this.judgeAndRefund(payment).catch((e) => this.failed(payment, e))) refunds++;
    }
    if (refunds > 0) this.logger.warn(`refunded ${refunds} family payment(s) whose settlement was not recorded as paid`);
    return refunds;
  }

  /**
   * Reads the family payments written since the last pass (only those: a pass used to parse
   * every event of the interval, ~0.6 s of blocked event loop every 15 s under load) and
   * remembers each made for a settlement. The head is read first: a short last page means
   * no family payment up to it remains unread, whatever the positions of the others.
   */
  private async follow(): Promise<void> {
    const head = await this.store.headPosition();
    for (;;) {
      const page = await this.store.readAll({ afterPosition: this.scannedTo, maxCount: PAGE, eventTypes: FAMILY_PAYMENTS });
      for (const e of page) this.remember(e);
      if (page.length > 0) this.scannedTo = page[page.length - 1].position;
      if (page.length < PAGE) break;
      await yieldToEventLoop();
    }
    this.scannedTo = Math.max(this.scannedTo, head);
  }

  private remember(e: RecordedEvent): void {
    if (e.type !== 'FamilyAccountPayment' || !e.streamId.startsWith('person-')) return;
    const data = e.data as FamilyAccountPayment['data'];
    if (data.purpose !== 'relative_self_pay' || !data.settlementId) return;
    this.pending.set(data.paymentId, {
      holderId: e.streamId.slice('person-'.length),
      beneficiaryId: data.beneficiaryId,
      settlementId: data.settlementId,
      paymentId: data.paymentId,
      recordedAt: e.metadata.recordedAt,
    });
  }

  /** One payment's failure does not stop the others: a refusal is final (logged, dropped); anything else is tried again next pass. */
  private failed(payment: PendingFamilyPayment, e: unknown): false {
    if (e instanceof PolicyRefusal) this.pending.delete(payment.paymentId);
    this.logger.error(`family payment ${payment.paymentId} of ${payment.holderId}: ${e instanceof Error ? e.message : String(e)}`);
    return false;
  }

  /** Judges one payment from fresh state and writes its refund if one is due; true if written. */
  private async judgeAndRefund(payment: PendingFamilyPayment): Promise<boolean> {
    const holder = (await this.writer.loadForDecision(payment.holderId, { mustExist: false })).state;
    const beneficiary = (await this.writer.loadForDecision(payment.beneficiaryId, { mustExist: false })).state;
    const verdict = judgeFamilyPayment(payment, holder, beneficiary, this.clock.now().getTime(), this.settings.afterMs);
    if (verdict.kind === 'wait') return false;
    if (verdict.kind === 'resolved') {
      this.pending.delete(payment.paymentId);
      return false;
    }
    const { keep, reason } = verdict;
    const out = await this.writer.write(payment.holderId, refundContext(payment.paymentId, keep), (state) =>
      decideAccount({ type: 'RefundFamilyPayment', data: { paymentId: payment.paymentId, keep, reason } }, state),
    );
    this.pending.delete(payment.paymentId); // only once written: a failed write is tried again next pass
    return out.created && out.events.length > 0;
  }
}
