import { ArgumentMetadata, BadRequestException, Injectable, PipeTransform, ValidationError, ValidationPipe } from '@nestjs/common';
import { hasLoneSurrogate, LONE_SURROGATE_RULE } from '../kernel/well-formed-text';
import { memoiseValidationMetadata } from './validation-metadata';
import { sameDtoInstance, ValidationSuccessPath } from './validation-success-path';

export interface FieldError {
  field: string;
  rule: string;
  message: string;
}

/** Flattens nested class-validator errors into `{field: 'visit.lines.0.amount', rule, message}`. */
export function flattenValidationErrors(errors: ValidationError[], prefix = ''): FieldError[] {
  const out: FieldError[] = [];
  for (const e of errors) {
    const field = prefix ? `${prefix}.${e.property}` : e.property;
    for (const [rule, message] of Object.entries(e.constraints ?? {})) out.push({ field, rule, message });
    if (e.children?.length) out.push(...flattenValidationErrors(e.children, field));
  }
  return out;
}

/**
 * The ValidationPipe's exceptionFactory: a Nest exception, because the pipe is the HTTP
 * layer and its 400 names every failing field at once (InvalidInput names one).
 */
export function badRequest(fields: FieldError[]): BadRequestException {
  return new BadRequestException({
    statusCode: 400,
    error: 'Bad Request',
    message: fields.map((f) => `${f.field}: ${f.message}`).join('; '),
    errors: fields,
  });
}

/** No request body of the API nests deeper than 4; 32 is generous and far below any stack limit. */
export const MAX_BODY_DEPTH = 32;
/**
 * Keys that reach or shadow an object's prototype (`__proto__`, `constructor`, `valueOf`,
 * `toString`…): no DTO has them, and the whitelist does not see them, because the DTO
 * instance already "has" them (a fuzz case found `{"valueOf":…}` accepted).
 */
const PROTOTYPE_KEYS = new Set([...Object.getOwnPropertyNames(Object.prototype), 'prototype']);

/**
 * What no DTO may be given (issue 11 items 4 and 5): a body that is not a JSON object,
 * nesting deeper than MAX_BODY_DEPTH (class-transformer and the pipe recurse, and 20,000
 * levels overflow the stack), prototype keys, and strings that are not Unicode text (a lone
 * surrogate, src/kernel/well-formed-text.ts). Walked with an explicit stack so the check
 * itself cannot overflow. An absent body (no content) is left to the DTO.
 */
export function bodyShapeError(body: unknown): FieldError | undefined {
  if (body === undefined) return undefined;
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    const got = body === null ? 'null' : Array.isArray(body) ? 'an array' : typeof body;
    return { field: 'body', rule: 'isObject', message: `body must be a JSON object, got ${got}` };
  }
  const stack: Array<{ value: object; path: string; depth: number }> = [{ value: body, path: 'body', depth: 1 }];
  while (stack.length) {
    const { value, path, depth } = stack.pop()!;
    if (depth > MAX_BODY_DEPTH) return { field: path, rule: 'maxDepth', message: `body nests deeper than ${MAX_BODY_DEPTH} levels` };
    for (const key of Object.keys(value)) {
      if (PROTOTYPE_KEYS.has(key)) return { field: `${path}.${key}`, rule: 'noPrototypeKeys', message: `key "${key}" is not allowed` };
      const child = (value as Record<string, unknown>)[key];
      if (child !== null && typeof child === 'object') stack.push({ value: child, path: `${path}.${key}`, depth: depth + 1 });
      else if (typeof child === 'string' && hasLoneSurrogate(child))
        return { field: `${path}.${key}`.slice('body.'.length), ...LONE_SURROGATE_RULE };
    }
  }
  return undefined;
}

/**
 * No query parameter of the API takes more than one value. `?limit=5&limit=6` reaches the
 * pipe as an array, which the DTO's rules would refuse with every rule of the field listed
 * ("must not be greater than 500; must not be less than 1; …"); this names what is wrong.
 * `name`: the parameter of `@Query('asOf')`; empty for a whole query object.
 */
export function queryShapeError(query: unknown, name: string | undefined): FieldError | undefined {
  if (name) return repeatedParameterError(name, query);
  if (query === null || typeof query !== 'object') return undefined;
  for (const key of Object.keys(query)) {
    const error = repeatedParameterError(key, (query as Record<string, unknown>)[key]);
    if (error) return error;
  }
  return undefined;
}

