/**
 * The validation success path (src/http/validation-success-path.ts) against class-transformer
 * and class-validator as the ValidationPipe runs them, on every DTO class of the application.
 * Sound: whatever it accepts, class-validator accepts, and it built the instance
 * plainToInstance builds. Complete on the everyday requests' DTOs: whatever class-validator
 * accepts there, it accepts (otherwise it would save nothing).
 */
import 'reflect-metadata';
import { plainToInstance } from 'class-transformer';
import { getMetadataStorage, IsObject, validate } from 'class-validator';
import * as fc from 'fast-check';
// Loads every controller, hence every DTO class of the application.
import '../../src/app.module';
import { memoiseValidationMetadata } from '../../src/http/validation-metadata';
import { sameDtoInstance, ValidationSuccessPath } from '../../src/http/validation-success-path';
import { PersonIdParam, SettlementParams } from '../../src/http/params';
import { ReverseSettlementDto, SettleVisitDto } from '../../src/modules/claims/dto/claims.dto';
import { EnrolPersonDto } from '../../src/modules/enrollment/dto/enrollment.dto';
import { marchVisit, nanyangEmployee } from '../support/fixtures';

type Dto = new () => object;

/** An object property without @Type: plainToInstance copies it as a plain object, which the success path leaves alone. */
class NoTypeDto {
  @IsObject()
  inner!: object;
}

// The pipe's options (src/http/validation.ts, with Nest's forbidUnknownValues default).
const PIPE_OPTIONS = { whitelist: true, forbidNonWhitelisted: true, forbidUnknownValues: false, stopAtFirstError: false };

/** The pipe's whole way; a throw (class-transformer's `Number({toString: 0})`, say) is a refusal too. */
async function wholeWay(dto: Dto, body: unknown): Promise<{ valid: boolean; instance: unknown }> {
  try {
    const instance = plainToInstance(dto, body);
    const errors = await validate(instance as object, PIPE_OPTIONS);
    return { valid: errors.length === 0, instance };
  } catch {
    return { valid: false, instance: undefined };
  }
}

// eslint-disable-next-line @typescript-eslint/no-require-imports
const transformerStorage = (require('class-transformer/cjs/storage') as typeof import('class-transformer/types/storage'))
  .defaultMetadataStorage;

/** Every class with validation rules: importing the application module loads all its DTOs. */
function applicationDtos(): Dto[] {
  const byTarget = (getMetadataStorage() as unknown as { validationMetadatas: Map<unknown, unknown[]> }).validationMetadatas;
  return [...byTarget.keys()].filter((t): t is Dto => typeof t === 'function');
}

const propertiesOf = (dto: Dto): string[] =>
  Object.keys(getMetadataStorage().groupByPropertyName(getMetadataStorage().getTargetValidationMetadatas(dto, '', false, false)));

/** Values near the rules' edges: ids, money strings, instants, enums, and JSON of any shape. */
const edgeValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom('A01', 'S-1', 'NY-L2', 'P-0001', '', ' ', 'x'.repeat(65), '../x'),
  fc.constantFrom('12.00', '0.01', '0', '-1.00', '12.345', '1e3', '99999999.99', '１２.００'),
  fc.constantFrom('2023-05-04T09:30:00+08:00', '2023-05-04', '9999-12-31', '2023-02-30', 'now'),
  fc.constantFrom('own', 'relative', 'none', 'ordinary', 'emergency', 'chronic', 'employee', 'in_service', 'retired', 'nanyang'),
  fc.constantFrom(true, false, null, 0, 7, 366, 367, -1, 1.5),
  fc.constantFrom([], {}, [{}], ['a'], [1]),
  fc.jsonValue({ maxDepth: 2 }),
);

/** A random body for `dto`: a subset of its properties (nested DTOs built the same way), maybe an unknown key. */
function bodyOf(dto: Dto, depth = 0): fc.Arbitrary<Record<string, unknown>> {
  const names = propertiesOf(dto);
  const valueOf = (name: string): fc.Arbitrary<unknown> => {
    const type = transformerStorage.findTypeMetadata(dto, name)?.typeFunction?.() as Dto | undefined;
    if (!type || depth > 2 || propertiesOf(type).length === 0) return edgeValue;
    const nested = bodyOf(type, depth + 1);
    return fc.oneof(nested, fc.array(nested, { maxLength: 3 }), edgeValue);
  };
  return fc
    .tuple(fc.subarray(names), fc.option(fc.constantFrom('extra', 'constructor', 'toString'), { nil: undefined }))
    .chain(([chosen, extra]) =>
      fc.record(Object.fromEntries([...chosen, ...(extra ? [extra] : [])].map((n) => [n, names.includes(n) ? valueOf(n) : edgeValue]))),
    );
}

/** A valid body with one member deleted, replaced by an edge value, or added beside it, at any depth. */
function mutated(seed: Record<string, unknown>): fc.Arbitrary<unknown> {
  return fc.tuple(fc.nat(), fc.constantFrom('delete', 'replace', 'add'), edgeValue).map(([at, action, value]) => {
    const body = JSON.parse(JSON.stringify(seed)) as Record<string, unknown>; // as a request body arrives
    const places: Array<[Record<string, unknown>, string]> = [];
    const walk = (o: unknown): void => {
      if (o === null || typeof o !== 'object') return;
      for (const k of Object.keys(o)) {
        places.push([o as Record<string, unknown>, k]);
        walk((o as Record<string, unknown>)[k]);
      }
    };
    walk(body);
    const [owner, key] = places[at % places.length];
    if (action === 'delete') delete owner[key];
    else if (action === 'replace') owner[key] = value;
    else owner[`${key}2`] = value;
    return body;
  });
}

