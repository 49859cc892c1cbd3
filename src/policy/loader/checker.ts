/** The violation collector every pack check writes to: each violation names its JSON path. */
import { isLocalDate } from '../../kernel/dates';
import { Dec, MONEY_PATTERN, RATE_PATTERN } from '../../kernel/money';
import type { Cited } from '../citation';

export type Json = Record<string, unknown>;
export const isObject = (v: unknown): v is Json => v !== null && typeof v === 'object' && !Array.isArray(v);
export const SLUG = /^[a-z0-9][a-z0-9-]*$/;

/** Collects violations with their JSON path; the pack is refused if any were found. */
export class Checker {
  readonly violations: string[] = [];
  fail(path: string, message: string): void {
    this.violations.push(path ? `${path}: ${message}` : message);
  }
  string(v: unknown, path: string): v is string {
    if (typeof v === 'string' && v.length > 0) return true;
    this.fail(path, 'must be a non-empty string');
    return false;
  }
  bool(v: unknown, path: string): v is boolean {
    if (typeof v === 'boolean') return true;
    this.fail(path, 'must be true or false');
    return false;
  }
  /** Non-negative money string ("30", "1500.00"). */
  money(v: unknown, path: string): v is string {
    if (typeof v === 'string' && MONEY_PATTERN.test(v) && !v.startsWith('-')) return true;
    this.fail(path, `must be a non-negative money string, got ${JSON.stringify(v)}`);
    return false;
  }
  /** Rate string in 0..1. */
  rate(v: unknown, path: string): v is string {
    if (typeof v === 'string' && RATE_PATTERN.test(v) && new Dec(v).lessThanOrEqualTo(1)) return true;
    this.fail(path, `must be a rate string between 0 and 1, got ${JSON.stringify(v)}`);
    return false;
  }
  positiveInt(v: unknown, path: string): v is number {
    if (typeof v === 'number' && Number.isInteger(v) && v > 0) return true;
    this.fail(path, `must be a positive integer, got ${JSON.stringify(v)}`);
    return false;
  }
  date(v: unknown, path: string): v is string {
    if (isLocalDate(v)) return true;
    this.fail(path, `must be a date YYYY-MM-DD, got ${JSON.stringify(v)}`);
    return false;
  }
  oneOf<T extends string>(v: unknown, allowed: readonly T[], path: string): v is T {
    if (typeof v === 'string' && (allowed as readonly string[]).includes(v)) return true;
    this.fail(path, `must be one of ${allowed.join(', ')}, got ${JSON.stringify(v)}`);
    return false;
  }
  listOf<T extends string>(v: unknown, allowed: readonly T[], path: string, nonEmpty = true): v is T[] {
    if (!Array.isArray(v) || (nonEmpty && v.length === 0)) {
      this.fail(path, nonEmpty ? 'must be a non-empty list' : 'must be a list');
      return false;
    }
    return v.every((x, i) => this.oneOf(x, allowed, `${path}[${i}]`));
  }
  /** A cited rule: `{ value, clause, document }` with the value checked by `check`. */
  cited(v: unknown, path: string, check: (value: unknown, path: string) => void): v is Cited<unknown> {
    if (!isObject(v)) {
      this.fail(path, 'must be a cited rule { value, clause, document }');
      return false;
    }
    this.string(v.clause, `${path}.clause`);
    this.string(v.document, `${path}.document`);
    if (v.source !== undefined) this.oneOf(v.source, ['document', 'deployment', 'reading'] as const, `${path}.source`);
    if (v.note !== undefined) this.string(v.note, `${path}.note`);
    if (!('value' in v)) {
      this.fail(path, 'has no value');
      return false;
    }
    check(v.value, `${path}.value`);
    return true;
  }
  object(v: unknown, path: string): v is Json {
    if (isObject(v)) return true;
    this.fail(path, 'must be an object');
    return false;
  }
}
