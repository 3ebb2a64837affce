import { sql } from 'kysely';
import { LEVEL_METRICS, type LevelMetric } from '../../domain/level-rubric.ts';
import type { Db, Deps } from '../context.ts';
import { builderCalibration } from '../loop/calibration.ts';
import { improvementsOf } from './prompts.ts';

/** One item of evidence, with where to read it. */
export interface EvidenceItem {
  type: string;
  id: string;
  url: string;
}

export interface MetricEvidence {
  metric: LevelMetric;
  description: string;
  value: number;
  /** the first items behind the value (all of them up to EVIDENCE_ITEMS) */
  items: EvidenceItem[];
  note?: string;
}

/** How many items of evidence a profile lists per metric; the value always counts them all. */
export const EVIDENCE_ITEMS = 20;

/** Patterns the user created, read from the history (the `create` event names its actor). */
export function patternsCreatedBy(db: Db, userId: string) {
  return db
    .selectFrom('events')
    .select('item_id')
    .where('item_type', '=', 'pattern')
    .where('action', '=', 'create')
    .where('actor_id', '=', userId);
}

const item = (type: string, collection: string) => (id: string) => ({
  type,
  id,
  url: `/api/v1/${collection}/${id}`,
});

type Query = (db: Db, userId: string) => Promise<EvidenceItem[]>;

/** The closed set of queries behind the rubric's metrics. Each returns its evidence, newest first. */
const QUERIES: Record<Exclude<LevelMetric, 'predictions_held'>, Query> = {
  async patterns_identified(db, userId) {
    const rows = await db
      .selectFrom('patterns')
      .select('id')
      .where('id', 'in', patternsCreatedBy(db, userId))
      .orderBy('id', 'desc')
      .execute();
    return rows.map((r) => item('pattern', 'patterns')(r.id));
  },
  async improvements_decided(db, userId) {
    const rows = await db
      .selectFrom('improvements')
      .select('id')
      .where('decided_by', '=', userId)
      .orderBy('id', 'desc')
      .execute();
    return rows.map((r) => item('improvement', 'improvements')(r.id));
  },
  async improvements_shipped(db, userId) {
    const rows = await db
      .selectFrom('improvements')
      .select('id')
      .where('status', 'in', ['deployed', 'verified'])
      .where('id', 'in', improvementsOf(db, userId))
      .orderBy('id', 'desc')
      .execute();
    return rows.map((r) => item('improvement', 'improvements')(r.id));
  },
  async improvements_verified(db, userId) {
    const rows = await db
      .selectFrom('improvements')
      .select('id')
      .where('status', '=', 'verified')
      .where('id', 'in', improvementsOf(db, userId))
      .orderBy('id', 'desc')
      .execute();
    return rows.map((r) => item('improvement', 'improvements')(r.id));
  },
  async cross_product_patterns(db, userId) {
    const rows = await db
      .selectFrom('pattern_feedback as pf')
      .innerJoin('feedback as f', 'f.id', 'pf.feedback_id')
      .select('pf.pattern_id')
      .where('pf.pattern_id', 'in', patternsCreatedBy(db, userId))
      .where('f.product_id', 'is not', null)
      .groupBy('pf.pattern_id')
      .having(sql<number>`count(distinct f.product_id)`, '>=', 2)
      .orderBy('pf.pattern_id', 'desc')
      .execute();
    return rows.map((r) => item('pattern', 'patterns')(r.pattern_id));
  },
  async kudos_received(db, userId) {
    const rows = await db
      .selectFrom('kudos')
      .select('id')
      .where('to_id', '=', userId)
      .orderBy('id', 'desc')
      .execute();
    return rows.map((r) => item('kudos', 'kudos')(r.id));
  },
  async others_helped(db, userId) {
    const comments = await db
      .selectFrom('comments as c')
      .select(['c.id', 'c.item_type', 'c.item_id'])
      .where('c.author_id', '=', userId)
      .where(({ not, exists, selectFrom }) =>
        not(
          exists(
            selectFrom('events as e')
              .select('e.id')
              .whereRef('e.item_type', '=', 'c.item_type')
              .whereRef('e.item_id', '=', 'c.item_id')
              .where('e.action', '=', 'create')
              .where('e.actor_id', '=', userId),
          ),
        ),
      )
      .orderBy('c.id', 'desc')
      .execute();
    const given = await db
      .selectFrom('kudos')
      .select('id')
      .where('from_id', '=', userId)
      .orderBy('id', 'desc')
      .execute();
    return [
      ...comments.map((c) => ({
        type: 'comment',
        id: c.id,
        url: `/api/v1/${collectionOf(c.item_type)}/${c.item_id}/comments`,
      })),
      ...given.map((k) => item('kudos', 'kudos')(k.id)),
    ];
  },
};

function collectionOf(itemType: string): string {
  return itemType === 'feedback' ? 'feedback' : `${itemType}s`;
}

/**
 * Prediction calibration: decisions of this builder whose prediction held once the impact was
 * measured (same test and windows as the impact verdict; see src/usecases/loop/calibration.ts).
 */
async function predictionsHeld(deps: Deps, userId: string): Promise<MetricEvidence> {
  const calibration = await builderCalibration(deps, userId);
  const held = calibration.items
    .filter((item) => item.held === true)
    .map((item) => ({
      type: 'improvement',
      id: item.improvementId,
      url: `/api/v1/improvements/${item.improvementId}`,
    }));
  const pending = calibration.predictions - calibration.scored;
  return {
    metric: 'predictions_held',
    description: LEVEL_METRICS.predictions_held,
    value: held.length,
    items: held.slice(0, EVIDENCE_ITEMS),
    ...(pending > 0
      ? { note: `${pending} prediction(s) not scored yet (not deployed, or too early to measure)` }
      : {}),
  };
}

/** Every metric's value and evidence for one builder. */
export async function measureBuilder(
  deps: Deps,
  userId: string,
): Promise<Record<LevelMetric, MetricEvidence>> {
  const out = {} as Record<LevelMetric, MetricEvidence>;
  for (const [metric, query] of Object.entries(QUERIES) as Array<
    [Exclude<LevelMetric, 'predictions_held'>, Query]
  >) {
    const items = await query(deps.store.db, userId);
    out[metric] = {
      metric,
      description: LEVEL_METRICS[metric],
      value: items.length,
      items: items.slice(0, EVIDENCE_ITEMS),
    };
  }
  out.predictions_held = await predictionsHeld(deps, userId);
  return out;
}
