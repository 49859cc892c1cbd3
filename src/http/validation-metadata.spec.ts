import { getMetadataStorage, IsInt, IsString, MetadataStorage, MinLength, validate } from 'class-validator';
import { AccountUseDto, BillLineDto, SettleVisitDto } from '../modules/claims/dto/claims.dto';
import { memoiseValidationMetadata } from './validation-metadata';

class Base {
  @IsString()
  name!: string;

  @IsInt({ groups: ['strict'] })
  count!: number;
}

class Child extends Base {
  @MinLength(2)
  @IsString()
  declare name: string;

  @IsInt({ always: true })
  extra!: number;
}

const unmemoised = MetadataStorage.prototype.getTargetValidationMetadatas;
const argumentSets: Array<[string | undefined, boolean, boolean, string[] | undefined]> = [
  ['', false, false, undefined],
  ['', true, false, undefined],
  ['', false, true, undefined],
  ['', false, false, ['strict']],
  ['', false, true, ['strict']],
  // As class-validator asks: no schema for the body, the class's name for a nested object.
  [undefined, false, false, undefined],
  [undefined, true, false, undefined],
  ['Child', false, false, undefined],
  ['Child', false, false, ['strict']],
];

describe('memoiseValidationMetadata (issue 10, request path)', () => {
  const storage = getMetadataStorage();
  beforeAll(() => memoiseValidationMetadata(storage));

  it.each([SettleVisitDto, BillLineDto, AccountUseDto, Base, Child])('%p: the rules class-validator itself finds', (target) => {
    for (const [schema, always, strictGroups, groups] of argumentSets) {
      const memo = storage.getTargetValidationMetadatas(target, schema as string, always, strictGroups, groups);
      expect(memo).toEqual(unmemoised.call(storage, target, schema as string, always, strictGroups, groups));
      expect(storage.groupByPropertyName(memo)).toEqual(MetadataStorage.prototype.groupByPropertyName.call(storage, memo));
    }
  });

  it('looks a class up once: later validations share the result', () => {
    const first = storage.getTargetValidationMetadatas(SettleVisitDto, '', false, false, undefined);
    expect(storage.getTargetValidationMetadatas(SettleVisitDto, '', false, false, undefined)).toBe(first);
    expect(storage.groupByPropertyName(first)).toBe(storage.groupByPropertyName(first));
  });

  it('hands out lists V8 filters on its fast path: not frozen, not sealed (class-validator filters them per property)', () => {
    const lists = storage.getTargetValidationMetadatas(SettleVisitDto, '', false, false, undefined);
    const grouped = Object.values(storage.groupByPropertyName(lists));
    for (const list of [lists, ...grouped]) expect(Object.isExtensible(list)).toBe(true);
  });

  it('leaves the shared lists as they were after validating, valid or not', async () => {
    const lists = storage.getTargetValidationMetadatas(SettleVisitDto, undefined as unknown as string, false, false, undefined);
    const before = [...lists];
    const groupedBefore = Object.entries(storage.groupByPropertyName(lists)).map(([k, v]) => [k, [...v]]);
    await validate(Object.assign(new SettleVisitDto(), { settlementId: '', lines: [{}] }), { whitelist: true, forbidNonWhitelisted: true });
    expect(lists).toEqual(before);
    expect(Object.entries(storage.groupByPropertyName(lists))).toEqual(groupedBefore);
  });

  it('sees a rule added after a class was validated', async () => {
    class Late {
      @IsString()
      code!: string;
    }
    const probe = Object.assign(new Late(), { code: 'x' });
    expect(await validate(probe)).toEqual([]);
    MinLength(3)(Late.prototype, 'code');
    const errors = await validate(probe);
    expect(errors.map((e) => [e.property, Object.keys(e.constraints ?? {})])).toEqual([['code', ['minLength']]]);
  });

  it('reports what it reported before: nested bill-line errors name the field and the rule', async () => {
    const dto = Object.assign(new SettleVisitDto(), {
      settlementId: 'S-1',
      visitId: 'V-1',
      institutionCode: 'H-1',
      occurredAt: '2023-05-04T09:30:00+08:00',
      medType: 'ordinary',
      lines: [Object.assign(new BillLineDto(), { code: 'A01', amount: '1.234', inCatalogue: 'yes' })],
    });
    const errors = await validate(dto, { whitelist: true, forbidNonWhitelisted: true });
    const line = errors.find((e) => e.property === 'lines')?.children?.[0]?.children ?? [];
    expect(line.map((e) => e.property).sort()).toEqual(['amount', 'inCatalogue']);
    expect(Object.keys(line.find((e) => e.property === 'inCatalogue')!.constraints!)).toEqual(['isBoolean']);
  });
});
