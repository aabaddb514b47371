// @peculiar/x509 registers its algorithms through tsyringe, which refuses to load unless the Reflect Metadata API
// exists (the library's README says to import a polyfill first). No polyfill package is installed, and the library
// only needs the API to be present: its injectable classes take no constructor parameters, so no metadata is ever
// read back. This is the small standard subset, kept per object in WeakMaps, installed only where nothing else did.
// Import it before '@peculiar/x509'.

type MetadataMap = Map<unknown, unknown>;
const store = new WeakMap<object, Map<string | symbol | undefined, MetadataMap>>();

function ownMap(target: object, property: string | symbol | undefined, create: boolean): MetadataMap | undefined {
  let byProperty = store.get(target);
  if (!byProperty) {
    if (!create) return undefined;
    byProperty = new Map();
    store.set(target, byProperty);
  }
  let map = byProperty.get(property);
  if (!map && create) {
    map = new Map();
    byProperty.set(property, map);
  }
  return map;
}

function getOwnMetadata(key: unknown, target: object, property?: string | symbol): unknown {
  return ownMap(target, property, false)?.get(key);
}

function getMetadata(key: unknown, target: object, property?: string | symbol): unknown {
  // Metadata is inherited along the prototype chain, as in the proposal.
  for (let o: object | null = target; o !== null; o = Object.getPrototypeOf(o) as object | null) {
    const map = ownMap(o, property, false);
    if (map?.has(key)) return map.get(key);
  }
  return undefined;
}

function defineMetadata(key: unknown, value: unknown, target: object, property?: string | symbol): void {
  ownMap(target, property, true)!.set(key, value);
}

function hasMetadata(key: unknown, target: object, property?: string | symbol): boolean {
  return getMetadata(key, target, property) !== undefined;
}

function metadata(key: unknown, value: unknown): (target: object, property?: string | symbol) => void {
  return (target, property) => defineMetadata(key, value, target, property);
}

const reflect = Reflect as unknown as Record<string, unknown>;
if (typeof reflect.getMetadata !== 'function') {
  Object.assign(reflect, { getMetadata, getOwnMetadata, defineMetadata, hasMetadata, metadata });
}
