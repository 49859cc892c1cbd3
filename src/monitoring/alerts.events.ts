/**
 * Alert facts of the monitoring and early-warning process. They live on streams of their
 * own — `alerts-institution-<code>`, `alerts-person-<id>` — never on the person or
 * institution ledger streams: an alert is the agency's observation about the ledger,
 * not a fact of the benefit itself, and writing it elsewhere would race the ledger's
 * own commands for the stream revision.
 */
import type { LocalDate } from '../kernel/dates';

export const institutionAlertStreamId = (code: string): string => `alerts-institution-${code}`;
export const personAlertStreamId = (personId: string): string => `alerts-person-${personId}`;

/** Inclusive period of the observation: a calendar month, a rolling window or one day. */
export interface AlertPeriod {
  from: LocalDate;
  to: LocalDate;
}

/** An institution-month indicator crossed its threshold (宛政办〔2022〕42号 第二十二条（二）, 焦医保〔2024〕32号 五（一）, 安医保〔2019〕75号 五). */
export interface InstitutionFlagged {
  type: 'InstitutionFlagged';
  data: {
    /** `institution-<code>:<indicator>:<YYYY-MM>`; one crossing, one id. */
    alertId: string;
    institutionCode: string;
    month: string;
    indicator: string;
    /** Decimal string (a ratio, a growth rate or a money amount). */
    value: string;
    threshold: string;
    clause: string;
    /** The figures the value was computed from, for the reader of the alert. */
    basis: Record<string, string | number | null>;
    /** The ledger event whose arrival made the value cross. */
    triggeredBy: { streamId: string; revision: number };
  };
}

/** A person's visit-frequency indicator crossed its threshold (焦医保〔2024〕32号 五（一） 高频次就诊). */
export interface PersonFlagged {
  type: 'PersonFlagged';
  data: {
    /** `person-<id>:<indicator>:<from>..<to>`. */
    alertId: string;
    personId: string;
    window: AlertPeriod;
    indicator: string;
    value: string;
    threshold: string;
    clause: string;
    basis: Record<string, string | number | null>;
    triggeredBy: { streamId: string; revision: number };
  };
}

/** The agency has looked into an alert and closed it; a closed alert is never raised again for the same crossing. */
export interface AlertClosed {
  type: 'AlertClosed';
  data: { alertId: string; closedOn: LocalDate; note: string };
}

export type AlertEvent = InstitutionFlagged | PersonFlagged | AlertClosed;
export const ALERT_EVENT_TYPES: ReadonlyArray<AlertEvent['type']> = ['InstitutionFlagged', 'PersonFlagged', 'AlertClosed'];
