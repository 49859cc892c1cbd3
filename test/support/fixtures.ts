/**
 * Bodies many HTTP tests start from, in one place so that a test says only what is particular
 * to it. Values are the ones the tests' expected figures were worked out with: change one and
 * those figures change too.
 */

/**
 * `POST /persons` for an in-service employee of Nanyang (宛政办〔2022〕42号 rates for the in
 * service), enrolled on 2023-01-01 with a contribution base of 6000.00. `extra` adds or
 * overrides members (relatives, category, enrolledOn…).
 */
export function nanyangEmployee(personId: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    personId,
    scheme: 'employee',
    category: 'in_service',
    region: 'nanyang',
    enrolledOn: '2023-01-01',
    contributionBase: '6000.00',
    ...extra,
  };
}

/**
 * A settlement body at NY-L2 (1,800.00 in catalogue, from the person's own account) on a day
 * of March 2023, settled half an hour after the visit: the person-cache specs' daily visit.
 */
export function marchVisit(settlementId: string, day: string): Record<string, unknown> {
  return {
    settlementId,
    visitId: `V-${settlementId}`,
    institutionCode: 'NY-L2',
    occurredAt: `2023-03-${day}T09:00:00+08:00`,
    settledAt: `2023-03-${day}T09:30:00+08:00`,
    medType: 'ordinary',
    lines: [{ code: 'A01', amount: '1800.00', inCatalogue: true }],
    account: { source: 'own' },
  };
}

/** A Nanyang county level-2 general hospital for employees (`POST /institutions`; Nanyang's level-2 rates). */
export const NANYANG_COUNTY_LEVEL2 = {
  code: 'NY-H2',
  name: '南阳市第二人民医院',
  category: 'county_general',
  level: 'level2',
  location: 'county',
  region: 'nanyang',
  designations: ['employee'],
};

/** A Jiaozuo city level-3 general hospital for employees (`POST /institutions`; Jiaozuo's cost base and cycle apply). */
export const JIAOZUO_LEVEL3 = {
  code: 'JZ-H001',
  name: '焦作市某三级综合医院',
  category: 'city_level3_general',
  level: 'level3',
  location: 'city',
  region: 'jiaozuo',
  designations: ['employee'],
};

/** An Anyang township health centre for residents (`POST /institutions`; capitation). */
export const ANYANG_TOWNSHIP = {
  code: 'AY-T001',
  name: '安阳县某乡镇卫生院',
  category: 'township_health_centre',
  level: 'township',
  location: 'township',
  region: 'anyang',
  designations: ['resident'],
};

/**
 * `POST /persons/:id/visits` of one in-catalogue drug line at `NANYANG_COUNTY_LEVEL2`, an
 * ordinary outpatient visit (`occurredAt` as the caller's clock has it).
 */
export function drugVisitAtNanyangLevel2(settlementId: string, occurredAt: string, amount: string): Record<string, unknown> {
  return {
    settlementId,
    visitId: `V-${settlementId}`,
    institutionCode: NANYANG_COUNTY_LEVEL2.code,
    occurredAt,
    medType: 'ordinary',
    lines: [{ code: 'DRUG-RX', amount, inCatalogue: true, category: 'drug' }],
  };
}

/**
 * The `input` of a national 2207 settlement (an employee's general outpatient visit, personal
 * account used) for a visit registered by 2201 and uploaded by 2204 as batch `CB1`: 250.00 in
 * all, 50.00 of it outside the catalogue. `extra` overrides members (amounts, setl_time…).
 */
export function national2207Data(psnNo: string, mdtrtId: string, extra: Record<string, unknown> = {}): { data: Record<string, unknown> } {
  return {
    data: {
      psn_no: psnNo,
      mdtrt_cert_type: '02',
      med_type: '11',
      mdtrt_id: mdtrtId,
      chrg_bchno: 'CB1',
      insutype: '310',
      acct_used_flag: '1',
      medfee_sumamt: '250.00',
      fulamt_ownpay_amt: '50.00',
      inscp_scp_amt: '200.00',
      setl_time: '2023-03-01 09:30:00',
      ...extra,
    },
  };
}
