import { type Actor, authorize } from '../../domain/authorization.ts';
import { AppError } from '../../domain/errors.ts';
import { newId } from '../../domain/ids.ts';
import {
  isLevelMetric,
  LEVEL_METRIC_NAMES,
  LEVEL_METRICS,
  type Level,
  type LevelMetric,
  type ReplaceRubricInput,
} from '../../domain/level-rubric.ts';
import { type Db, type Deps, inTransaction } from '../context.ts';

export interface Rubric {
  levels: Level[];
  metrics: Record<string, string>;
}

/** The rubric's levels, lowest rank first, each with its criteria. */
export async function loadLevels(db: Db): Promise<Level[]> {
  const levels = await db.selectFrom('levels').selectAll().orderBy('rank').execute();
  const criteria = await db
    .selectFrom('level_criteria')
    .selectAll()
    .orderBy('level_id')
    .orderBy('position')
    .execute();
  return levels.map((l) => ({
    name: l.name,
    rank: l.rank,
    description: l.description,
    criteria: criteria
      .filter((c) => c.level_id === l.id && isLevelMetric(c.metric))
      .map((c) => ({ metric: c.metric as LevelMetric, min: c.min })),
  }));
}

export async function getRubric(deps: Deps, actor: Actor | null): Promise<Rubric> {
  authorize(actor, 'loop:read');
  return { levels: await loadLevels(deps.store.db), metrics: { ...LEVEL_METRICS } };
}

/** Checks a rubric: known metrics only (the error lists them), unique ranks, each metric once per level. */
function validateRubric(input: ReplaceRubricInput): void {
  const known = LEVEL_METRIC_NAMES.join(', ');
  const ranks = new Set<number>();
  for (const [i, level] of input.levels.entries()) {
    if (ranks.has(level.rank))
      throw new AppError('invalid', `levels.${i}.rank: rank ${level.rank} is used twice`, {
        [`levels.${i}.rank`]: 'ranks must be unique',
      });
    ranks.add(level.rank);
    const seen = new Set<string>();
    for (const [j, c] of level.criteria.entries()) {
      const field = `levels.${i}.criteria.${j}.metric`;
      if (!isLevelMetric(c.metric))
        throw new AppError(
          'invalid',
          `${field}: unknown metric ${c.metric}; known metrics: ${known}`,
          { [field]: `unknown metric; known: ${known}` },
          {
            knownMetrics: LEVEL_METRIC_NAMES,
          },
        );
      if (seen.has(c.metric))
        throw new AppError('invalid', `${field}: ${c.metric} appears twice in one level`, {
          [field]: 'appears twice',
        });
      seen.add(c.metric);
    }
  }
}

/** Replaces the rubric (admins). Levels are recomputed from evidence on every read, so nothing else changes. */
export async function replaceRubric(
  deps: Deps,
  actor: Actor | null,
  input: ReplaceRubricInput,
): Promise<Rubric> {
  authorize(actor, 'settings:manage');
  validateRubric(input);
  return inTransaction(deps, actor, async (tx) => {
    const before = await loadLevels(tx.db);
    await tx.db.deleteFrom('level_criteria').execute();
    await tx.db.deleteFrom('levels').execute();
    for (const level of input.levels) {
      const id = newId();
      await tx.db
        .insertInto('levels')
        .values({ id, name: level.name, rank: level.rank, description: level.description ?? '' })
        .execute();
      if (level.criteria.length > 0)
        await tx.db
          .insertInto('level_criteria')
          .values(
            level.criteria.map((c, position) => ({ level_id: id, metric: c.metric, min: c.min, position })),
          )
          .execute();
    }
    const levels = await loadLevels(tx.db);
    await tx.record('level_rubric', 'all', 'update', { levels: { before, after: levels } });
    return { levels, metrics: { ...LEVEL_METRICS } };
  });
}
