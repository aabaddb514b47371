// Kubernetes stores every quantity in a resource list in canonical form, rounded up to milli precision
// (SetDefaults_ResourceList): `0.1m` becomes `1m`, `1.5Gi` becomes `1536Mi`, `cpu: 1` becomes "1". Doing it at
// defaulting time means everything downstream (QoS, scheduler, kubelet, update comparisons) reads one spelling.
import { compareQuantity, formatQuantity, isNegative, milliValue, parseQuantity } from '../quantity.ts';

type Quantity = ReturnType<typeof parseQuantity>;

/** Rewrites each well-formed quantity in place; malformed ones are left for validation to report. */
export function defaultResourceList(list: Record<string, unknown> | undefined): void {
  if (!list) return;
  for (const [name, raw] of Object.entries(list)) {
    const canonical = canonicalQuantity(raw);
    if (canonical !== undefined) list[name] = canonical;
  }
}

export function canonicalQuantity(raw: unknown): string | undefined {
  if (typeof raw !== 'string' && typeof raw !== 'number') return undefined;
  let q: Quantity;
  try {
    q = parseQuantity(raw);
  } catch {
    return undefined;
  }
  return formatQuantity(roundUpToMilli(q));
}

function roundUpToMilli(q: Quantity): Quantity {
  // Negative quantities are rejected by validation; huge ones cannot lose precision below a milli.
  if (isNegative(q)) return q;
  const milli = milliValue(q);
  if (!Number.isSafeInteger(milli)) return q;
  const atMilli = parseQuantity(`${milli}m`);
  if (compareQuantity(atMilli, q) === 0) return q;
  return compareQuantity(atMilli, q) > 0 ? atMilli : parseQuantity(`${milli + 1}m`);
}
