/**
 * `npm run bench:person-cache-heap [-- --persons 500] [--visits 1,4]`
 *
 * Heap held per cached person (issue 10 item 4: the person cache's default size is the heap it
 * costs), as a settlement leaves the entry (write-through: each `VisitSettled` joins without its
 * decision trace, as a command's load reads it) against the baseline measured in the same run:
 * the same persons' entries as a query's whole load leaves them (traces included, as every
 * write-through kept them before). In process (the API through `scripts/ledger-client`, read
 * models in memory, outside V8's heap); `heapUsed` after a full GC (the script runs with
 * --expose-gc), per person: (entries kept − the same persons not cached yet) / persons.
 */
import { parseCommandLine } from '../src/config/command-line';
import { PersonStreamWriter } from '../src/modules/person-writer.service';
import { startLedger } from '../scripts/ledger-client';
import { benchEmployee, benchInstitution, heapAfterGc as heapOf } from './bench-fixtures';

const FLAGS = parseCommandLine('bench:person-cache-heap', 'npm run bench:person-cache-heap [-- --persons 500] [--visits 1,4]', {
  args: process.argv.slice(2),
  options: { persons: { type: 'string' }, visits: { type: 'string' } },
}).values;

const heapAfterGc = (): number => heapOf('bench:person-cache-heap');

async function measure(persons: number, visits: number): Promise<{ written: number; whole: number }> {
  // Cache big enough for every person; the clock on the last visit day so none is in the future.
  process.env.LEDGER_PERSON_CACHE_SIZE = String(persons + 10);
  const ledger = await startLedger({ start: '2023-12-31T12:00:00+08:00' });
  try {
    await ledger.must('/institutions', benchInstitution());
    const ids = Array.from({ length: persons }, (_, i) => `H${visits}-${i}`);
    const before = heapAfterGc();
    for (const personId of ids) {
      await ledger.must('/persons', benchEmployee(personId));
      for (let v = 0; v < visits; v++)
        await ledger.must(`/persons/${personId}/visits`, {
          settlementId: `S-${personId}-${v}`,
          visitId: `V-${personId}-${v}`,
          institutionCode: 'NY-L2',
          occurredAt: `2023-${String(2 + v).padStart(2, '0')}-10T09:00:00+08:00`,
          medType: 'ordinary',
          lines: [{ code: 'A01', amount: '200.00', inCatalogue: true }],
        });
    }
    // Let the inline read side finish, so that its pending work is not counted.
    await new Promise((resolve) => setTimeout(resolve, 300));
    const written = heapAfterGc();
    const writer = ledger.app.get(PersonStreamWriter);
    for (const personId of ids) await writer.load(personId); // each entry replaced by a whole read
    const whole = heapAfterGc();
    return { written: (written - before) / persons, whole: (whole - before) / persons };
  } finally {
    await ledger.close();
  }
}

async function main(): Promise<void> {
  const persons = Number(FLAGS.persons ?? 500);
  const visitCounts = (FLAGS.visits ?? '1,4').split(',').map(Number);
  process.stdout.write(`bench:person-cache-heap — ${persons} persons, heap per cached person (KB), after a full GC\n`);
  for (const visits of visitCounts) {
    const { written, whole } = await measure(persons, visits);
    process.stdout.write(
      `  ${visits} visit(s): as settlements leave it ${(written / 1024).toFixed(1)} KB  | baseline, read whole (traces kept) ${(whole / 1024).toFixed(1)} KB  (${(written / whole).toFixed(2)}×)\n`,
    );
  }
}

void main();
