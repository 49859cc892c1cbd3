import { getMetadataStorage, MetadataStorage } from 'class-validator';

type ValidationMetadata = ReturnType<MetadataStorage['getTargetValidationMetadatas']>[number];
type Grouped = ReturnType<MetadataStorage['groupByPropertyName']>;

const memoised = new WeakSet<MetadataStorage>();

/**
 * Memoises class-validator's metadata lookups (issue 10, request path): for every object it
 * validates, class-validator 0.14 scans every decorated class of the application
 * (`getTargetValidationMetadatas` tests `prototype instanceof` against each, to find inherited
 * rules) and regroups the result by property: ~3.5 % of a settlement's CPU, for a result
 * that only changes when a class is decorated. class-validator stays the validator: the
 * same rules run on the same objects; only the lookup of which rules apply is kept.
 * Any new decoration (a class loaded later, a schema) empties the memo.
 * Known upstream: typestack/class-validator#2686.
 *
 * The shared lists are not frozen: V8 (Node 20) runs Array.prototype.filter on a frozen array
 * through a generic path ~4-8x slower, and class-validator filters a property's list five
 * times per validated property (issue 10, request path: a settlement body's validation, in
 * the running app, 31-34 µs frozen, 21-23 µs not). class-validator and @nestjs/mapped-types
 * only read these lists.
 */
export function memoiseValidationMetadata(storage: MetadataStorage = getMetadataStorage()): void {
  if (memoised.has(storage)) return;
  memoised.add(storage);
  const lookup = storage.getTargetValidationMetadatas.bind(storage);
  const groupByProperty = storage.groupByPropertyName.bind(storage);
  const addMetadata = storage.addValidationMetadata.bind(storage);
  let byTarget = new Map<unknown, Map<string, ValidationMetadata[]>>();
  /** The lists this memo handed out, each with its grouping once asked for. */
  const groupedOf = new WeakMap<ValidationMetadata[], Grouped | undefined>();

  storage.addValidationMetadata = (metadata) => {
    byTarget = new Map();
    addMetadata(metadata);
  };
  storage.getTargetValidationMetadatas = (target, schema, always, strictGroups, groups) => {
    const key = optionsKey(schema, always, strictGroups, groups);
    let forTarget = byTarget.get(target);
    if (!forTarget) byTarget.set(target, (forTarget = new Map()));
    let found = forTarget.get(key);
    if (!found) {
      forTarget.set(key, (found = lookup(target, schema, always, strictGroups, groups)));
      groupedOf.set(found, undefined);
    }
    return found;
  };
  storage.groupByPropertyName = (metadata) => {
    if (!groupedOf.has(metadata)) return groupByProperty(metadata);
    let grouped = groupedOf.get(metadata);
    if (!grouped) groupedOf.set(metadata, (grouped = groupByProperty(metadata)));
    return grouped;
  };
}

/**
 * The memo's key for a lookup's options. Validation asks with no groups and neither `always`
 * nor `strictGroups`, naming no schema or (nested objects) the class: that case without
 * building JSON, whose keys all start with '['.
 */
function optionsKey(schema: unknown, always: boolean, strictGroups: boolean, groups: string[] | undefined): string {
  if (groups === undefined && always === false && strictGroups === false) {
    if (schema === undefined) return '';
    if (typeof schema === 'string') return `schema:${schema}`;
  }
  return JSON.stringify([schema ?? null, always, strictGroups, groups ?? null]);
}
