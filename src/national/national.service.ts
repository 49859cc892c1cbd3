/**
 * The outpatient call sequence (2201 → 2204 → 2206/2207 → 2208) mapped onto the ledger's
 * own commands: registration and fee lines are facts on the visit's stream; pre-settle,
 * settle and reverse go through the same CommandBus commands as POST /persons/:id/visits.
 */
import { Inject, Injectable } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { createHash } from 'node:crypto';
import { tamperSeal } from '../audit/tamper-chain';
import { EVENT_STORE, EventStore } from '../event-store/event-store.port';
import { CommandContext, DomainEvent, runStreamCommand, withFingerprint } from '../event-store/stream-command';
import { commandContext } from '../http/command-context';
import type { Principal } from '../http/roles';
import { InstitutionRegistry } from '../institutions/institution-registry.service';
import { CLOCK, Clock, ID_GENERATOR, IdGenerator } from '../kernel/clock';
import { Forbidden, PolicyRefusal } from '../kernel/errors';
import { ledgerRule } from '../policy/citation';
import { money } from '../kernel/money';
import type { Decision } from '../policy/engine/types';
import { PreSettleVisit, ReverseSettlement, SettleVisit, VisitRequest } from '../modules/claims/commands/claims.command';
import type { VisitSettled } from '../modules/claims/claims.events';
import { categoryOn } from '../modules/enrollment/enrollment.state';
import { PersonStreamWriter } from '../modules/person-writer.service';
import { lookup } from './code-tables';
import {
  Envelope2201Dto,
  Envelope2204Dto,
  Envelope2206Dto,
  Envelope2207Dto,
  Envelope2208Dto,
  Output2201,
  Output2204,
  Output2207,
  Output2208,
} from './national.dto';
import { billLines, beijingTime, checkLineArithmetic, checkTotals, lineOwnPay, negate, setlDetail, setlInfo } from './national.mapping';
import { foldNationalVisit, NationalVisitState, registeredFor, registerVisit, uploadFeeLines } from './national-visit.decide';
import { visitStreamId, VisitRegistered } from './national-visit.events';
import { nationalTimeToInstant } from './national.validators';
import { checkInstantHappened } from '../kernel/not-ahead';

const shortHash = (s: string): string => createHash('sha256').update(s).digest('hex').slice(0, 16).toUpperCase();

/** The visit id the platform answers in 2201: fixed by institution and outpatient number. */
export const mdtrtIdOf = (fixmedinsCode: string, iptOtpNo: string): string => `MD${shortHash(`${fixmedinsCode}|${iptOtpNo}`)}`;
/** The settlement id of a 2207 message: a retry (same msgid) names the same settlement. */
export const setlIdOf = (mdtrtId: string, msgid: string): string => `ST${shortHash(`${mdtrtId}|${msgid}`)}`;

const PRIMARY = new Set(['village', 'township', 'level1']);

@Injectable()
export class NationalService {
  constructor(
    private readonly commands: CommandBus,
    private readonly persons: PersonStreamWriter,
    private readonly registry: InstitutionRegistry,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(ID_GENERATOR) private readonly ids: IdGenerator,
  ) {}

  /** Institution keys act only for their own fixmedins_code (the claims controller's rule). */
  private checkInstitution(p: Principal, code: string): void {
    if (p.role === 'institution' && p.institutionCode !== code) {
      throw new Forbidden(`this key acts for institution ${p.institutionCode}, not ${code}`);
    }
  }

  /** The call's context: msgid is its idempotency key, bound to the call's input. */
  private context(p: Principal, infno: string, msgid: string, streamId: string, input: unknown): CommandContext {
    return withFingerprint(commandContext(p, `national-${infno}-${msgid}`), `national.${infno}`, streamId, input);
  }

  private async writeVisit(mdtrtId: string, context: CommandContext, decide: (s: NationalVisitState) => DomainEvent[]) {
    const streamId = visitStreamId(mdtrtId);
    return runStreamCommand({
      store: this.store,
      clock: this.clock,
      newId: () => this.ids.next(),
      streamId,
      context,
      seal: tamperSeal(streamId),
      fold: foldNationalVisit,
      decide: (state) => decide(state),
      result: (written) => written,
    });
  }

