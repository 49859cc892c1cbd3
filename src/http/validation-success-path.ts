import { TransformationType } from 'class-transformer';
import type { MetadataStorage as TransformerMetadataStorage } from 'class-transformer/types/MetadataStorage';
import { getMetadataStorage, MetadataStorage, ValidationArguments, ValidationTypes } from 'class-validator';
import type { ConstraintMetadata } from 'class-validator/types/metadata/ConstraintMetadata';
import type { ValidationMetadata } from 'class-validator/types/metadata/ValidationMetadata';

// class-transformer's metadata (the @Type decorators) is not exported from its index;
// @nestjs/mapped-types reads it from the same path.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const transformerStorage = (require('class-transformer/cjs/storage') as { defaultMetadataStorage: TransformerMetadataStorage })
  .defaultMetadataStorage;

type Dto = new () => object;
type Plain = Record<string, unknown>;

/** One rule of a property, with what class-validator passes to it. */
interface Check {
  metadata: ValidationMetadata;
  constraints: ConstraintMetadata[];
}

interface PropertyRule {
  name: string;
  /** @IsOptional, @ValidateIf: when one is false, the property's other rules do not run. */
  conditions: ValidationMetadata[];
  /** @IsDefined and every custom rule (@Matches, @IsIn, the ledger's own…). */
  checks: Check[];
  /** @ValidateNested: the schema name class-validator validates the nested object under. */
  nestedSchemas: string[];
}

interface ClassRule {
  dto: Dto;
  properties: PropertyRule[];
  byName: Map<string, PropertyRule>;
}

/** The DTO has no rules: class-validator finds nothing to check (the pipe lets it through). */
const NO_RULES = 'no rules';
/** The DTO uses a feature this path does not reproduce: class-validator handles all its values. */
const UNSUPPORTED = 'unsupported';
type Compiled = ClassRule | typeof NO_RULES | typeof UNSUPPORTED;

const SUPPORTED_TYPES = new Set<string>([
  ValidationTypes.CUSTOM_VALIDATION,
  ValidationTypes.IS_DEFINED,
  ValidationTypes.CONDITIONAL_VALIDATION,
  ValidationTypes.NESTED_VALIDATION,
  ValidationTypes.WHITELIST,
]);

/**
 * The success path of the global ValidationPipe (issue 10, request path). For a valid value
 * class-validator and class-transformer spend their time building what an error would need
 * (an error object, a children list and a constraints object per property, three filtered
 * copies of its rules, an arguments object per rule: ~40 KB of garbage per settlement, a
 * quarter of what a settlement allocates). This path runs the same rules (the decorators'
 * own `validate` functions, with the arguments class-validator gives them) in one walk and
 * builds the DTO instance as `plainToInstance` would. It only ever answers "valid, here is
 * the instance" or "not sure": anything else (any failing rule, an unknown key, a value
 * shape or a decorator it does not reproduce) goes to the ValidationPipe unchanged, which
 * writes the 400. So a refusal is always class-validator's, and the cross-check mode
 * (LEDGER_VALIDATION_CROSS_CHECK, on in the test suite) runs both on every request and fails
 * the request when they disagree.
 *
 * Reproduced, for the pipe's options (whitelist, forbidNonWhitelisted, no groups, no
 * `always`, forbidUnknownValues false) and class-transformer's defaults: @Type to a DTO
 * class on objects and arrays, primitives copied as they are; conditional, defined, custom
 * (with `each`) and nested rules. Not reproduced (the DTO goes the whole way): @Type to
 * String/Number/Boolean/Date (a conversion: 10 of the 82 DTO classes, the query and route
 * parameter classes that read numbers), async rules, @Expose/@Exclude/@Transform,
 * discriminators, promises, sets and maps. `npm run bench:validation` measures it against
 * the whole way; test/http/validation-success-path.property.spec.ts checks it against
 * class-transformer and class-validator on every DTO class.
 */
export class ValidationSuccessPath {
  /** Keyed by the (memoised) rule list of a class and schema: a new decoration gives a new list. */
  private readonly compiled = new WeakMap<ValidationMetadata[], Compiled>();

  constructor(private readonly storage: MetadataStorage = getMetadataStorage()) {}

  /** The DTO instance for `value` when every rule passes; undefined when the pipe must decide. */
  accept(dto: Dto, value: unknown): object | undefined {
    if (!isPlainObject(value)) return undefined;
    const rule = this.ruleOf(dto, undefined);
    if (typeof rule === 'string') return undefined;
    try {
      const instance = this.build(rule, value);
      return instance !== undefined && this.isValid(rule, instance) ? instance : undefined;
    } catch {
      // A rule that throws on this value: class-validator meets the same throw.
      return undefined;
    }
  }

