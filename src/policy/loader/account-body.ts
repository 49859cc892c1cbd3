/** The personal-account rules of a city pack (null where its document has none). */
import { ACCOUNT_PURPOSES } from '../pack.types';
import { Checker } from './checker';

export function checkAccount(c: Checker, a: unknown): void {
  if (!c.object(a, 'account')) return;
  if (a.credits !== undefined && c.object(a.credits, 'account.credits')) {
    const cr = a.credits;
    if (cr.in_service !== undefined)
      c.cited(cr.in_service, 'account.credits.in_service', (v, path) => {
        if (!c.object(v, path)) return;
        c.oneOf(v.basis, ['contribution_base'] as const, `${path}.basis`);
        c.rate(v.share, `${path}.share`);
      });
    if (cr.retired !== undefined) {
      c.cited(cr.retired, 'account.credits.retired', (v, path) => {
        if (!c.object(v, path)) return;
        c.oneOf(v.basis, ['average_pension'] as const, `${path}.basis`);
        c.rate(v.share, `${path}.share`);
      });
      if (cr.averageMonthlyPension === undefined) c.fail('account.credits.averageMonthlyPension', 'is required for a retired credit');
    }
    if (cr.averageMonthlyPension !== undefined)
      c.cited(cr.averageMonthlyPension, 'account.credits.averageMonthlyPension', (v, path) => c.money(v, path));
  }
  if (a.noNewCredits !== undefined)
    c.cited(a.noNewCredits, 'account.noNewCredits', (v, path) => {
      if (c.object(v, path)) c.date(v.from, `${path}.from`);
    });
  c.cited(a.familyRelations, 'account.familyRelations', (v, path) =>
    c.listOf(v, ['spouse', 'parent', 'child', 'sibling', 'other'] as const, path, false),
  );
  if (c.object(a.mayPay, 'account.mayPay')) {
    const mayPay = a.mayPay;
    for (const purpose of ACCOUNT_PURPOSES) c.cited(mayPay[purpose], `account.mayPay.${purpose}`, (v, path) => c.bool(v, path));
  }
  c.cited(a.visitPayment, 'account.visitPayment', (v, path) => {
    if (!c.object(v, path)) return;
    c.oneOf(v.scope, ['policy_scope_self_pay', 'person_part_medical'] as const, `${path}.scope`);
    c.bool(v.designatedOnly, `${path}.designatedOnly`);
  });
  if (a.balance !== undefined) c.cited(a.balance, 'account.balance', () => undefined);
  if (a.categorySwitch !== undefined) c.cited(a.categorySwitch, 'account.categorySwitch', () => undefined);
}
