/**
 * Response schemas for the OpenAPI document (issue 12 item 5): one class per answer, so a
 * client generator gets a named, typed model for every operation. Top-level fields are
 * typed; deeply nested policy structures (traces, trace steps, pack values) are typed as
 * objects whose shape the description names.
 */
import {
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiNotFoundResponse,
  ApiProperty,
  ApiPropertyOptional,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import { listOf, REASON_CODES, type ReasonCode } from '../policy/reason-codes';
import { EXAMPLES } from './openapi-examples';

const OBJECT = { type: 'object', additionalProperties: true } as const;
const OBJECTS = { type: 'array', items: { type: 'object', additionalProperties: true } } as const;
const MONEY = { type: String, example: '93.50', description: 'Decimal string, yuan with two decimals' } as const;

// ------------------------------------------------------------------ errors

export class FieldErrorDto {
  @ApiProperty({ example: 'occurredAt' }) field!: string;
  @ApiProperty({ example: 'isInstant' }) rule!: string;
  @ApiProperty({ example: 'occurredAt must be an ISO-8601 time with an offset' }) message!: string;
}

export class BadRequestDto {
  @ApiProperty({ example: 400 }) statusCode!: number;
  @ApiProperty({ example: 'Bad Request' }) error!: string;
  @ApiProperty() message!: string;
  @ApiProperty({ type: [FieldErrorDto] }) errors!: FieldErrorDto[];
}

export class RefusalDto {
  @ApiProperty({ example: 422 }) statusCode!: number;
  @ApiProperty({ example: 'Unprocessable Entity' }) error!: string;
  @ApiProperty({ example: 'REVERSAL_WINDOW_PASSED', description: 'Reason code' }) code!: string;
  @ApiProperty({
    example: 'config/deployment-policy.json packs.jiaozuo-employee-2024.reversalWindowDays',
    description: 'The clause refusing: "<document> <clause>", "ledger rule <name>" or a deployment parameter',
  })
  clause!: string;
  @ApiProperty() message!: string;
  @ApiPropertyOptional(OBJECT) details?: Record<string, unknown>;
}

export class ErrorDto {
  @ApiProperty({ example: 404 }) statusCode!: number;
  @ApiProperty({ example: 'Not Found' }) error!: string;
  @ApiPropertyOptional({ example: 'CONCURRENCY_CONFLICT' }) code?: string;
  @ApiProperty() message!: string;
}

const NOT_FOUND_EXAMPLE = { statusCode: 404, error: 'Not Found', message: 'person P-0404 not found' };
const CONFLICT_EXAMPLE = {
  statusCode: 409,
  error: 'Conflict',
  code: 'CONCURRENCY_CONFLICT',
  message: 'stream person-P-0001 changed meanwhile; retry',
};

/** 400 (field and rule) on any operation that takes input. */
export const ApiBadRequest = () =>
  ApiBadRequestResponse({
    description: 'Invalid input: names the field and the rule; nothing written',
    type: BadRequestDto,
    example: EXAMPLES.badRequest,
  });
export const ApiNotFound = () => ApiNotFoundResponse({ description: 'Unknown id', type: ErrorDto, example: NOT_FOUND_EXAMPLE });
export const ApiRefusal = (description = 'Business refusal: reason code and clause; nothing written') =>
  ApiUnprocessableEntityResponse({ description, type: RefusalDto, example: EXAMPLES.refusal });
export const ApiConflict = () =>
  ApiConflictResponse({
    description: 'The stream kept changing (concurrency conflict after retries); nothing written',
    type: ErrorDto,
    example: CONFLICT_EXAMPLE,
  });

// ------------------------------------------------------------------ writes

export class WrittenEventDto {
  @ApiProperty({ example: 'PersonEnrolled' }) type!: string;
  @ApiProperty({ example: 0 }) revision!: number;
  @ApiProperty({ example: 2 }) position!: number;
  @ApiProperty({ ...OBJECT, description: 'The event data as recorded' }) data!: Record<string, unknown>;
}

abstract class WriteOutcomeBase {
  @ApiProperty({
    description: 'False when the Idempotency-Key had already been applied (nothing written; header Idempotent-Replayed: true)',
  })
  created!: boolean;
  @ApiPropertyOptional({
    enum: [false],
    description: 'Present (false) when the command found nothing to change (e.g. a profile already so): nothing written, and no replay',
  })
  changed?: false;
  @ApiProperty({ example: 0, description: 'Revision of the last event in the stream' }) revision!: number;
  @ApiProperty({ example: 2, description: 'Global position of the last event written (when nothing is, of the stream as it stands)' })
  position!: number;
  @ApiProperty({ type: [WrittenEventDto] }) events!: WrittenEventDto[];
}

export class PersonWriteDto extends WriteOutcomeBase {
  @ApiProperty({ example: 'P-0001' }) personId!: string;
}

export class InstitutionWriteDto extends WriteOutcomeBase {
  @ApiProperty({ example: 'NY-L2' }) code!: string;
}

export class AlertCloseDto extends WriteOutcomeBase {
  @ApiProperty({ example: 'institution-NY-L3:perVisitCostGrowthMoM:2024-06' }) alertId!: string;
  @ApiProperty({ example: 'alerts-institution-NY-L3' }) streamId!: string;
  @ApiProperty({ example: '2024-07-15' }) closedOn!: string;
}

/** 201 with the events written, on a person's stream. */
export const ApiPersonWrite = () =>
  ApiCreatedResponse({
    description: 'The events written, with revision and global position (Idempotent-Replayed: true on a retry)',
    type: PersonWriteDto,
    example: EXAMPLES.write,
  });
export const ApiInstitutionWrite = () =>
  ApiCreatedResponse({ description: "The events written on the institution's stream", type: InstitutionWriteDto });

// ------------------------------------------------------------------ settlement

export class AmountsDto {
  @ApiProperty(MONEY) total!: string;
  @ApiProperty(MONEY) excluded!: string;
  @ApiProperty(MONEY) policyScope!: string;
  @ApiProperty(MONEY) deductible!: string;
  @ApiProperty({ example: '0.55' }) rate!: string;
  @ApiProperty(MONEY) fundBeforeCap!: string;
  @ApiProperty(MONEY) capAnnual!: string;
  @ApiProperty({ ...MONEY, example: '1500.00', description: 'What was left of the annual cap before this visit' })
  capRemainingBefore!: string;
  @ApiProperty(MONEY) fund!: string;
  @ApiProperty({ ...MONEY, example: '1445.00', description: 'What is left of the annual cap after this visit: capRemainingBefore − fund' })
  capRemainingAfter!: string;
  @ApiProperty(MONEY) account!: string;
  @ApiProperty(MONEY) relativeAccount!: string;
  @ApiProperty(MONEY) cash!: string;
}

const codesIn = (list: 'reasons' | 'flags'): ReasonCode[] => (Object.keys(REASON_CODES) as ReasonCode[]).filter((c) => listOf(c) === list);

/** A reason or flag of a decision; which list a code goes in is the rule of src/policy/reason-codes.ts. */
abstract class ReasonBase {
  @ApiProperty({
    example: '宛政办〔2022〕42号 第五条（三）',
    description: 'The clause applied: "<document> <clause>", or "ledger rule <name>"',
  })
  clause!: string;
  @ApiProperty() message!: string;
  @ApiPropertyOptional({ description: 'The bill line it concerns (exclusions)' }) lineCode?: string;
}

export class ReasonDto extends ReasonBase {
  @ApiProperty({
    enum: codesIn('reasons'),
    example: 'CAP_REACHED',
    description:
      'A payment refused: refusal (the visit), exclusion (a bill line), reduction (the cap), account refusal (the whole share is cash)',
  })
  code!: string;
}

export class FlagDto extends ReasonBase {
  @ApiProperty({
    enum: codesIn('flags'),
    example: 'DEDUCTIBLE_WAIVED_24H',
    description: 'A fact beside the refusals: adjustment (how a figure was arrived at) or notice (the money is unchanged)',
  })
  code!: string;
}

export class DecisionDto {
  @ApiProperty({ example: 'V-0001' }) visitId!: string;
  @ApiProperty({ ...OBJECT, description: '{ packId, version, region, scheme }' }) policy!: Record<string, unknown>;
  @ApiProperty({ example: '2023-03-06' }) visitDate!: string;
  @ApiProperty({ example: 2023 }) year!: number;
  @ApiProperty({ example: 'in_service' }) category!: string;
  @ApiProperty() eligible!: boolean;
  @ApiProperty({ type: AmountsDto }) amounts!: AmountsDto;
  @ApiProperty() deductibleCharged!: boolean;
  @ApiProperty({ ...OBJECT, description: 'National 2207 output fields (setl_id, fund_pay_sumamt, acct_pay, psn_cash_pay, …)' })
  national!: Record<string, unknown>;
  @ApiProperty({
    type: [ReasonDto],
    description:
      'Why money was not paid: the visit refused, a line excluded, the fund limited by the cap, or the account refused. Any refusal-kind reason makes the visit ineligible.',
  })
  reasons!: ReasonDto[];
  @ApiProperty({
    type: [FlagDto],
    description:
      'Facts beside the refusals: how a figure was arrived at (e.g. a deductible waived within 24 hours) or a notice that changes nothing',
  })
  flags!: FlagDto[];
  @ApiProperty({ ...OBJECTS, description: 'Every step with its inputs, result and clause' }) trace!: Array<Record<string, unknown>>;
}

export class SettlementFamilyPaymentDto {
  @ApiProperty({ example: 'P-0002' }) holderId!: string;
  @ApiProperty({ example: 'FAM-P-0001-S-0001-1' }) paymentId!: string;
  @ApiProperty(MONEY) amount!: string;
}

/** The fields a settlement has in both answers (POST …/visits and GET …/settlements/:sid): the decision is `decision` in both. */
abstract class SettlementRecordBase {
  @ApiProperty({ example: 'P-0001' }) personId!: string;
  @ApiProperty({ example: 'S-0001' }) settlementId!: string;
  @ApiProperty({ example: 3, description: "Revision of the VisitSettled event in the person's stream" }) revision!: number;
  @ApiProperty({ example: 12, description: 'Global position of the VisitSettled event' }) position!: number;
  @ApiProperty({ type: DecisionDto }) decision!: DecisionDto;
  @ApiPropertyOptional({ type: SettlementFamilyPaymentDto, description: "The relative's-account payment on the holder's stream, if any" })
  familyPayment?: SettlementFamilyPaymentDto;
}

export class SettlementWriteDto extends SettlementRecordBase {
  @ApiProperty({
    description: 'False when the Idempotency-Key had already been applied (nothing written; header Idempotent-Replayed: true)',
  })
  created!: boolean;
}

export class RecordedFactsDto {
  @ApiProperty({ ...OBJECT, description: 'The visit as given (occurredAt, settledAt, medType, lines, …)' }) visit!: Record<string, unknown>;
  @ApiProperty({ ...OBJECT, description: 'The institution facts used (code, level, region, designated, …)' }) institution!: Record<
    string,
    unknown
  >;
  @ApiProperty({ ...OBJECT, description: 'The year-to-date the engine saw (fundPaid, deductibleMet, deductibleCharges)' })
  yearToDate!: Record<string, unknown>;
  @ApiProperty({ ...OBJECT, description: 'The account request as adjudicated' }) account!: Record<string, unknown>;
  @ApiProperty({ description: 'Version (sha256) of the policy pack applied' }) policyVersion!: string;
  @ApiPropertyOptional({ ...OBJECT, description: 'An imported settlement: its figures as paid at the time' }) historical?: Record<
    string,
    unknown
  >;
}

export class SettlementDetailDto extends SettlementRecordBase {
  @ApiProperty() recordedAt!: string;
  @ApiProperty({ type: RecordedFactsDto }) facts!: RecordedFactsDto;
  @ApiPropertyOptional({ ...OBJECT, description: 'SettlementReversed data, if reversed' }) reversal?: Record<string, unknown>;
}

// ------------------------------------------------------------------ persons and accounts

export class AccountTotalsDto {
  @ApiProperty(MONEY) balance!: string;
  @ApiProperty(MONEY) credits!: string;
  @ApiProperty(MONEY) debits!: string;
  @ApiProperty() closed!: boolean;
}

export class PersonViewDto {
  @ApiProperty({ example: 'P-0001' }) personId!: string;
  @ApiProperty() revision!: number;
  @ApiProperty({ ...OBJECT, description: 'Scheme, category, region, enrollment date, contribution base, relatives…' }) enrollment!: Record<
    string,
    unknown
  >;
  @ApiProperty({ type: AccountTotalsDto }) account!: AccountTotalsDto;
  @ApiProperty({ ...OBJECTS, description: 'Every settlement with its amounts' }) settlements!: Array<Record<string, unknown>>;
}

export class AccountViewDto extends AccountTotalsDto {
  @ApiProperty({ example: 'P-0001' }) personId!: string;
  @ApiProperty({ ...OBJECTS, description: 'Every credit and debit: { type, revision, amount, balance, reference }' }) statement!: Array<
    Record<string, unknown>
  >;
}

// ------------------------------------------------------------------ read side

abstract class ReadAnswerBase {
  @ApiProperty({
    enum: ['projection', 'stream'],
    description: "'projection': the live read model; 'stream': folded from the person's events up to asOf",
  })
  source!: string;
  @ApiProperty({ ...OBJECT, nullable: true, description: '{ position } or { date }; null for the live answer' }) asOf!: Record<
    string,
    unknown
  > | null;
  @ApiProperty({ description: "The read models' checkpoint, or the last event folded" }) throughPosition!: number;
}

export class StatementLineDto {
  @ApiProperty() position!: number;
  @ApiProperty() revision!: number;
  @ApiProperty({ example: 'AccountCredited' }) type!: string;
  @ApiProperty() recordedAt!: string;
  @ApiProperty(MONEY) credit!: string;
  @ApiProperty(MONEY) debit!: string;
  @ApiProperty(MONEY) balance!: string;
  @ApiProperty({ example: '2023-03' }) reference!: string;
}

export class PagedStatementDto extends AccountTotalsDto {
  @ApiProperty({ example: 'P-0001' }) personId!: string;
  @ApiProperty({ type: [StatementLineDto] }) lines!: StatementLineDto[];
  @ApiProperty({
    ...OBJECT,
    description: 'Issue 15: cash owed because of corrections, never in the balance: { owedToPerson, owedToFund, lines }',
  })
  receivables!: Record<string, unknown>;
  @ApiProperty({ type: String, nullable: true, description: 'Pass as ?cursor= for the next lines' }) nextCursor!: string | null;
}

export class StatementAnswerDto extends ReadAnswerBase {
  @ApiProperty({ type: PagedStatementDto }) result!: PagedStatementDto;
}

export class PersonYearAnswerDto extends ReadAnswerBase {
  @ApiProperty({
    ...OBJECT,
    description:
      'PersonYearView: fund paid (net of corrections), cap in force and remaining, by category period, every settlement with its original/adjustment/net figures and corrections; totals { original, adjustment, net }',
  })
  result!: Record<string, unknown>;
}

export class RateTimelineAnswerDto extends ReadAnswerBase {
  @ApiProperty({ ...OBJECTS, description: 'RateSegment[]: from, to, category, cause, rates by level with their citation, cap' })
  result!: Array<Record<string, unknown>>;
}

export class InstitutionMonthTotalsDto {
  @ApiProperty({ example: 'NY-L2' }) institutionCode!: string;
  @ApiProperty({ example: '2023-03' }) month!: string;
  @ApiProperty() visits!: number;
  @ApiProperty(MONEY) totalCost!: string;
  @ApiProperty(MONEY) policyScopeCost!: string;
  @ApiProperty({ ...MONEY, description: 'As settled (the original decisions)' }) fundDue!: string;
  @ApiProperty({
    ...OBJECT,
    description:
      'Issue 15: corrections of these settlements: { settlements, fund, account, cash, totalCost, policyScopeCost } (signed deltas)',
  })
  adjustments!: Record<string, unknown>;
  @ApiProperty(MONEY) fundDueNet!: string;
  @ApiProperty(MONEY) totalCostNet!: string;
  @ApiProperty(MONEY) policyScopeCostNet!: string;
}

export class InstitutionMonthAnswerDto extends ReadAnswerBase {
  @ApiProperty({ type: InstitutionMonthTotalsDto }) result!: InstitutionMonthTotalsDto;
}

export class LagDto {
  @ApiProperty() headPosition!: number;
  @ApiProperty() checkpoint!: number;
  @ApiProperty() lag!: number;
  @ApiProperty() running!: boolean;
  @ApiPropertyOptional() error?: string;
}

// ------------------------------------------------------------------ institutions

export class InstitutionProfileDto {
  @ApiProperty({ example: 'NY-L2' }) code!: string;
  @ApiProperty({ example: '南阳市某二级医院' }) name!: string;
  @ApiProperty({ example: 'other_specialty' }) category!: string;
  @ApiProperty({ example: 'level2' }) level!: string;
  @ApiProperty({ example: 'city' }) location!: string;
  @ApiProperty({ example: 'nanyang' }) region!: string;
  @ApiProperty({ type: [String], example: ['employee'] }) designations!: string[];
  @ApiPropertyOptional() countyDesignated?: boolean;
  @ApiPropertyOptional() pharmacy?: boolean;
}

export class InstitutionYearDto {
  @ApiProperty({ example: 'JZ-L2' }) code!: string;
  @ApiProperty({ example: 2024 }) year!: number;
  @ApiProperty({ ...OBJECT, nullable: true }) costBase!: Record<string, unknown> | null;
  @ApiProperty({ ...OBJECTS, description: 'Each month: declared, approved, advanced, held' }) months!: Array<Record<string, unknown>>;
  @ApiProperty({ ...OBJECT, description: '{ visits, totalCost, fundDue, lateMonths }' }) declared!: Record<string, unknown>;
  @ApiProperty(MONEY) approved!: string;
  @ApiProperty(MONEY) advanced!: string;
  @ApiProperty(MONEY) held!: string;
  @ApiProperty({ ...OBJECT, nullable: true }) settlement!: Record<string, unknown> | null;
  @ApiProperty({ ...OBJECT, nullable: true }) review!: Record<string, unknown> | null;
  @ApiProperty({ ...OBJECT, nullable: true }) assessment!: Record<string, unknown> | null;
  @ApiProperty({ ...OBJECT, nullable: true }) final!: Record<string, unknown> | null;
  @ApiProperty({
    ...OBJECT,
    nullable: true,
    description:
      'Month corrections (issue 15 item 4): { correctionIds, original, corrected: { approved, advanced, held, payable, finalPayment }, recovered, toppedUp, net }; each corrected month also has `original`',
  })
  corrections!: Record<string, unknown> | null;
  @ApiProperty({ ...OBJECT, description: 'Capitation: persons assigned, budget, months settled' }) capitation!: Record<string, unknown>;
}

export class InstitutionExplainDto {
  @ApiProperty({ example: 'JZ-L2' }) code!: string;
  @ApiProperty({ example: 2024 }) year!: number;
  @ApiProperty({ ...OBJECTS, description: 'Trace steps with their clauses' }) steps!: Array<Record<string, unknown>>;
}

export class ChainVerificationDto {
  @ApiProperty() intact!: boolean;
  @ApiProperty({ ...OBJECTS }) broken!: Array<Record<string, unknown>>;
}

export class InstitutionReplayDto {
  @ApiProperty({ example: 'JZ-L2' }) code!: string;
  @ApiProperty({ type: Number, nullable: true }) year!: number | null;
  @ApiProperty() events!: number;
  @ApiProperty() recomputed!: number;
  @ApiProperty({ ...OBJECTS, description: 'Each decision whose recomputation differs' }) findings!: Array<Record<string, unknown>>;
  @ApiProperty({ ...OBJECT, description: 'Hash-chain verification of the stream' }) chain!: Record<string, unknown>;
}

// ------------------------------------------------------------------ monitoring

export class AlertDto {
  @ApiProperty({ example: 'person-M1:institutionsOnOneDay:2023-03-06..2023-03-06' }) alertId!: string;
  @ApiProperty({ ...OBJECT, description: '{ kind: institution | person, id }' }) subject!: Record<string, unknown>;
  @ApiProperty({ example: 'alerts-person-M1' }) streamId!: string;
  @ApiProperty({ example: 'institutionsOnOneDay' }) indicator!: string;
  @ApiProperty({ ...OBJECT, description: '{ from, to }' }) period!: Record<string, unknown>;
  @ApiProperty({ example: '3' }) value!: string;
  @ApiProperty({ example: '3' }) threshold!: string;
  @ApiProperty() clause!: string;
  @ApiProperty() raisedAt!: string;
  @ApiProperty({ description: 'Position of the event that raised it (the sort key)' }) raisedPosition!: number;
  @ApiProperty() open!: boolean;
}

export class AlertPageDto {
  @ApiProperty({ type: [AlertDto] }) items!: AlertDto[];
  @ApiProperty({ type: String, nullable: true }) nextCursor!: string | null;
}

export class PersonListItemDto {
  @ApiProperty({ example: 'NY-P01' }) personId!: string;
  @ApiProperty({ example: 'employee' }) scheme!: string;
  @ApiProperty({ example: 'nanyang' }) region!: string;
  @ApiProperty({ example: 'in_service', description: 'The latest recorded category' }) category!: string;
  @ApiProperty({ example: '2023-01-01' }) enrolledOn!: string;
  @ApiPropertyOptional({ example: '2024-06-30' }) endedOn?: string;
}

export class PersonPageDto {
  @ApiProperty({ type: [PersonListItemDto] }) items!: PersonListItemDto[];
  @ApiProperty({ type: String, nullable: true }) nextCursor!: string | null;
}

export class InstitutionIndicatorsDto {
  @ApiProperty({ example: 'NY-L3' }) institutionCode!: string;
  @ApiProperty({ example: 2024 }) year!: number;
  @ApiProperty({ ...OBJECTS, description: 'Twelve months of indicators with growth against the previous month and last year' })
  months!: Array<Record<string, unknown>>;
  @ApiProperty({ type: [AlertDto] }) alerts!: AlertDto[];
  @ApiProperty({ ...OBJECT }) thresholds!: Record<string, unknown>;
}

export class PersonFrequencyDto {
  @ApiProperty({ example: 'P-0001' }) personId!: string;
  @ApiProperty({ example: '2024-03-10' }) asOf!: string;
  @ApiProperty({ ...OBJECT, description: '{ from, to, count }' }) visitsIn7Days!: Record<string, unknown>;
  @ApiProperty({ ...OBJECT, description: '{ from, to, count }' }) visitsIn30Days!: Record<string, unknown>;
  @ApiProperty({ ...OBJECT, description: 'Busiest windows and days at several institutions in the preceding year' }) lastYear!: Record<
    string,
    unknown
  >;
  @ApiProperty({ type: [AlertDto] }) alerts!: AlertDto[];
  @ApiProperty({ ...OBJECT }) thresholds!: Record<string, unknown>;
}

export class MonitoringStatusDto extends LagDto {
  @ApiProperty() pendingAlerts!: number;
}

// ------------------------------------------------------------------ audit

export class SealSummaryDto {
  @ApiProperty() revision!: number;
  @ApiProperty() position!: number;
  @ApiProperty() sealedAt!: string;
  @ApiProperty() throughPosition!: number;
  @ApiProperty() streams!: number;
  @ApiProperty({ example: '9f2c…' }) root!: string;
}

export class SealAnswerDto {
  @ApiProperty({ type: SealSummaryDto, nullable: true, description: 'null when nothing changed since the last seal' })
  seal!: SealSummaryDto | null;
  @ApiProperty({ ...OBJECT, description: 'Chain status: state, verifiedThrough, broken, sealFindings, lastSeal, notYetSealed' })
  status!: Record<string, unknown>;
}

export class SealRecordDto {
  @ApiProperty() revision!: number;
  @ApiProperty() position!: number;
  @ApiProperty() sealedAt!: string;
  @ApiPropertyOptional({ ...OBJECT, description: 'Root, through position and changed heads' }) seal?: Record<string, unknown>;
}

export class VerifyReportDto {
  @ApiProperty({ enum: ['intact', 'broken'] }) verdict!: string;
  @ApiProperty() eventsRead!: number;
  @ApiProperty() headPosition!: number;
  @ApiProperty({ type: ChainVerificationDto }) chain!: ChainVerificationDto;
  @ApiPropertyOptional({ ...OBJECT, description: 'The latest seal, whether it holds, and its findings' }) seal?: Record<string, unknown>;
  @ApiProperty() notYetSealed!: number;
}

export class ReplayReportDto {
  @ApiProperty({ example: 'P-0001' }) personId!: string;
  @ApiProperty({ example: 2023 }) year!: number;
  @ApiProperty({ example: 'person-P-0001' }) streamId!: string;
  @ApiProperty() eventsRead!: number;
  @ApiProperty() throughPosition!: number;
  @ApiProperty() settlementsChecked!: number;
  @ApiProperty({ description: 'SettlementAdjusted events of the year recomputed (issue 15)' }) adjustmentsChecked!: number;
  @ApiProperty({ example: '0 differences' }) verdict!: string;
  @ApiProperty({ ...OBJECTS }) differences!: Array<Record<string, unknown>>;
  @ApiProperty({ ...OBJECT }) chain!: Record<string, unknown>;
  @ApiProperty({ ...OBJECT, nullable: true }) rebuilt!: Record<string, unknown> | null;
}

export class WhatIfReportDto {
  @ApiProperty({ example: 'P-0001' }) personId!: string;
  @ApiProperty({ example: 2023 }) year!: number;
  @ApiProperty({ ...OBJECT }) changes!: Record<string, unknown>;
  @ApiProperty({ ...OBJECTS, description: 'Each visit: recorded and what-if amounts' }) visits!: Array<Record<string, unknown>>;
  @ApiProperty({ ...OBJECT, description: '{ recorded, whatIf, delta }: fund, account, cash' }) totals!: Record<string, unknown>;
  @ApiProperty() changedVisits!: number;
}

export class ExplanationDto {
  @ApiProperty({ example: 'P-0001' }) personId!: string;
  @ApiProperty({ example: 'S-0001' }) settlementId!: string;
  @ApiProperty({ example: 'V-0001' }) visitId!: string;
  @ApiProperty({ example: '2023-03-06' }) visitDate!: string;
  @ApiProperty({ ...OBJECT, description: '{ code, level, region }' }) institution!: Record<string, unknown>;
  @ApiProperty({ ...OBJECT, description: '{ packId, version }' }) policy!: Record<string, unknown>;
  @ApiProperty() category!: string;
  @ApiProperty() eligible!: boolean;
  @ApiProperty({ type: AmountsDto }) amounts!: AmountsDto;
  @ApiProperty({ ...OBJECTS, description: 'Each step with its clause citations' }) steps!: Array<Record<string, unknown>>;
  @ApiProperty({ ...OBJECTS }) reasons!: Array<Record<string, unknown>>;
  @ApiProperty({ ...OBJECTS }) flags!: Array<Record<string, unknown>>;
  @ApiPropertyOptional({ ...OBJECT }) reversal?: Record<string, unknown>;
  @ApiProperty() position!: number;
  @ApiProperty({
    ...OBJECTS,
    description: 'Issue 15: corrections in order, each with its decision, figures and divergence (step, clause, why)',
  })
  adjustments!: Array<Record<string, unknown>>;
  @ApiProperty({ ...OBJECT, description: 'Fund, account and cash in force (after the last correction)' }) net!: Record<string, unknown>;
}

export class PackSummaryDto {
  @ApiProperty({ example: 'nanyang-employee-2023' }) id!: string;
  @ApiProperty({ description: 'Content hash' }) version!: string;
  @ApiProperty({ enum: ['city', 'framework'] }) kind!: string;
  @ApiProperty({ example: '宛政办〔2022〕42号' }) document!: string;
  @ApiProperty() title!: string;
  @ApiProperty({ example: 'nanyang' }) region!: string;
  @ApiProperty({ example: 'employee' }) scheme!: string;
  @ApiProperty({ ...OBJECT, description: '{ from, to? }' }) effective!: Record<string, unknown>;
}

export class PackProvenanceDto extends PackSummaryDto {
  @ApiPropertyOptional() framework?: string;
  @ApiProperty({ type: [String] }) deploymentParameters!: string[];
  @ApiProperty({ ...OBJECTS, description: 'Each dated value with the document and clause it comes from' }) values!: Array<
    Record<string, unknown>
  >;
  @ApiPropertyOptional({ type: [String] }) notes?: string[];
}

// ------------------------------------------------------------------ health

export class HealthDto {
  @ApiProperty({ enum: ['ok', 'degraded', 'unavailable', 'ready', 'live'] }) status!: string;
  @ApiPropertyOptional({ ...OBJECT, description: 'Which store, and whether it answers' }) store?: Record<string, unknown>;
  @ApiPropertyOptional() headPosition?: number;
  @ApiPropertyOptional({ ...OBJECT, description: 'Projection lag' }) projections?: Record<string, unknown>;
  @ApiPropertyOptional({ ...OBJECTS, description: 'Each read model and its state' }) readModels?: Array<Record<string, unknown>>;
  @ApiPropertyOptional({ ...OBJECT, description: 'Hash chain and seal status: verifying, intact, broken, or failing (with why)' })
  chain?: Record<string, unknown>;
  @ApiPropertyOptional({
    ...OBJECT,
    description: 'Whether the store took the last write: ok, or failing (code, since, refusals) until one succeeds',
  })
  writes?: Record<string, unknown>;
  @ApiPropertyOptional({
    ...OBJECT,
    description:
      "Only when SQLite found the log's file damaged (the service's reads and writes, or the read-side worker's reads): since, lastError, errors, advice (until a restart)",
  })
  logFile?: Record<string, unknown>;
  @ApiPropertyOptional() maxLag?: number;
}

export class LiveDto {
  @ApiProperty({ enum: ['live'] }) status!: string;
}
