/** Issue 15: request and answer shapes of corrections (class-validator: 400 names the field and the rule). */
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsDefined,
  IsIn,
  IsObject,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
  MinLength,
  registerDecorator,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import { ID_PATTERN, IsLocalDate, IsMonth } from '../http/validators';
import { MonthFiguresDto } from '../institutions/dto/institutions.dto';
import { BillLineDto } from '../modules/claims/dto/claims.dto';
import { ALL_LEVELS } from '../policy/pack.types';
import type { InstitutionLevel, PersonCategory } from '../policy/engine/types';
import type { CorrectionSpec } from './correction.events';

export const CORRECTION_KINDS = [
  'person-category',
  'institution-level',
  'settlement-lines',
  'policy-parameter',
  'institution-month',
] as const;
const PERSON_CATEGORIES: PersonCategory[] = ['in_service', 'retired', 'resident', 'student'];
const is =
  (...kinds: Array<(typeof CORRECTION_KINDS)[number]>) =>
  (o: CorrectionSpecDto) =>
    kinds.includes(o.kind);

/**
 * On a discriminator: the object carries only the fields of its kind (a field of another
 * kind is a mistake worth a 400, not something to ignore).
 */
export function OnlyFieldsOfKind(fields: Record<string, readonly string[]>): PropertyDecorator {
  const all = new Set(Object.values(fields).flat());
  const foreign = (o: Record<string, unknown>, kind: string) =>
    [...all].filter((f) => o[f] !== undefined && !(fields[kind] ?? []).includes(f));
  return (target, propertyName) =>
    registerDecorator({
      name: 'onlyFieldsOfKind',
      target: target.constructor,
      propertyName: propertyName as string,
      options: {
        message: (a) =>
          `${a.property} ${String(a.value)} takes only ${(fields[String(a.value)] ?? []).join(', ')}; remove ${foreign(a.object as Record<string, unknown>, String(a.value)).join(', ')}`,
      },
      validator: {
        validate: (kind: unknown, a) =>
          typeof kind !== 'string' || !(kind in fields) || foreign(a!.object as Record<string, unknown>, kind).length === 0,
      },
    });
}

const SPEC_FIELDS: Record<(typeof CORRECTION_KINDS)[number], readonly string[]> = {
  'person-category': ['personId', 'category', 'from'],
  'institution-level': ['institutionCode', 'level', 'from'],
  'settlement-lines': ['personId', 'settlementId', 'lines'],
  'policy-parameter': ['packId', 'path', 'value', 'from', 'to', 'document', 'clause'],
  'institution-month': ['institutionCode', 'month', 'corrected', 'reason', 'correctedOn'],
};

/** One CorrectionSpec (src/corrections/correction.events.ts): the fields its kind needs. */
export class CorrectionSpecDto {
  @ApiProperty({
    enum: CORRECTION_KINDS,
    example: 'person-category',
    description:
      'Each kind takes only its fields: person-category (personId, category, from); institution-level (institutionCode, level, from); settlement-lines (personId, settlementId, lines); policy-parameter (packId, path, value, from, to, document, clause); institution-month (institutionCode, month, corrected, reason, correctedOn?)',
  })
  @IsIn(CORRECTION_KINDS)
  @OnlyFieldsOfKind(SPEC_FIELDS)
  kind!: (typeof CORRECTION_KINDS)[number];

  @ApiPropertyOptional({ example: 'NY-A1', description: 'person-category, settlement-lines' })
  @ValidateIf(is('person-category', 'settlement-lines'))
  @Matches(ID_PATTERN, { message: 'personId must be 1-64 letters, digits, . _ -' })
  personId?: string;

  @ApiPropertyOptional({ enum: PERSON_CATEGORIES, example: 'retired', description: 'person-category' })
  @ValidateIf(is('person-category'))
  @IsIn(PERSON_CATEGORIES)
  category?: PersonCategory;

  @ApiPropertyOptional({
    example: '2023-01-01',
    description: 'person-category, institution-level, policy-parameter: the corrected fact holds from this date',
  })
  @ValidateIf(is('person-category', 'institution-level', 'policy-parameter'))
  @IsLocalDate()
  from?: string;

  @ApiPropertyOptional({ example: 'NY-H2', description: 'institution-level, institution-month' })
  @ValidateIf(is('institution-level', 'institution-month'))
  @Matches(ID_PATTERN, { message: 'institutionCode must be 1-64 letters, digits, . _ -' })
  institutionCode?: string;

