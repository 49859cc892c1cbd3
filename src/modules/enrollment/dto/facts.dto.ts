import { ApiProperty } from '@nestjs/swagger';
import { Matches } from 'class-validator';
import { ID_PATTERN, IsLocalDate, IsMoneyString, IsPositiveMoney } from '../../../http/validators';

/** 安医保〔2019〕75号 三（二）: a family-doctor contract whose fee the pooling fund pays (issue 16.5). */
export class RecordFamilyDoctorContractDto {
  @ApiProperty({ example: 'FD-2020-0001' })
  @Matches(ID_PATTERN, { message: 'contractId must be 1-64 letters, digits, . _ -' })
  contractId!: string;

  @ApiProperty({
    example: 'H-AY-TWN-01',
    description: "The family doctor's institution (registered, designated for the person's scheme, in the person's region)",
  })
  @Matches(ID_PATTERN, { message: 'institutionCode must be 1-64 letters, digits, . _ -' })
  institutionCode!: string;

  @ApiProperty({ example: '2020-01-01' })
  @IsLocalDate()
  from!: string;

  @ApiProperty({ example: '2020-12-31', description: 'Inclusive last day' })
  @IsLocalDate()
  to!: string;

  @ApiProperty({
    example: '30.00',
    description: 'Contract service fee; the fund pays up to the pack limit per person-year, the rest is the person’s',
  })
  @IsMoneyString()
  @IsPositiveMoney()
  fee!: string;
}
