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

  it('a string holding a lone surrogate is refused, naming its field as class-validator would', async () => {
    const parsed = JSON.parse('{"settlementId":"S-1","lines":[{"code":"A\\ud800"}]}');
    const refused = await pipe.transform(parsed, { type: 'body', metatype: SettleVisitDto, data: '' }).catch((e: unknown) => e);
    expect((refused as BadRequestException).getResponse()).toMatchObject({ errors: [{ field: 'lines.0.code', rule: 'isWellFormed' }] });
  });

  it('other values (a query) are still stripped by Nest', async () => {
    const query = JSON.parse('{"q":"x","__proto__":{"polluted":true}}');
    const dto = await pipe.transform(query, { type: 'query', metatype: QueryDto, data: '' });
    expect(strip).toHaveBeenCalled();
    expect(Object.prototype.hasOwnProperty.call(query, '__proto__')).toBe(false);
    expect(dto).toEqual(Object.assign(new QueryDto(), { q: 'x' }));
  });
});

describe('LedgerValidationPipe: one value per query parameter', () => {
  const pipe = new LedgerValidationPipe();
  const refusal = (value: unknown, data?: string) =>
    pipe.transform(value, { type: 'query', metatype: data ? String : QueryDto, data: data ?? '' }).then(
      () => undefined,
      (e: unknown) => (e as BadRequestException).getResponse(),
    );

  it('names a parameter given twice, in a query object and as a named parameter', async () => {
    expect(await refusal({ q: ['a', 'b'] })).toMatchObject({
      message: 'q: is given 2 times; give it once',
      errors: [{ field: 'q', rule: 'noRepeatedParameter' }],
    });
    expect(await refusal(['1', '2', '3'], 'asOf')).toMatchObject({ errors: [{ field: 'asOf', rule: 'noRepeatedParameter' }] });
  });

  it('passes single values through to the DTO', async () => {
    expect(await refusal({ q: 'x' })).toBeUndefined();
    expect(await refusal('5', 'asOf')).toBeUndefined();
    expect(await refusal(undefined, 'asOf')).toBeUndefined();
  });
});

describe('LedgerValidationPipe: the success path (issue 10, request path)', () => {
  /** Counts the whole way's class-validator runs. */
  class CountingPipe extends LedgerValidationPipe {
    validations = 0;
    protected override validate(...args: Parameters<ValidationPipe['validate']>) {
      this.validations += 1;
      return super.validate(...args);
    }
  }
  const meta = { type: 'body', metatype: SettleVisitDto, data: '' } as const;

  it('a valid body is answered without class-validator running; an invalid one goes the whole way to its 400', async () => {
    const pipe = new CountingPipe();
    await expect(pipe.transform(body(), meta)).resolves.toBeInstanceOf(SettleVisitDto);
    expect(pipe.validations).toBe(0);
    const refused = await pipe.transform({ ...body(), medType: 'x' }, meta).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(BadRequestException);
    expect((refused as BadRequestException).getResponse()).toMatchObject({ errors: [{ field: 'medType', rule: 'isIn' }] });
    expect(pipe.validations).toBe(1);
  });

  it('with the cross-check on, a success path that disagrees with class-validator fails the request', async () => {
    const accepting = { accept: () => Object.assign(new SettleVisitDto(), { medType: 'x' }) };
    const pipe = new CountingPipe({ crossCheck: true, successPath: accepting });
    await expect(pipe.transform({ ...body(), medType: 'x' }, meta)).rejects.toThrow(
      /cross-check: the success path accepted a SettleVisitDto/,
    );
    const building = { accept: () => Object.assign(new SettleVisitDto(), body()) };
    await expect(new CountingPipe({ crossCheck: true, successPath: building }).transform(body(), meta)).rejects.toThrow(
      /cross-check: the success path built another SettleVisitDto/,
    );
    // Agreeing, it answers what the success path built, after the whole way ran too.
    const agreeing = new CountingPipe({ crossCheck: true });
    await expect(agreeing.transform(body(), meta)).resolves.toBeInstanceOf(SettleVisitDto);
    expect(agreeing.validations).toBe(1);
  });
});
