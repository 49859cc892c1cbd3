import type { RecordedEvent } from '../event-store/event-store.port';
import { currentSchemaVersion, upcast } from '../event-store/upcasting';
import { foldPerson } from './person-stream';
import './person-upcasters';

describe('person stream upcasting', () => {
  const v1: RecordedEvent = {
    id: 'e1',
    type: 'PersonEnrolled',
    streamId: 'person-P1',
    revision: 0,
    position: 1,
    data: { personId: 'P1', scheme: 'employee', category: 'in_service', region: 'nanyang', enrolledOn: '2023-01-01', contributionBase: '6000.00' },
    metadata: { schemaVersion: 1, recordedAt: '2023-01-01T00:00:00.000Z' },
  };

  it('PersonEnrolled is written at schema version 2', () => {
    expect(currentSchemaVersion('PersonEnrolled')).toBe(2);
  });

  it('a v1 PersonEnrolled (no relatives) reads as v2 with no relatives, and folds', () => {
    const up = upcast(v1);
    expect(up.metadata.schemaVersion).toBe(2);
    expect(up.metadata.upcastFrom).toBe(1);
    expect((up.data as any).relatives).toEqual([]);
    expect(v1.data).not.toHaveProperty('relatives'); // the stored event is untouched
    expect(foldPerson([up]).enrollment.relatives).toEqual([]);
  });

  it('a current event passes through unchanged', () => {
    const v2 = { ...v1, data: { ...(v1.data as object), relatives: [{ personId: 'P2', relation: 'spouse' }] }, metadata: { ...v1.metadata, schemaVersion: 2 } };
    expect(upcast(v2)).toBe(v2);
  });
});