describe('the validation success path agrees with class-transformer and class-validator', () => {
  const successPath = new ValidationSuccessPath();
  beforeAll(() => memoiseValidationMetadata());

  /** Sound on this body; returns whether class-validator accepts it and whether the success path did. */
  async function check(dto: Dto, body: unknown): Promise<{ valid: boolean; accepted: boolean }> {
    const accepted = successPath.accept(dto, body);
    const whole = await wholeWay(dto, body);
    if (accepted !== undefined) {
      expect({ dto: dto.name, body, valid: whole.valid }).toEqual({ dto: dto.name, body, valid: true });
      expect(sameDtoInstance(accepted, whole.instance)).toBe(true);
    }
    return { valid: whole.valid, accepted: accepted !== undefined };
  }

  it('accepts the everyday bodies, building the same instances (nested DTOs included)', async () => {
    const settle = marchVisit('S-1', '04');
    const accepted = successPath.accept(SettleVisitDto, settle) as SettleVisitDto;
    expect(accepted).toBeInstanceOf(SettleVisitDto);
    expect(accepted.lines[0].constructor.name).toBe('BillLineDto');
    expect(accepted.account?.constructor.name).toBe('AccountUseDto');
    expect(sameDtoInstance(accepted, plainToInstance(SettleVisitDto, settle))).toBe(true);
    // Route parameters as find-my-way gives them: an object whose prototype has no prototype.
    const routeParams = Object.create(Object.create(null) as object) as Record<string, unknown>;
    routeParams.personId = 'P-0001';
    expect(successPath.accept(PersonIdParam, routeParams)).toBeInstanceOf(PersonIdParam);
    for (const [dto, body] of [
      [SettleVisitDto, { ...settle, settledAt: undefined }],
      [PersonIdParam, { personId: 'P-0001' }],
      [SettlementParams, { personId: 'P-0001', settlementId: 'S-1' }],
      [ReverseSettlementDto, { reason: 'duplicate charge' }],
      [EnrolPersonDto, nanyangEmployee('P-0001')],
    ] as Array<[Dto, Record<string, unknown>]>) {
      const body2 = JSON.parse(JSON.stringify(body)) as Record<string, unknown>;
      await expect(check(dto, body2)).resolves.toEqual({ valid: true, accepted: true });
    }
  });

  it('is sound on random bodies of every DTO class of the application', async () => {
    const dtos = applicationDtos();
    expect(dtos.length).toBeGreaterThan(50);
    let accepted = 0;
    for (const dto of dtos) {
      await fc.assert(
        fc.asyncProperty(bodyOf(dto), async (body) => {
          accepted += Number((await check(dto, body)).accepted);
        }),
        { numRuns: 60 },
      );
    }
    // Random bodies are mostly refused; some are valid and took the success path.
    expect(accepted).toBeGreaterThan(0);
  });

  it.each([
    ['SettleVisitDto', SettleVisitDto, marchVisit('S-1', '04')],
    ['EnrolPersonDto', EnrolPersonDto, nanyangEmployee('P-0001')],
    ['PersonIdParam', PersonIdParam, { personId: 'P-0001' }],
  ] as Array<[string, Dto, Record<string, unknown>]>)(
    'is sound and complete on mutations of a valid %s: it accepts exactly what class-validator accepts',
    async (_name, dto, seed) => {
      let valid = 0;
      await fc.assert(
        fc.asyncProperty(mutated(seed), async (body) => {
          const outcome = await check(dto, body);
          expect(outcome.accepted).toBe(outcome.valid);
          valid += Number(outcome.valid);
        }),
        { numRuns: 400 },
      );
      expect(valid).toBeGreaterThan(0);
    },
  );

  it('leaves to class-validator what it does not reproduce: non-object bodies, unknown keys, objects without @Type', async () => {
    const notPlain = Object.assign(new (class Visit {})(), marchVisit('S-1', '04'));
    for (const body of [null, 'x', [marchVisit('S-1', '04')], { ...marchVisit('S-1', '04'), extra: 1 }, notPlain, new Map()]) {
      expect(successPath.accept(SettleVisitDto, body)).toBeUndefined();
    }
    expect(successPath.accept(NoTypeDto, { inner: {} })).toBeUndefined();
    await expect(wholeWay(NoTypeDto, { inner: {} })).resolves.toMatchObject({ valid: true });
  });

  it('compares instances by class, keys in order and values', () => {
    const a = plainToInstance(SettleVisitDto, marchVisit('S-1', '04'));
    expect(sameDtoInstance(a, plainToInstance(SettleVisitDto, marchVisit('S-1', '04')))).toBe(true);
    expect(sameDtoInstance(a, plainToInstance(SettleVisitDto, marchVisit('S-2', '04')))).toBe(false);
    expect(sameDtoInstance(a, { ...a })).toBe(false);
    expect(sameDtoInstance({ a: 1, b: 2 }, { b: 2, a: 1 })).toBe(false);
  });
});