function repeatedParameterError(field: string, value: unknown): FieldError | undefined {
  if (!Array.isArray(value)) return undefined;
  return { field, rule: 'noRepeatedParameter', message: `is given ${value.length} times; give it once` };
}

export interface LedgerValidationOptions {
  /**
   * Validate every accepted value the whole way too and fail the request (500) if the success
   * path and class-validator disagree (LEDGER_VALIDATION_CROSS_CHECK=on; the test suite's app
   * runs with it, so every request of every e2e test checks the success path).
   */
  crossCheck?: boolean;
  /** Another success path (tests: one that disagrees, to see the cross-check fail). */
  successPath?: Pick<ValidationSuccessPath, 'accept'>;
}

/** Whitelisting DTO validation behind a shape check of the whole body: the 400 names field and rule. */
@Injectable()
export class LedgerValidationPipe extends ValidationPipe {
  private readonly successPath: Pick<ValidationSuccessPath, 'accept'>;
  private readonly crossCheck: boolean;

  constructor(options: LedgerValidationOptions = {}) {
    super({
      whitelist: true,
      forbidNonWhitelisted: true,
      transform: true,
      stopAtFirstError: false,
      exceptionFactory: (errors) => badRequest(flattenValidationErrors(errors)),
    });
    // Once per process: which rules apply to a class is looked up once, not per request.
    memoiseValidationMetadata();
    this.crossCheck = options.crossCheck ?? false;
    this.successPath = options.successPath ?? new ValidationSuccessPath();
  }

  /** Bodies the shape check has walked: no prototype key at any depth. */
  private readonly shapeChecked = new WeakSet<object>();

  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    if (metadata.type === 'body') {
      const shape = bodyShapeError(value);
      if (shape) throw badRequest([shape]);
      if (value !== null && typeof value === 'object') this.shapeChecked.add(value);
    }
    if (metadata.type === 'query') {
      const single = queryShapeError(value, metadata.data);
      if (single) throw badRequest([single]);
    }
    const accepted = this.acceptedOnSuccessPath(value, metadata);
    if (accepted === undefined) return super.transform(value, metadata);
    return this.crossCheck ? this.crossChecked(accepted, value, metadata) : accepted;
  }

  /** The DTO instance when the success path finds every rule met; undefined: the whole way decides (and writes any 400). */
  private acceptedOnSuccessPath(value: unknown, metadata: ArgumentMetadata): object | undefined {
    const { metatype } = metadata;
    if (!metatype || !this.toValidate(metadata)) return undefined;
    return this.successPath.accept(metatype as new () => object, value);
  }

  private async crossChecked(accepted: object, value: unknown, metadata: ArgumentMetadata): Promise<object> {
    const dto = metadata.metatype?.name ?? 'unknown';
    let whole: unknown;
    try {
      whole = await super.transform(value, metadata);
    } catch (e) {
      throw new Error(`validation cross-check: the success path accepted a ${dto} that class-validator refuses: ${JSON.stringify(value)}`, {
        cause: e,
      });
    }
    if (!sameDtoInstance(accepted, whole))
      throw new Error(`validation cross-check: the success path built another ${dto} than class-transformer from ${JSON.stringify(value)}`);
    return accepted;
  }

  /**
   * Nest's walk deleting `__proto__` keys (issue 10, request path: a second walk of every
   * body, with `delete` and for-in) has nothing to delete in a body the shape check passed:
   * it refuses `__proto__` at any depth. Other values (query, params) are walked as before.
   */
  protected override stripProtoKeys(value: unknown): void {
    if (value !== null && typeof value === 'object' && this.shapeChecked.has(value)) return;
    super.stripProtoKeys(value);
  }
}

export function ledgerValidationPipe(options: LedgerValidationOptions = {}): ValidationPipe {
  return new LedgerValidationPipe(options);
}

/**
 * For commands that take no body (`@Body(NoBodyPipe)`): nothing or `{}`; anything else is a
 * 400 naming the first field, so no endpoint silently accepts what it ignores. The global
 * pipe has already refused non-object, too deep and prototype-key bodies.
 */
@Injectable()
export class NoBodyPipe implements PipeTransform {
  transform(value: unknown): undefined {
    if (value === undefined || value === null) return undefined;
    const keys = typeof value === 'object' && !Array.isArray(value) ? Object.keys(value) : ['body'];
    if (keys.length > 0) {
      const field = keys[0] === 'body' ? 'body' : `body.${keys[0]}`;
      throw badRequest([{ field, rule: 'isEmpty', message: 'this endpoint takes no body' }]);
    }
    return undefined;
  }
}