  private async visit(mdtrtId: string): Promise<NationalVisitState> {
    return foldNationalVisit(await this.store.readStream(visitStreamId(mdtrtId)));
  }

  async register(env: Envelope2201Dto, p: Principal): Promise<Output2201> {
    const d = env.input.data;
    this.checkInstitution(p, env.fixmedins_code);
    const scheme = lookup('insutype', 'input.data.insutype', d.insutype).scheme;
    const occurredAt = nationalTimeToInstant(d.begntime);
    // A visit is registered once it has begun: a begntime of 2099 would open a visit no settlement can close.
    checkInstantHappened('input.data.begntime', occurredAt, this.clock.now());
    const person = (await this.persons.loadForDecision(d.psn_no)).state.enrollment;
    if (person.scheme !== scheme) {
      throw new PolicyRefusal(
        'INSUTYPE_MISMATCH',
        ledgerRule('national-2201-insutype-is-the-enrolled-scheme'),
        `insutype ${d.insutype} (${scheme}) is not the scheme of psn_no ${d.psn_no} (${person.scheme})`,
        { given: d.insutype, enrolled: person.scheme },
      );
    }
    if (d.psn_type) {
      const given = lookup('psn_type', 'input.data.psn_type', d.psn_type).category;
      const enrolled = categoryOn(person, occurredAt.slice(0, 10));
      if (given !== enrolled)
        throw new PolicyRefusal(
          'PSN_TYPE_MISMATCH',
          ledgerRule('national-2201-psn-type-is-the-category'),
          `psn_type ${d.psn_type} (${given}) is not the category of psn_no ${d.psn_no} on ${occurredAt.slice(0, 10)} (${enrolled})`,
          { given: d.psn_type, enrolled },
        );
    }
    await this.checkLevel(env.fixmedins_code, d.hosp_lv);
    const mdtrtId = mdtrtIdOf(env.fixmedins_code, d.ipt_otp_no);
    const data: VisitRegistered['data'] = {
      mdtrt_id: mdtrtId,
      psn_no: d.psn_no,
      fixmedins_code: env.fixmedins_code,
      ipt_otp_no: d.ipt_otp_no,
      insutype: d.insutype,
      mdtrt_cert_type: d.mdtrt_cert_type,
      begntime: d.begntime,
      occurredAt,
      ...(d.psn_type ? { psn_type: d.psn_type } : {}),
      ...(d.psn_cert_type ? { psn_cert_type: d.psn_cert_type } : {}),
      ...(d.hosp_lv ? { hosp_lv: d.hosp_lv } : {}),
      ...(d.dept_code ? { dept_code: d.dept_code } : {}),
      ...(d.atddr_no ? { atddr_no: d.atddr_no } : {}),
    };
    // The certificate number is not kept: the ledger stores no identity-document numbers.
    const { mdtrt_cert_no: _omit, ...kept } = d;
    await this.writeVisit(
      mdtrtId,
      this.context(p, '2201', env.msgid, visitStreamId(mdtrtId), { fixmedins_code: env.fixmedins_code, ...kept }),
      (s) => registerVisit(data, s),
    );
    return { data: { mdtrt_id: mdtrtId, psn_no: d.psn_no, ipt_otp_no: d.ipt_otp_no } };
  }

  /** The registry's institution; hosp_lv, when sent, must name its level. */
  private async checkLevel(code: string, hospLv: string | undefined): Promise<void> {
    const profile = await this.registry.find(code);
    if (!profile)
      throw new PolicyRefusal('UNKNOWN_INSTITUTION', ledgerRule('registered-institution'), `institution ${code} is not registered`);
    if (!hospLv) return;
    const level = lookup('hosp_lv', 'input.data.hosp_lv', hospLv).level;
    const registered = PRIMARY.has(profile.level) ? 'level1' : profile.level;
    if (level !== registered) {
      throw new PolicyRefusal(
        'HOSP_LV_MISMATCH',
        ledgerRule('national-2201-hosp-lv-is-the-registered-level'),
        `hosp_lv ${hospLv} (${level}) is not the registered level of ${code} (${profile.level})`,
        { given: hospLv, registered: profile.level },
      );
    }
  }

