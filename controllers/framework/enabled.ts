// Which controllers run, from kube-controller-manager's --controllers syntax.

/** kube's --controllers syntax: '*' all, 'a,b' only those, '*,-a' all but a. */
export function enabledControllers(spec: string, known: string[]): string[] {
  const items = spec.split(',').map((s) => s.trim()).filter(Boolean);
  const all = items.includes('*');
  const off = new Set(items.filter((s) => s.startsWith('-')).map((s) => s.slice(1)));
  const on = new Set(items.filter((s) => s !== '*' && !s.startsWith('-')));
  for (const name of [...on, ...off]) if (!known.includes(name)) throw new Error(`unknown controller ${JSON.stringify(name)}; known: ${known.join(', ')}`);
  return known.filter((name) => !off.has(name) && (all || on.has(name)));
}
