export type DotPathLookup = { found: true; value: unknown } | { found: false; missingAt: string };

/**
 * Reads `data.message.body` or `items.0.id` from parsed JSON. Numeric segments index
 * arrays; own properties only, so a path can never reach `__proto__` or prototype methods.
 * When the path is missing, reports the prefix where it stopped (e.g. "data.message").
 */
export function getDotPath(root: unknown, path: string): DotPathLookup {
  let current: unknown = root;
  const segments = path.split('.');
  for (let i = 0; i < segments.length; i++) {
    const segment = segments[i];
    const here = segments.slice(0, i + 1).join('.');
    if (Array.isArray(current)) {
      if (!/^\d+$/.test(segment)) return { found: false, missingAt: here };
      const index = Number(segment);
      if (index >= current.length) return { found: false, missingAt: here };
      current = current[index];
    } else if (typeof current === 'object' && current !== null) {
      if (!Object.hasOwn(current, segment)) return { found: false, missingAt: here };
      current = (current as Record<string, unknown>)[segment];
    } else {
      return { found: false, missingAt: here };
    }
  }
  if (current === undefined) return { found: false, missingAt: path };
  return { found: true, value: current };
}