  async uploadFees(env: Envelope2204Dto, p: Principal): Promise<Output2204> {
    const lines = env.input.feedetail;
    const first = lines[0];
    lines.forEach((l, i) => {
      for (const f of ['mdtrt_id', 'psn_no', 'chrg_bchno'] as const) {
        if (l[f] !== first[f])
          throw new PolicyRefusal(
            'FEE_BATCH_MIXED',
            ledgerRule('national-2204-one-batch-one-visit'),
            `input.feedetail.${i}.${f} ${l[f]} differs from the batch's ${first[f]}: one call uploads one batch of one visit`,
            { field: f },
          );
      }
      checkLineArithmetic(l, i);
    });
    const reg = registeredFor(await this.visit(first.mdtrt_id), first.mdtrt_id, first.psn_no);
    this.checkInstitution(p, reg.fixmedins_code);
    this.checkInstitution(p, env.fixmedins_code);
    const stored = lines.map(({ mdtrt_id: _m, psn_no: _p, chrg_bchno: _c, ...line }) => line);
    const data = { mdtrt_id: first.mdtrt_id, psn_no: first.psn_no, chrg_bchno: first.chrg_bchno, lines: stored };
    await this.writeVisit(first.mdtrt_id, this.context(p, '2204', env.msgid, visitStreamId(first.mdtrt_id), env.input), (s) =>
      uploadFeeLines(data, s),
    );
    return {
      result: stored.map((l) => ({
        feedetl_sn: l.feedetl_sn,
        chrg_bchno: first.chrg_bchno,
        det_item_fee_sumamt: l.det_item_fee_sumamt,
        chrgitm_lv: l.chrgitm_lv,
        fulamt_ownpay_amt: lineOwnPay(l),
      })),
    };
  }

  /** The ledger's visit request for a 2206/2207 call, after every national check. */
  private async visitRequest(
    env: Envelope2206Dto | Envelope2207Dto,
    p: Principal,
    settlementId: string,
  ): Promise<{ request: VisitRequest; reg: VisitRegistered['data'] }> {
    const d = env.input.data;
    const visit = await this.visit(d.mdtrt_id);
    const reg = registeredFor(visit, d.mdtrt_id, d.psn_no);
    this.checkInstitution(p, env.fixmedins_code);
    this.checkInstitution(p, reg.fixmedins_code);
    if (reg.insutype !== d.insutype) {
      throw new PolicyRefusal(
        'INSUTYPE_MISMATCH',
        ledgerRule('national-insutype-is-the-registered-visit-s'),
        `insutype ${d.insutype} is not the registered visit's ${reg.insutype}`,
        { given: d.insutype, registered: reg.insutype },
      );
    }
    const lines = visit.batches[d.chrg_bchno];
    if (!lines)
      throw new PolicyRefusal(
        'FEE_BATCH_UNKNOWN',
        ledgerRule('national-fee-batch-uploaded'),
        `no fee lines uploaded (2204) under chrg_bchno ${d.chrg_bchno} for visit ${d.mdtrt_id}`,
        { chrg_bchno: d.chrg_bchno },
      );
    checkTotals(d, lines);
    const request: VisitRequest = {
      settlementId,
      institutionCode: reg.fixmedins_code,
      account: { source: lookup('acct_used_flag', 'input.data.acct_used_flag', d.acct_used_flag).source },
      visit: {
        visitId: d.mdtrt_id,
        occurredAt: reg.occurredAt,
        settledAt: d.setl_time ? nationalTimeToInstant(d.setl_time) : this.clock.now().toISOString(),
        medType: lookup('med_type', 'input.data.med_type', d.med_type).medType,
        lines: billLines(lines),
      },
    };
    return { request, reg };
  }

  private ids2207(env: Envelope2206Dto | Envelope2207Dto, setlId: string, settledAt: string) {
    const d = env.input.data;
    return {
      setl_id: setlId,
      mdtrt_id: d.mdtrt_id,
      psn_no: d.psn_no,
      insutype: d.insutype,
      med_type: d.med_type,
      mdtrt_cert_type: d.mdtrt_cert_type,
      setl_time: beijingTime(settledAt),
    };
  }