  @ApiPropertyOptional({ enum: ALL_LEVELS, example: 'level1', description: 'institution-level' })
  @ValidateIf(is('institution-level'))
  @IsIn(ALL_LEVELS as InstitutionLevel[])
  level?: InstitutionLevel;

  @ApiPropertyOptional({ example: 'S-MAR', description: 'settlement-lines' })
  @ValidateIf(is('settlement-lines'))
  @Matches(ID_PATTERN, { message: 'settlementId must be 1-64 letters, digits, . _ -' })
  settlementId?: string;

  @ApiPropertyOptional({ type: [BillLineDto], description: 'settlement-lines: the whole corrected list' })
  @ValidateIf(is('settlement-lines'))
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(500)
  @ValidateNested({ each: true })
  @Type(() => BillLineDto)
  lines?: BillLineDto[];

  @ApiPropertyOptional({ example: '2024-12', description: 'institution-month: the month corrected (approved already)' })
  @ValidateIf(is('institution-month'))
  @IsMonth()
  month?: string;

  @ApiPropertyOptional({ type: MonthFiguresDto, description: 'institution-month: the month as it should have been approved' })
  @ValidateIf(is('institution-month'))
  @IsDefined({ message: 'corrected is required for an institution-month correction (visits, totalCost, fundDue)' })
  @IsObject()
  @ValidateNested()
  @Type(() => MonthFiguresDto)
  corrected?: MonthFiguresDto;

  @ApiPropertyOptional({ example: 'violating costs found on audit', description: 'institution-month: why' })
  @ValidateIf(is('institution-month'))
  @IsString()
  @MinLength(1)
  @MaxLength(2000)
  reason?: string;

  @ApiPropertyOptional({ example: '2025-03-01', description: 'institution-month: day of the correction (default: the day applied)' })
  @ValidateIf((o: CorrectionSpecDto) => is('institution-month')(o) && o.correctedOn !== undefined)
  @IsLocalDate()
  correctedOn?: string;

  @ApiPropertyOptional({ example: 'nanyang-employee-2022', description: 'policy-parameter: the pack id' })
  @ValidateIf(is('policy-parameter'))
  @Matches(ID_PATTERN, { message: 'packId must be 1-64 letters, digits, . _ -' })
  packId?: string;

  @ApiPropertyOptional({ example: 'benefit.annualCaps', description: 'policy-parameter: dot path of a cited pack key' })
  @ValidateIf(is('policy-parameter'))
  @Matches(/^[A-Za-z0-9_]+(\.[A-Za-z0-9_]+){0,7}$/, { message: 'path must be a dot path of pack keys, e.g. benefit.annualCaps' })
  path?: string;

  @ApiPropertyOptional({
    example: { in_service: '1500', retired: '2500' },
    description: 'policy-parameter: the corrected value, of the shape of the key',
  })
  @ValidateIf(is('policy-parameter'))
  @IsDefined({ message: 'value is required for a policy-parameter correction' })
  value?: unknown;

  @ApiPropertyOptional({ example: '2023-12-31', description: 'policy-parameter: last day of the corrected period (must have ended)' })
  @ValidateIf(is('policy-parameter'))
  @IsLocalDate()
  to?: string;

  @ApiPropertyOptional({ example: '宛政办〔2022〕42号', description: 'policy-parameter: the document of the corrected value' })
  @ValidateIf(is('policy-parameter'))
  @IsString()
  @MaxLength(200)
  document?: string;

  @ApiPropertyOptional({ example: '第五条（三）', description: 'policy-parameter: its clause' })
  @ValidateIf(is('policy-parameter'))
  @IsString()
  @MaxLength(200)
  clause?: string;
}

