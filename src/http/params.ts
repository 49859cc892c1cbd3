import { ApiProperty } from '@nestjs/swagger';
import { Matches } from 'class-validator';
import { ID_PATTERN } from './validators';

export class PersonIdParam {
  @ApiProperty({ example: 'P-0001' })
  @Matches(ID_PATTERN, { message: 'personId must be 1-64 letters, digits, . _ -' })
  personId!: string;
}

export class SettlementParams extends PersonIdParam {
  @ApiProperty({ example: 'S-0001' })
  @Matches(ID_PATTERN, { message: 'settlementId must be 1-64 letters, digits, . _ -' })
  settlementId!: string;
}