  private async balance(personId: string): Promise<string> {
    return (await this.persons.loadForDecision(personId, { mustExist: false })).state.account.balance;
  }

  async preSettle(env: Envelope2206Dto, p: Principal): Promise<Output2207> {
    const { request } = await this.visitRequest(env, p, 'PRE-SETTLEMENT');
    const decision: Decision = await this.commands.execute(new PreSettleVisit(env.input.data.psn_no, request, p));
    const balc = balanceAfter(await this.balance(env.input.data.psn_no), decision.national.acct_pay);
    return { setlinfo: setlInfo(decision, this.ids2207(env, '', request.visit.settledAt), balc), setldetail: setlDetail(decision) };
  }

  async settle(env: Envelope2207Dto, p: Principal): Promise<Output2207> {
    const d = env.input.data;
    const setlId = setlIdOf(d.mdtrt_id, env.msgid);
    const { request } = await this.visitRequest(env, p, setlId);
    const context = this.context(p, '2207', env.msgid, `person-${d.psn_no}`, env.input);
    const outcome = await this.commands.execute(new SettleVisit(d.psn_no, request, p, context));
    // Built from the stored settlement: a retried msgid answers the first settlement's figures.
    const settled = await this.storedSettlement(d.psn_no, outcome.settlementId);
    return {
      setlinfo: setlInfo(outcome.decision, this.ids2207(env, outcome.settlementId, settled.visit.settledAt), await this.balance(d.psn_no)),
      setldetail: setlDetail(outcome.decision),
    };
  }

  private async storedSettlement(personId: string, settlementId: string): Promise<VisitSettled['data']> {
    // The visit and its amounts, never the trace: read as the settlement's own load read it.
    const { events } = await this.persons.loadForDecision(personId, { mustExist: false });
    const found = events.find((e) => e.type === 'VisitSettled' && (e.data as VisitSettled['data']).settlementId === settlementId);
    if (!found)
      throw new PolicyRefusal(
        'SETTLEMENT_UNKNOWN',
        ledgerRule('known-settlement'),
        `no settlement ${settlementId} for psn_no ${personId}`,
        { setl_id: settlementId },
      );
    return found.data as VisitSettled['data'];
  }

  async reverse(env: Envelope2208Dto, p: Principal): Promise<Output2208> {
    const d = env.input.data;
    const reg = registeredFor(await this.visit(d.mdtrt_id), d.mdtrt_id, d.psn_no);
    this.checkInstitution(p, env.fixmedins_code);
    this.checkInstitution(p, reg.fixmedins_code);
    const settled = await this.storedSettlement(d.psn_no, d.setl_id);
    if (settled.visit.visitId !== d.mdtrt_id) {
      throw new PolicyRefusal(
        'SETL_MDTRT_MISMATCH',
        ledgerRule('national-2208-settlement-of-the-visit'),
        `settlement ${d.setl_id} is of visit ${settled.visit.visitId}, not ${d.mdtrt_id}`,
        { given: d.mdtrt_id, settled: settled.visit.visitId },
      );
    }
    const context = this.context(p, '2208', env.msgid, `person-${d.psn_no}`, env.input);
    await this.commands.execute(new ReverseSettlement(d.psn_no, d.setl_id, `national 2208 (msgid ${env.msgid})`, p, context));
    const n = settled.decision.national;
    return {
      setlinfo: {
        setl_id: d.setl_id,
        mdtrt_id: d.mdtrt_id,
        psn_no: d.psn_no,
        medfee_sumamt: negate(n.medfee_sumamt),
        fund_pay_sumamt: negate(n.fund_pay_sumamt),
        hifp_pay: negate(n.hifp_pay),
        psn_part_amt: negate(n.psn_part_amt),
        acct_pay: negate(n.acct_pay),
        acct_mulaid_pay: negate(n.acct_mulaid_pay),
        psn_cash_pay: negate(n.psn_cash_pay),
        balc: await this.balance(d.psn_no),
      },
    };
  }
}

/** Balance after paying `paid` from it (a pre-settlement writes nothing). */
function balanceAfter(balance: string, paid: string): string {
  return money(balance).minus(money(paid)).toFixed(2);
}