  private ruleOf(dto: Dto, schema: string | undefined): Compiled {
    const metadatas = this.storage.getTargetValidationMetadatas(dto, schema as string, false, false, undefined as unknown as string[]);
    let found = this.compiled.get(metadatas);
    if (found === undefined) this.compiled.set(metadatas, (found = this.compile(dto, metadatas)));
    return found;
  }

  private compile(dto: Dto, metadatas: ValidationMetadata[]): Compiled {
    if (metadatas.length === 0) return NO_RULES;
    if (!transformsPlainly(dto)) return UNSUPPORTED;
    const properties: PropertyRule[] = [];
    const grouped = this.storage.groupByPropertyName(metadatas);
    for (const name of Object.keys(grouped)) {
      const rule = this.compileProperty(dto, name, grouped[name]);
      if (rule === undefined) return UNSUPPORTED;
      properties.push(rule);
    }
    return { dto, properties, byName: new Map(properties.map((p) => [p.name, p])) };
  }

  private compileProperty(dto: Dto, name: string, metadatas: ValidationMetadata[]): PropertyRule | undefined {
    if (metadatas.length === 0 || !propertyTransformsPlainly(dto, name)) return undefined;
    const rule: PropertyRule = { name, conditions: [], checks: [], nestedSchemas: [] };
    for (const m of metadatas) {
      if (!SUPPORTED_TYPES.has(m.type)) return undefined;
      if (m.type === ValidationTypes.CONDITIONAL_VALIDATION) rule.conditions.push(m);
      else if (m.type === ValidationTypes.NESTED_VALIDATION)
        rule.nestedSchemas.push(typeof m.target === 'string' ? m.target : m.target.name);
      else if (m.type !== ValidationTypes.WHITELIST) {
        const constraints = this.storage.getTargetValidatorConstraints(m.constraintCls);
        if (constraints.some((c) => c.async)) return undefined;
        rule.checks.push({ metadata: m, constraints });
      }
    }
    // class-validator runs @IsDefined before the other rules; the order only matters for errors.
    rule.checks.sort(
      (a, b) => Number(b.metadata.type === ValidationTypes.IS_DEFINED) - Number(a.metadata.type === ValidationTypes.IS_DEFINED),
    );
    return rule;
  }

  // ------------------------------------------------------------ plainToInstance, the plain case

  /** `plainToInstance(rule.dto, plain)`, or undefined for a key with no rule (a 400) or a shape not reproduced. */
  private build(rule: ClassRule, plain: Plain): Plain | undefined {
    const instance = new rule.dto() as Plain;
    for (const key of Object.keys(plain)) {
      if (!rule.byName.has(key)) return undefined;
      const value = this.buildValue(rule.dto, key, plain[key], instance, plain);
      if (value === NOT_SURE) return undefined;
      instance[key] = value;
    }
    return instance;
  }

  private buildValue(dto: Dto, key: string, value: unknown, instance: object, plain: Plain): unknown {
    if (value === null || typeof value !== 'object') return value;
    const typeMetadata = transformerStorage.findTypeMetadata(dto, key);
    const type = typeMetadata?.typeFunction?.({ newObject: instance, object: plain, property: key }) as Dto | undefined;
    if (Array.isArray(value)) return this.buildArray(value, type);
    if (type === undefined || !isPlainObject(value)) return NOT_SURE;
    return this.buildNested(type, value);
  }

  private buildArray(values: unknown[], type: Dto | undefined): unknown[] | typeof NOT_SURE {
    const out: unknown[] = [];
    for (const element of values) {
      if (element === null || typeof element !== 'object') out.push(element);
      else if (type === undefined || !isPlainObject(element)) return NOT_SURE;
      else {
        const built = this.buildNested(type, element);
        if (built === NOT_SURE) return NOT_SURE;
        out.push(built);
      }
    }
    return out;
  }

  private buildNested(type: Dto, plain: Plain): object | typeof NOT_SURE {
    const rule = this.ruleOf(type, undefined);
    if (typeof rule === 'string') return NOT_SURE;
    return this.build(rule, plain) ?? NOT_SURE;
  }

  // ------------------------------------------------------------ class-validator, the success case

  /** ValidationExecutor.execute finding no error. */
  private isValid(rule: ClassRule, object: Plain): boolean {
    for (const key of Object.keys(object)) if (!rule.byName.has(key)) return false; // whitelist
    for (const property of rule.properties) {
      const value = object[property.name];
      if (!conditionsHold(property.conditions, object, value)) continue;
      for (const check of property.checks) if (!passes(check, object, value)) return false;
      for (const schema of property.nestedSchemas) if (!this.nestedValid(value, schema)) return false;
    }
    return true;
  }

