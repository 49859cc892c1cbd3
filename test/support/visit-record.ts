import type { VisitRecord } from '../../src/projections/person-views';

/**
 * A settlement record as the persons projection stores it, for the person-view tests: a
 * Nanyang level-2 visit of an in-service employee (300.00, deductible 30.00, 55 %: fund
 * 148.50, cash 151.50) recorded the same day. `extra` overrides or adds members.
 */
export function visitRecord(settlementId: string, visitDate: string, position: number, extra: Partial<VisitRecord> = {}): VisitRecord {
  return {
    personId: 'P',
    settlementId,
    visitId: `V-${settlementId}`,
    year: Number(visitDate.slice(0, 4)),
    visitDate,
    occurredAt: `${visitDate}T10:00:00+08:00`,
    institutionCode: 'H',
    institutionLevel: 'level2',
    category: 'in_service',
    eligible: true,
    policyVersion: 'v',
    packId: 'nanyang-employee-2022',
    total: '300.00',
    policyScope: '300.00',
    deductible: '30.00',
    rate: '0.55',
    fund: '148.50',
    account: '0.00',
    relativeAccount: '0.00',
    cash: '151.50',
    capAnnual: '1500.00',
    position,
    recordedAt: `${visitDate}T02:00:00Z`,
    ...extra,
  };
}
