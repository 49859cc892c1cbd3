import { Inject, Injectable } from '@nestjs/common';
import { EVENT_STORE, EventStore, ReadStreamOptions, RecordedEvent } from '../event-store/event-store.port';
import { upcast } from '../event-store/upcasting';
import { POLICY_CATALOG } from '../infrastructure/tokens';
import { NotFound } from '../kernel/errors';
import type { SettlementAdjusted } from '../corrections/correction.events';
import type { SettlementReversed, VisitSettled } from '../modules/claims/claims.events';
import type { PolicyCatalog } from '../policy/catalog';
import { AsOf, recordedBy } from '../projections/person-views';
import { explainSettlement, Explanation } from './explain';
import { packProvenance, PackProvenance, packSummary, PackSummary } from './policy-provenance';
import { replayPersonYear, ReplayReport } from './replay';
import { readSeals, verifyLedger, VerifyReport } from './seals/ledger-verification';
import { ChainVerifier } from './seals/chain-verifier.service';
import { SealRecord } from './seals/seal';
import { WhatIfChanges, WhatIfReport, whatIfYear } from './what-if';

/** The auditor's use cases; they read the store and the catalogue and never write. */
@Injectable()
export class AuditService {
  /** The pass over the whole log under way: callers meanwhile share it rather than start another. */
  private verifying: Promise<VerifyReport> | undefined;

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(POLICY_CATALOG) private readonly catalog: PolicyCatalog,
    private readonly chain: ChainVerifier,
  ) {}

  private async stream(personId: string, options?: ReadStreamOptions): Promise<RecordedEvent[]> {
    const events = await this.store.readStream(`person-${personId}`, options);
    if (events.length === 0) throw new NotFound('person', personId);
    return events;
  }

  async replay(personId: string, year: number): Promise<ReplayReport> {
    // The stored texts let the chain check hash them as they are (tamper-chain.ts).
    return replayPersonYear(personId, await this.stream(personId, { withStoredText: true }), year, this.catalog);
  }

  async whatIf(personId: string, year: number, changes: WhatIfChanges): Promise<WhatIfReport> {
    return whatIfYear(personId, await this.stream(personId), year, changes, this.catalog);
  }

  /** With `asOf`, the settlement as the ledger stood then (e.g. before its reversal). */
  async explain(personId: string, settlementId: string, asOf?: AsOf): Promise<Explanation> {
    const events = (await this.stream(personId)).map(upcast).filter((e) => recordedBy(e, asOf));
    const settled = events.find((e) => e.type === 'VisitSettled' && (e.data as VisitSettled['data']).settlementId === settlementId);
    if (!settled) throw new NotFound('settlement', settlementId);
    const reversal = events.find(
      (e) => e.type === 'SettlementReversed' && (e.data as SettlementReversed['data']).settlementId === settlementId,
    );
    const adjustments = events.filter(
      (e) => e.type === 'SettlementAdjusted' && (e.data as SettlementAdjusted['data']).settlementId === settlementId,
    );
    return explainSettlement(
      personId,
      settled.data as VisitSettled['data'],
      settled.position,
      reversal?.data as SettlementReversed['data'] | undefined,
      adjustments.map((e) => ({ data: e.data as SettlementAdjusted['data'], position: e.position })),
    );
  }

  seals(): Promise<SealRecord[]> {
    return readSeals(this.store);
  }

  /**
   * Reads and hashes every event, on the chain verifier's thread once the log is long enough.
   * Requests that arrive during a pass get its report (its headPosition says how far it read):
   * two auditors' clicks read the log once.
   */
  verify(): Promise<VerifyReport> {
    this.verifying ??= this.chain
      .wholeLogLinks()
      .then((links) => verifyLedger(this.store, undefined, links))
      .finally(() => (this.verifying = undefined));
    return this.verifying;
  }

  policies(): PackSummary[] {
    return this.catalog.packs().map(packSummary);
  }

  policy(id: string): PackProvenance {
    const pack = this.catalog.byId(id) ?? this.catalog.byVersion(id);
    if (!pack) throw new NotFound('policy pack', id);
    return packProvenance(pack);
  }
}