  /** ValidationExecutor.nestedValidations finding no error. */
  private nestedValid(value: unknown, schema: string): boolean {
    if (value === undefined) return true;
    if (Array.isArray(value)) return value.every((element) => element === undefined || this.nestedObjectValid(element, schema));
    return this.nestedObjectValid(value, schema);
  }

  private nestedObjectValid(value: unknown, schema: string): boolean {
    if (!(value instanceof Object) || value instanceof Set || value instanceof Map) return false;
    const rule = this.ruleOf(value.constructor as Dto, schema);
    // No rules: the whitelist still refuses every key the object has.
    if (rule === NO_RULES) return Object.keys(value).length === 0;
    return rule !== UNSUPPORTED && this.isValid(rule, value as Plain);
  }
}

const NOT_SURE = Symbol('not sure');

/**
 * A parsed JSON object or a route's parameters: no prototype, or one that has none itself
 * (Object.prototype of any realm, find-my-way's null-prototype params). Dates, maps, sets,
 * buffers and class instances are not.
 */
function isPlainObject(value: unknown): value is Plain {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value) as object | null;
  return proto === null || Object.getPrototypeOf(proto) === null;
}

/** ValidationExecutor.customValidations finding no error: every rule truthy, none a promise. */
function passes(check: Check, object: Plain, value: unknown): boolean {
  const { metadata } = check;
  const args: ValidationArguments = {
    targetName: object.constructor ? object.constructor.name : (undefined as unknown as string),
    property: metadata.propertyName,
    object,
    value,
    constraints: metadata.constraints,
  };
  for (const { instance } of check.constraints) {
    if (!metadata.each || !(Array.isArray(value) || value instanceof Set || value instanceof Map)) {
      if (!isTrueSync(instance.validate(value, args))) return false;
    } else if (!Array.isArray(value)) return false;
    else for (const element of value as unknown[]) if (!isTrueSync(instance.validate(element, args))) return false;
  }
  return true;
}

/** ValidationExecutor.conditionalValidations: every @IsOptional / @ValidateIf condition true. */
function conditionsHold(conditions: ValidationMetadata[], object: Plain, value: unknown): boolean {
  for (const m of conditions) if (!(m.constraints[0] as (o: object, v: unknown) => boolean)(object, value)) return false;
  return true;
}

const isTrueSync = (result: unknown): boolean => Boolean(result) && !(typeof (result as { then?: unknown }).then === 'function');

/** No class-level class-transformer decorator that changes which keys are copied. */
function transformsPlainly(dto: Dto): boolean {
  return (
    transformerStorage.getStrategy(dto) === 'none' &&
    transformerStorage.getExposedMetadatas(dto).length === 0 &&
    transformerStorage.getExcludedMetadatas(dto).length === 0
  );
}

/**
 * The property is copied as plainToInstance copies it: no @Transform, no discriminator, an
 * array reflected as an Array (or not at all), no accessor or method of the same name, and
 * a @Type (if any) naming a class, not String/Number/Boolean/Date/Buffer (converted).
 */
function propertyTransformsPlainly(dto: Dto, name: string): boolean {
  if (transformerStorage.findTransformMetadatas(dto, name, TransformationType.PLAIN_TO_CLASS).length > 0) return false;
  if (Object.getOwnPropertyDescriptor(dto.prototype, name) !== undefined) return false;
  if ((new dto() as Plain)[name] instanceof Function) return false;
  const type = transformerStorage.findTypeMetadata(dto, name);
  if (type === undefined) return true;
  if (type.options?.discriminator) return false;
  if (type.reflectedType !== undefined && type.reflectedType !== Array && !isDtoClass(type.reflectedType)) return false;
  const target = type.typeFunction?.({ newObject: {}, object: {}, property: name });
  return typeof target === 'function' && isDtoClass(target);
}

const CONVERTED = new Set<unknown>([String, Number, Boolean, Date, Buffer, Object, Array, Set, Map, Promise]);
const isDtoClass = (type: unknown): boolean => typeof type === 'function' && !CONVERTED.has(type);

/**
 * The cross-check's comparison: the same class at every level, the same own keys in the same
 * order, the same primitives (a DTO built from JSON holds nothing else).
 */
export function sameDtoInstance(a: unknown, b: unknown): boolean {
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return Object.is(a, b);
  if (Object.getPrototypeOf(a) !== Object.getPrototypeOf(b) || Array.isArray(a) !== Array.isArray(b)) return false;
  const keys = Object.keys(a);
  const otherKeys = Object.keys(b);
  if (keys.length !== otherKeys.length || keys.some((k, i) => k !== otherKeys[i])) return false;
  return keys.every((k) => sameDtoInstance((a as Plain)[k], (b as Plain)[k]));
}
