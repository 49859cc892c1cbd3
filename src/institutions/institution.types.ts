import type { InstitutionLevel, Scheme } from '../policy/engine/types';

/**
 * The eight categories for which 焦医保〔2024〕32号 四（一）3（1） publishes a per-visit
 * average cost base.
 */
export const JIAOZUO_BASE_CATEGORIES = [
  'city_level3_general', // 市三级综合医院
  'city_tcm', // 市级中医院
  'city_maternal_child', // 市级妇幼保健院
  'county_general', // 县三级二级综合医院
  'county_tcm', // 县级中医院
  'county_maternal_child', // 县级妇幼保健院
  'community_health_centre', // 社区卫生服务中心
  'township_health_centre', // 乡镇卫生院
] as const;
export type JiaozuoBaseCategory = (typeof JIAOZUO_BASE_CATEGORIES)[number];

export const INSTITUTION_CATEGORIES = [
  ...JIAOZUO_BASE_CATEGORIES,
  /** 其他专科医疗机构: base from the institution's own history (四（一）1). */
  'other_specialty',
  /**
   * 其他一级或未定级的综合医疗机构: no base of its own; 四（一）1 second paragraph maps it by
   * location (城区 → 社区卫生服务中心, 乡镇 → 乡镇卫生院).
   */
  'other_general',
  /** 村卫生室（所）: exempt from the per-visit average rule (四（一）1 second paragraph). */
  'village_clinic',
  /**
   * 高校校医院（医务室/卫生室）: 安医保〔2019〕75号 一（三）, 五 designate them for resident
   * outpatient pooling; the document sets no rate of their own (see the Anyang pack's tierByCategory).
   * 焦医保〔2024〕32号 publishes no per-visit base for them.
   */
  'campus_clinic',
] as const;
export type InstitutionCategory = (typeof INSTITUTION_CATEGORIES)[number];

export const INSTITUTION_LOCATIONS = ['city', 'county', 'township', 'village'] as const;
export type InstitutionLocation = (typeof INSTITUTION_LOCATIONS)[number];

export const INSTITUTION_LEVELS: readonly InstitutionLevel[] = ['village', 'township', 'level1', 'level2', 'level3', 'unrated'];
export const SCHEMES: readonly Scheme[] = ['employee', 'resident'];

/** What the registry knows about a designated institution (others depend on this shape). */
export interface InstitutionProfile {
  code: string;
  name: string;
  /** Required, and one of its list, where the region's pack declares categories (issue 14 item 1); else optional. */
  category?: InstitutionCategory;
  level: InstitutionLevel;
  location: InstitutionLocation;
  region: string;
  designations: Scheme[];
  /** 安医保〔2019〕75号 五: a county designated this county-level institution. */
  countyDesignated?: boolean;
  pharmacy?: boolean;
}

/** A profile with its category: what conditional fee-for-service settles (its region's pack requires one). */
export type CategorisedProfile = InstitutionProfile & { category: InstitutionCategory };

export function isJiaozuoBaseCategory(c: string): c is JiaozuoBaseCategory {
  return (JIAOZUO_BASE_CATEGORIES as readonly string[]).includes(c);
}

export function institutionStreamId(code: string): string {
  return `institution-${code}`;
}

/** 'YYYY-MM'. */
export type Month = string;
export const MONTH_PATTERN = /^\d{4}-(0[1-9]|1[0-2])$/;