/** The spec with only the fields of its kind. */
export function toSpec(d: CorrectionSpecDto): CorrectionSpec {
  switch (d.kind) {
    case 'person-category':
      return { kind: d.kind, personId: d.personId!, category: d.category!, from: d.from! };
    case 'institution-level':
      return { kind: d.kind, institutionCode: d.institutionCode!, level: d.level!, from: d.from! };
    case 'settlement-lines':
      return { kind: d.kind, personId: d.personId!, settlementId: d.settlementId!, lines: d.lines!.map((l) => ({ ...l })) };
    case 'institution-month':
      return {
        kind: d.kind,
        institutionCode: d.institutionCode!,
        month: d.month!,
        corrected: { visits: d.corrected!.visits, totalCost: d.corrected!.totalCost, fundDue: d.corrected!.fundDue },
        reason: d.reason!,
        ...(d.correctedOn !== undefined ? { correctedOn: d.correctedOn } : {}),
      };
    case 'policy-parameter':
      return {
        kind: d.kind,
        packId: d.packId!,
        path: d.path!,
        value: d.value,
        from: d.from!,
        to: d.to!,
        document: d.document!,
        clause: d.clause!,
      };
  }
}

export class ApplyCorrectionDto {
  @ApiProperty({ type: CorrectionSpecDto })
  @IsDefined({ message: 'spec is required (the corrected fact)' })
  @IsObject()
  @ValidateNested()
  @Type(() => CorrectionSpecDto)
  spec!: CorrectionSpecDto;

  @ApiPropertyOptional({ example: 'DSP-1', description: 'The dispute this correction answers' })
  @IsOptional()
  @Matches(ID_PATTERN, { message: 'disputeId must be 1-64 letters, digits, . _ -' })
  disputeId?: string;
}

/** `?dryRun=true`: the same answer, nothing written (issue 15 item 5). */
export class DryRunQuery {
  @ApiPropertyOptional({ enum: ['true', 'false'], description: 'true: compute the same answer and write nothing' })
  @IsOptional()
  @IsIn(['true', 'false'])
  dryRun?: 'true' | 'false';
}

const OBJECT = { type: 'object', additionalProperties: true } as const;
const OBJECTS = { type: 'array', items: { type: 'object', additionalProperties: true } } as const;

export class Money3Dto {
  @ApiProperty({ example: '27.00' }) fund!: string;
  @ApiProperty({ example: '0.00' }) account!: string;
  @ApiProperty({ example: '-27.00' }) cash!: string;
}

export class CorrectionInstitutionMonthDto {
  @ApiProperty({ example: 'JZ-H001' }) code!: string;
  @ApiProperty({ example: '2024-12' }) month!: string;
  @ApiProperty({
    ...OBJECTS,
    description:
      'InstitutionMonthCorrected, then as they apply InstitutionAdvanceRecomputed, InstitutionPeriodResettled, InstitutionFinalPaymentRecomputed, InstitutionFundRecovered (焦医保〔2024〕32号 五（二）) or InstitutionFundToppedUp: [{ type, data }]',
  })
  events!: Array<Record<string, unknown>>;
}

export class CorrectionAnswerDto {
  @ApiProperty({ example: 'COR-3f2a9c0d1e4b5a6c' }) correctionId!: string;
  @ApiProperty({ description: 'true: nothing was written' }) dryRun!: boolean;
  @ApiProperty({ description: 'false on a dry run, a retry, or a correction that changes nothing' }) created!: boolean;
  @ApiProperty({ description: 'Whether any figure or fact changes' }) changed!: boolean;
  @ApiPropertyOptional({ example: 'the correction changes nothing; nothing written' }) message?: string;
  @ApiProperty({ ...OBJECT }) spec!: Record<string, unknown>;
  @ApiPropertyOptional() disputeId?: string;
  @ApiPropertyOptional({ description: 'Derived pack version (policy-parameter)' }) correctedPolicyVersion?: string;
  @ApiPropertyOptional({
    type: () => CorrectionInstitutionMonthDto,
    description: "institution-month: the events on the institution's stream (written, or that would be)",
  })
  institution?: CorrectionInstitutionMonthDto;
  @ApiProperty({
    ...OBJECTS,
    description: 'Every settlement re-adjudicated that the correction is about or that changed: { personId, settlementId, changed, delta }',
  })
  affected!: Array<Record<string, unknown>>;
  @ApiProperty({ type: Money3Dto }) totals!: Money3Dto;
  @ApiProperty({
    ...OBJECTS,
    description:
      "Per person: { personId, changes: [{ settlementId, previous, adjusted, delta, divergence }], events: [{ type, data }], holders?: [{ holderId, events }] } (holders: a relative's account refunded or recovered on the holder's stream)",
  })
  persons!: Array<Record<string, unknown>>;
  @ApiPropertyOptional({ description: 'Global position of the CorrectionApplied event' }) position?: number;
}
