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
 */
export function memoiseValidationMetadata(storage: MetadataStorage = getMetadataStorage()): void {
  if (memoised.has(storage)) return;
  memoised.add(storage);
  const lookup = storage.getTargetValidationMetadatas.bind(storage);
  const groupByProperty = storage.groupByPropertyName.bind(storage);
  const addMetadata = storage.addValidationMetadata.bind(storage);
  let byTarget = new Map<unknown, Map<string, ValidationMetadata[]>>();
  const groupedOf = new WeakMap<ValidationMetadata[], Grouped>();

  storage.addValidationMetadata = (metadata) => {
    byTarget = new Map();
    addMetadata(metadata);
  };
  storage.getTargetValidationMetadatas = (target, schema, always, strictGroups, groups) => {
    const key = JSON.stringify([schema ?? null, always, strictGroups, groups ?? null]);
    let forTarget = byTarget.get(target);
    if (!forTarget) byTarget.set(target, (forTarget = new Map()));
    let found = forTarget.get(key);
    // Frozen: shared by every later validation, so nobody may change it.
    if (!found) forTarget.set(key, (found = Object.freeze(lookup(target, schema, always, strictGroups, groups)) as ValidationMetadata[]));
    return found;
  };
  storage.groupByPropertyName = (metadata) => {
    if (!Object.isFrozen(metadata)) return groupByProperty(metadata);
    let grouped = groupedOf.get(metadata);
    if (!grouped) groupedOf.set(metadata, (grouped = freezeGroups(groupByProperty(metadata))));
    return grouped;
  };
}

function freezeGroups(grouped: Grouped): Grouped {
  for (const list of Object.values(grouped)) Object.freeze(list);
  return Object.freeze(grouped);
}
