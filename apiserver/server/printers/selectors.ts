// Label maps and label selectors as kube-apiserver prints them (labels.FormatLabels, metav1.FormatLabelSelector).
import type { LabelSelector } from '../../api/types.ts';

/** `a=1,b=2`, or `<none>` for an empty map. Go sorts the joined `key=value` strings, not the keys. */
export function formatLabels(labels: Record<string, string> | undefined): string {
  const pairs = Object.entries(labels ?? {}).map(([key, value]) => `${key}=${value}`).sort();
  return pairs.length === 0 ? '<none>' : pairs.join(',');
}

/** The selector's string form, `<none>` when it selects by nothing, `<error>` when it cannot be a selector. */
export function formatLabelSelector(selector: LabelSelector | undefined): string {
  const text = labelSelectorString(selector);
  if (text === undefined) return '<error>';
  return text === '' ? '<none>' : text;
}

/**
 * labels.Selector.String() of a LabelSelector: requirements sorted by key, `k=v`, `k in (a,b)`, `k notin (a)`,
 * `k`, `!k`. Empty for a missing or empty selector; undefined when an expression is malformed.
 */
export function labelSelectorString(selector: LabelSelector | undefined): string | undefined {
  if (!selector) return '';
  const requirements: { key: string; text: string }[] = [];
  for (const [key, value] of Object.entries(selector.matchLabels ?? {})) {
    requirements.push({ key, text: `${key}=${value}` });
  }
  for (const expr of selector.matchExpressions ?? []) {
    const text = expressionString(expr.key, expr.operator, expr.values ?? []);
    if (text === undefined) return undefined;
    requirements.push({ key: expr.key, text });
  }
  return requirements.sort((a, b) => compareStrings(a.key, b.key)).map((r) => r.text).join(',');
}

function expressionString(key: string, operator: string, values: string[]): string | undefined {
  switch (operator) {
    case 'In':
    case 'NotIn':
      if (values.length === 0) return undefined;
      return `${key} ${operator === 'In' ? 'in' : 'notin'} (${[...values].sort().join(',')})`;
    case 'Exists':
      return values.length === 0 ? key : undefined;
    case 'DoesNotExist':
      return values.length === 0 ? `!${key}` : undefined;
    default:
      return undefined;
  }
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
