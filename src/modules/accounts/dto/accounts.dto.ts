import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { ID_PATTERN, IsLocalDate, IsMoneyString, IsNotBlank, IsPositiveMoney, IsMonth, MaxAmount } from '../../../http/validators';
import type { OwnAccountPurpose } from '../accounts.events';

/** What a person's own account may be asked to pay for (the request's `purpose`). */
export const OWN_PURPOSES: OwnAccountPurpose[] = [
  'pharmacy',
  'own_self_pay',
  'own_large_amount_contribution',
  'public_health',
  'fitness_wellness',
  'outside_basic_insurance',
];

export class CreditMonthDto {
  @ApiProperty({
    example: '2023-06',
    description: 'Month credited; the category in force on its first day decides the amount (第八条, 第十一条).',
  })
  @IsMonth()
  month!: string;
}

export class PayFromAccountDto {
  @ApiProperty({ example: 'PAY-0001' })
  @Matches(ID_PATTERN)
  paymentId!: string;

  @ApiProperty({
    enum: OWN_PURPOSES,
    example: 'pharmacy',
    description:
      '第九条 allows pharmacy, own self-pay and the own large-amount contribution; 第十条 forbids public health, fitness/wellness and anything outside basic insurance (refused with 422).',
  })
  @IsIn(OWN_PURPOSES)
  purpose!: OwnAccountPurpose;

  @ApiProperty({ example: '35.50' })
  @IsMoneyString()
  @IsPositiveMoney()
  @MaxAmount('accountPayment')
  amount!: string;

  @ApiProperty({ example: 'pharmacy receipt 2023-000123' })
  @IsString()
  @IsNotBlank()
  @MaxLength(200)
  reference!: string;

  @ApiProperty({ example: '2023-06-10' })
  @IsLocalDate()
  paidOn!: string;
}

export class FamilyPaymentDto {
  @ApiProperty({ example: 'FAM-0001' })
  @Matches(ID_PATTERN)
  paymentId!: string;

  @ApiProperty({ example: 'P-0002', description: "The relative whose cost is paid (must be among the holder's declared relatives)." })
  @Matches(ID_PATTERN)
  beneficiaryId!: string;

  @ApiProperty({ enum: ['relative_self_pay', 'relative_resident_contribution'], example: 'relative_resident_contribution' })
  @IsIn(['relative_self_pay', 'relative_resident_contribution'])
  purpose!: 'relative_self_pay' | 'relative_resident_contribution';

  @ApiProperty({ example: '380.00' })
  @IsMoneyString()
  @IsPositiveMoney()
  @MaxAmount('accountPayment')
  amount!: string;

  @ApiProperty({ example: 'resident contribution 2024' })
  @IsString()
  @IsNotBlank()
  @MaxLength(200)
  reference!: string;

  @ApiProperty({ example: '2023-12-01' })
  @IsLocalDate()
  paidOn!: string;
}

export class TransferAccountDto {
  @ApiProperty({ example: 'TR-0001' })
  @Matches(ID_PATTERN)
  transferId!: string;

  @ApiProperty({ enum: ['in', 'out'] })
  @IsIn(['in', 'out'])
  direction!: 'in' | 'out';

  @ApiPropertyOptional({ example: '1200.00', description: 'Required for a transfer in; a transfer out always moves the whole balance.' })
  @IsOptional()
  @IsMoneyString()
  @MaxAmount('accountTransfer')
  amount?: string;

  @ApiProperty({ example: 'zhengzhou' })
  @IsString()
  @IsNotBlank()
  @MaxLength(64)
  counterpartRegion!: string;

  @ApiProperty({ example: '2024-03-01' })
  @IsLocalDate()
  transferredOn!: string;
}

export class PayOutAccountDto {
  @ApiProperty({ enum: ['death', 'emigration', 'voluntary_exit'] })
  @IsIn(['death', 'emigration', 'voluntary_exit'])
  reason!: 'death' | 'emigration' | 'voluntary_exit';

  @ApiProperty({ example: '2024-05-01' })
  @IsLocalDate()
  paidOn!: string;

  @ApiProperty({ example: 'the insured person (bank account on file)' })
  @IsString()
  @IsNotBlank()
  @MaxLength(200)
  payee!: string;
}

export class BequeathAccountDto {
  @ApiProperty({ example: 'P-0003', description: "Heir; must be enrolled (the balance is credited to the heir's account)." })
  @Matches(ID_PATTERN)
  heirId!: string;

  @ApiProperty({ example: '2024-05-01' })
  @IsLocalDate()
  on!: string;
}
