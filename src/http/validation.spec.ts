import { BadRequestException, ValidationPipe } from '@nestjs/common';
import { IsOptional, IsString } from 'class-validator';
import { SettleVisitDto } from '../modules/claims/dto/claims.dto';
import { LedgerValidationPipe } from './validation';

class QueryDto {
  @IsOptional()
  @IsString()
  q?: string;
}

const body = () => ({
  settlementId: 'S-1',
  visitId: 'V-1',
  institutionCode: 'H-1',
  occurredAt: '2023-05-04T09:30:00+08:00',
  medType: 'ordinary',
  lines: [{ code: 'A01', amount: '12.00', inCatalogue: true }],
});

describe('LedgerValidationPipe: prototype keys (issue 10, request path)', () => {
  const pipe = new LedgerValidationPipe();
  const strip = jest.spyOn(ValidationPipe.prototype as unknown as { stripProtoKeys(v: unknown): void }, 'stripProtoKeys');
  afterEach(() => strip.mockClear());

  it("a body the shape check passed is not walked again by Nest's __proto__ strip", async () => {
    const dto = await pipe.transform(body(), { type: 'body', metatype: SettleVisitDto, data: '' });
    expect(dto).toBeInstanceOf(SettleVisitDto);
    expect(strip).not.toHaveBeenCalled();
  });

  it('a body with __proto__ at any depth is refused, naming where', async () => {
    const parsed = JSON.parse('{"settlementId":"S-1","lines":[{"code":"A01","__proto__":{"admin":true}}]}');
    const refused = await pipe.transform(parsed, { type: 'body', metatype: SettleVisitDto, data: '' }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(BadRequestException);
    expect((refused as BadRequestException).getResponse()).toMatchObject({
      errors: [{ field: 'body.lines.0.__proto__', rule: 'noPrototypeKeys' }],
    });
  });

  it('other values (a query) are still stripped by Nest', async () => {
    const query = JSON.parse('{"q":"x","__proto__":{"polluted":true}}');
    const dto = await pipe.transform(query, { type: 'query', metatype: QueryDto, data: '' });
    expect(strip).toHaveBeenCalled();
    expect(Object.prototype.hasOwnProperty.call(query, '__proto__')).toBe(false);
    expect(dto).toEqual(Object.assign(new QueryDto(), { q: 'x' }));
  });
});
