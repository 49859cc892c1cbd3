import { InvalidInput } from './errors';
import { checkHappened, latestRecordableDay } from './not-ahead';

const at = (iso: string) => new Date(iso);
const refusal = (field: string, value: string, now: Date): unknown => {
  try {
    checkHappened(field, value, now);
    return undefined;
  } catch (e) {
    return e;
  }
};

describe('checkHappened: a date of something that has happened, against the ledger clock', () => {
  it("the ledger's day is Asia/Shanghai's: with the 5 minutes allowed, 15:55Z is already the next day there", () => {
    expect(latestRecordableDay(at('2024-09-10T15:54:59Z'))).toBe('2024-09-10');
    expect(latestRecordableDay(at('2024-09-10T15:55:00Z'))).toBe('2024-09-11');
  });

  it('a caller 5 minutes ahead at midnight may date tomorrow; a millisecond more may not', () => {
    expect(refusal('paidOn', '2024-09-11', at('2024-09-10T23:55:00+08:00'))).toBeUndefined();
    expect(refusal('paidOn', '2024-09-11', at('2024-09-10T23:54:59.999+08:00'))).toEqual(
      new InvalidInput('paidOn', "must not be later than the ledger's date (2024-09-10, Asia/Shanghai): it records what has happened"),
    );
  });

  it('a month is compared as a month: this one is accepted, the next one is not', () => {
    const now = at('2024-09-30T12:00:00+08:00');
    expect(refusal('month', '2024-09', now)).toBeUndefined();
    expect(refusal('month', '2024-01', now)).toBeUndefined();
    expect(refusal('month', '2024-10', now)).toMatchObject({
      field: 'month',
      rule: "must not be later than the ledger's month (2024-09, Asia/Shanghai): it records what has happened",
    });
  });

  it('past days and years back are accepted', () => {
    const now = at('2024-09-10T12:00:00+08:00');
    for (const day of ['2024-09-10', '2024-09-09', '2000-01-01']) expect(refusal('on', day, now)).toBeUndefined();
    expect(refusal('on', '2099-12-31', now)).toBeInstanceOf(InvalidInput);
  });
});
