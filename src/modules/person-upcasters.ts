/**
 * Upcasters of the person stream's event types (see src/event-store/upcasting.ts).
 *
 * PersonEnrolled v2 (current): `relatives` became a required array. v1 events — as
 * written by the first schema, and by migrations from systems that record no family
 * links — have no such field; they are read as "no relatives declared", which is what
 * the absence meant (宛政办〔2022〕42号 第九条: family use needs the relation declared).
 */
import { registerUpcaster } from '../event-store/upcasting';

registerUpcaster('PersonEnrolled', 1, (data: Record<string, unknown>) => ({ ...data, relatives: Array.isArray(data.relatives) ? data.relatives : [] }));
