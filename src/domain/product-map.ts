import { z } from 'zod';
import { LIMITS, optionalText, text, urlSchema } from './common.ts';

/**
 * The product map: how products combine (through named surfaces) and what each could be swapped
 * for. Surfaces are identified by name within their product, so a dependency reads as
 * "fleet-manager depends on etcher's `flash-api`".
 */
export const SURFACE_KINDS = ['http', 'cli', 'library', 'ui', 'event'] as const;
export type SurfaceKind = (typeof SURFACE_KINDS)[number];
export const SURFACE_STATUSES = ['active', 'deprecated', 'retired'] as const;
export type SurfaceStatus = (typeof SURFACE_STATUSES)[number];

export const surfaceName = z
  .string()
  .trim()
  .min(1)
  .max(LIMITS.name)
  .regex(/^[^\s/][^/]*$/, 'a name without slashes');

export const surfaceInput = z.strictObject({
  name: surfaceName,
  kind: z.enum(SURFACE_KINDS),
  specUrl: urlSchema
    .nullable()
    .optional()
    .describe('where its contract is written down (OpenAPI, man page…)'),
  version: z.string().trim().min(1).max(100).nullable().optional(),
  status: z.enum(SURFACE_STATUSES).optional().describe('defaults to active'),
});
export type SurfaceInput = z.infer<typeof surfaceInput>;

export const dependencyInput = z.strictObject({
  productId: z.string().trim().min(1).max(100).describe('the product depended on, by id or slug'),
  surface: surfaceName.describe('the name of one of that product’s surfaces'),
});
export type DependencyInput = z.infer<typeof dependencyInput>;

export const alternativeInput = z
  .strictObject({
    productId: z.string().trim().min(1).max(100).optional().describe('another product here, by id or slug'),
    name: text(LIMITS.name).optional().describe('an external alternative'),
    url: urlSchema.nullable().optional(),
    note: optionalText(LIMITS.shortText).optional(),
  })
  .refine((a) => (a.productId === undefined) !== (a.name === undefined), {
    message: 'give either productId (a product here) or name (an external one)',
  });
export type AlternativeInput = z.infer<typeof alternativeInput>;

/** The map fields a product create or PATCH accepts; each list replaces the stored one. */
export const productMapInput = {
  surfaces: z.array(surfaceInput).max(LIMITS.listItems).optional(),
  dependsOn: z.array(dependencyInput).max(LIMITS.listItems).optional(),
  alternatives: z.array(alternativeInput).max(LIMITS.listItems).optional(),
};

export const surfaceSchema = z.object({
  name: z.string(),
  kind: z.enum(SURFACE_KINDS),
  specUrl: z.string().nullable(),
  version: z.string().nullable(),
  status: z.enum(SURFACE_STATUSES),
});
export type Surface = z.infer<typeof surfaceSchema>;

export const dependencySchema = z.object({
  productId: z.string(),
  productSlug: z.string(),
  surface: z.string(),
});
export type Dependency = z.infer<typeof dependencySchema>;

export const alternativeSchema = z.object({
  productId: z.string().nullable(),
  name: z.string(),
  url: z.string().nullable(),
  note: z.string(),
});
export type Alternative = z.infer<typeof alternativeSchema>;

/** The map parts a presented product carries. */
export interface ProductMapParts {
  surfaces: Surface[];
  dependsOn: Dependency[];
  alternatives: Alternative[];
}

export const EMPTY_MAP_PARTS: ProductMapParts = { surfaces: [], dependsOn: [], alternatives: [] };

/**
 * Every elementary cycle's product ids, each listed once, starting from its smallest id. Cycles
 * are allowed (two products may use each other's surfaces) but worth seeing.
 */
export function findCycles(edges: Array<{ from: string; to: string }>): string[][] {
  const next = new Map<string, string[]>();
  for (const e of edges) next.set(e.from, [...(next.get(e.from) ?? []), e.to]);
  const nodes = [...next.keys()].sort();
  const seen = new Set<string>();
  const cycles: string[][] = [];
  for (const start of nodes) {
    // Only cycles whose smallest node is `start`: each cycle is found exactly once.
    const walk = (node: string, path: string[]) => {
      for (const to of next.get(node) ?? []) {
        if (to === start) {
          const key = path.join('>');
          if (!seen.has(key)) {
            seen.add(key);
            cycles.push([...path]);
          }
        } else if (to > start && !path.includes(to) && path.length < 50) walk(to, [...path, to]);
      }
    };
    walk(start, [start]);
    if (cycles.length >= 100) break;
  }
  return cycles;
}
