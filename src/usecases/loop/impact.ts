import { type Actor, authorize } from '../../domain/authorization.ts';
import {
  type Comparison,
  compareWindows,
  DAY_MS,
  detectRecurrence,
  type ImpactSettings,
  type ImpactVerdict,
  type WindowCounts,
} from '../../domain/impact.ts';
import { type Db, type Deps, inTransaction, toCount } from '../context.ts';
import { findImprovementRow } from '../improvements.ts';
import { enqueueRecurrenceNotice } from './notifications.ts';

/** The background actor that records what measurement changed. */
export const IMPACT_ACTOR: Actor = { kind: 'system', userId: null, role: 'admin', name: 'impact' };

export interface ImpactItem extends Omit<Comparison, 'verdict'> {
  patternId: string;
  patternTitle: string;
  /** The verdict after recurrence: `recurring` when a fixed pattern came back. */
  verdict: ImpactVerdict;
  measuredVerdict: Comparison['verdict'];
  recurrence: {
    from: string;
    to: string;
    patternCount: number;
    totalCount: number;
    rate: number;
    statistic: number;
    pValue: number;
  } | null;
}

export interface ImpactReport {
  improvementId: string;
  status: string;
  deployId: string | null;
  deployedAt: string | null;
  /** Summary over the patterns: recurring, fixed (all), too-early, regressed, partly-fixed, no-change. */
  verdict: ImpactVerdict | null;
  method: string;
  settings: ImpactSettings;
  items: ImpactItem[];
}

export const IMPACT_METHOD =
  'two-proportion z-test (pooled, two-sided) on the share of the product’s feedback that is linked to the pattern, baseline window before the deploy vs after it; see docs/impact.md';

const iso = (ms: number) => new Date(ms).toISOString();

/** Feedback linked to the pattern, and all feedback of the product (or linked to the pattern), received in [from, to). */
export async function countWindow(
  db: Db,
  productId: string,
  patternId: string,
  fromMs: number,
  toMs: number,
): Promise<WindowCounts> {
  const from = iso(fromMs);
  const to = iso(toMs);
  const pattern = await db
    .selectFrom('pattern_feedback')
    .innerJoin('feedback', 'feedback.id', 'pattern_feedback.feedback_id')
    .select((eb) => eb.fn.countAll().as('n'))
    .where('pattern_feedback.pattern_id', '=', patternId)
    .where('feedback.received_at', '>=', from)
    .where('feedback.received_at', '<', to)
    .where('feedback.status', '!=', 'dismissed')
    .executeTakeFirst();
  const total = await db
    .selectFrom('feedback')
    .select((eb) => eb.fn.countAll().as('n'))
    .where('received_at', '>=', from)
    .where('received_at', '<', to)
    .where('status', '!=', 'dismissed')
    .where((eb) =>
      eb.or([
        eb('product_id', '=', productId),
        eb(
          'id',
          'in',
          eb.selectFrom('pattern_feedback').select('feedback_id').where('pattern_id', '=', patternId),
        ),
      ]),
    )
    .executeTakeFirst();
  return { from, to, patternCount: toCount(pattern?.n), totalCount: toCount(total?.n) };
}

/** The first deploy that carried the improvement. */
export async function firstDeployOf(
  db: Db,
  improvementId: string,
): Promise<{ id: string; productId: string; deployedAt: string } | null> {
  const row = await db
    .selectFrom('deploy_improvements')
    .innerJoin('deploys', 'deploys.id', 'deploy_improvements.deploy_id')
    .select(['deploys.id', 'deploys.product_id', 'deploys.deployed_at'])
    .where('deploy_improvements.improvement_id', '=', improvementId)
    .orderBy('deploys.deployed_at')
    .executeTakeFirst();
  return row ? { id: row.id, productId: row.product_id, deployedAt: row.deployed_at } : null;
}

function summarise(items: ImpactItem[]): ImpactVerdict | null {
  if (items.length === 0) return null;
  const has = (v: ImpactVerdict) => items.some((i) => i.verdict === v);
  if (has('recurring')) return 'recurring';
  if (items.every((i) => i.verdict === 'fixed')) return 'fixed';
  for (const v of ['too-early', 'regressed'] as const) if (has(v)) return v;
  if (has('fixed') || has('partly-fixed')) return 'partly-fixed';
  return 'no-change';
}

/**
 * Measures a deployed improvement on each pattern it addresses, stores the result, and acts on it:
 * a fixed pattern is resolved, a fixed pattern coming back becomes recurring (its owners are told),
 * and an improvement whose patterns are all fixed becomes verified. Changes are history events.
 */
export async function measureImprovement(
  deps: Deps,
  improvementId: string,
  now: Date,
): Promise<ImpactReport> {
  const settings = deps.loop.impactSettings;
  const db = deps.store.db;
  const improvement = await findImprovementRow(db, improvementId);
  const deploy = await firstDeployOf(db, improvementId);
  const base = { improvementId, method: IMPACT_METHOD, settings };
  if (!deploy)
    return {
      ...base,
      status: improvement.status,
      deployId: null,
      deployedAt: null,
      verdict: null,
      items: [],
    };
  const patterns = await db
    .selectFrom('improvement_patterns')
    .innerJoin('patterns', 'patterns.id', 'improvement_patterns.pattern_id')
    .select(['patterns.id', 'patterns.title', 'patterns.status'])
    .where('improvement_patterns.improvement_id', '=', improvementId)
    .orderBy('patterns.id')
    .execute();
  const previous = new Map(
    (
      await db
        .selectFrom('impact_measurements')
        .selectAll()
        .where('improvement_id', '=', improvementId)
        .execute()
    ).map((m) => [m.pattern_id, m]),
  );
  const deployedMs = Date.parse(deploy.deployedAt);
  const windowMs = settings.windowDays * DAY_MS;
  const nowMs = now.getTime();
  const afterEnd = Math.max(deployedMs, Math.min(deployedMs + windowMs, nowMs));
  const items: ImpactItem[] = [];
  for (const p of patterns) {
    const baseline = await countWindow(db, deploy.productId, p.id, deployedMs - windowMs, deployedMs);
    const after = await countWindow(db, deploy.productId, p.id, deployedMs, afterEnd);
    const comparison = compareWindows(baseline, after, settings);
    const wasFixed = comparison.verdict === 'fixed' || !!previous.get(p.id)?.fixed_at;
    let recurrence: ImpactItem['recurrence'] = null;
    if (wasFixed && nowMs > deployedMs + windowMs) {
      const recentFrom = Math.max(deployedMs + windowMs, nowMs - windowMs);
      const recent = detectRecurrence(
        after,
        await countWindow(db, deploy.productId, p.id, recentFrom, nowMs),
        settings,
      );
      recurrence = { ...recent.recent, statistic: recent.statistic, pValue: recent.pValue };
      if (recent.recurring || p.status === 'recurring')
        items.push({
          ...comparison,
          patternId: p.id,
          patternTitle: p.title,
          measuredVerdict: comparison.verdict,
          verdict: 'recurring',
          recurrence,
        });
      else
        items.push({
          ...comparison,
          patternId: p.id,
          patternTitle: p.title,
          measuredVerdict: comparison.verdict,
          recurrence,
        });
      continue;
    }
    items.push({
      ...comparison,
      patternId: p.id,
      patternTitle: p.title,
      measuredVerdict: comparison.verdict,
      recurrence,
    });
  }
  await applyMeasurement(
    deps,
    { id: improvementId, title: improvement.title, status: improvement.status },
    deploy.id,
    items,
    patterns,
    previous,
    now,
  );
  const status = (await findImprovementRow(db, improvementId)).status;
  return {
    ...base,
    status,
    deployId: deploy.id,
    deployedAt: deploy.deployedAt,
    verdict: summarise(items),
    items,
  };
}

async function applyMeasurement(
  deps: Deps,
  improvement: { id: string; title: string; status: string },
  deployId: string,
  items: ImpactItem[],
  patterns: Array<{ id: string; title: string; status: string }>,
  previous: Map<string, { verdict: string; fixed_at: string | null; recurring_at: string | null }>,
  now: Date,
): Promise<void> {
  const nowIso = now.toISOString();
  const changed = items.some((i) => previous.get(i.patternId)?.verdict !== i.verdict);
  const allFixed = items.length > 0 && items.every((i) => i.verdict === 'fixed');
  const needsWork =
    changed ||
    (allFixed && improvement.status === 'deployed') ||
    items.some((i) => needsPatternMove(i, patterns));
  await inTransaction(deps, IMPACT_ACTOR, async (tx) => {
    for (const item of items) {
      const prev = previous.get(item.patternId);
      const fixedAt = prev?.fixed_at ?? (item.measuredVerdict === 'fixed' ? nowIso : null);
      const recurringAt = item.verdict === 'recurring' ? (prev?.recurring_at ?? nowIso) : null;
      await tx.db
        .deleteFrom('impact_measurements')
        .where('improvement_id', '=', improvement.id)
        .where('pattern_id', '=', item.patternId)
        .execute();
      await tx.db
        .insertInto('impact_measurements')
        .values({
          improvement_id: improvement.id,
          pattern_id: item.patternId,
          deploy_id: deployId,
          computed_at: nowIso,
          verdict: item.verdict,
          result_json: JSON.stringify(item),
          fixed_at: fixedAt,
          recurring_at: recurringAt,
        })
        .execute();
      if (!needsWork) continue;
      if (prev?.verdict !== item.verdict)
        await tx.record('improvement', improvement.id, 'update', {
          [`impact ${item.patternId}`]: { before: prev?.verdict ?? null, after: item.verdict },
        });
      const pattern = patterns.find((p) => p.id === item.patternId);
      if (!pattern) continue;
      const next = patternMove(item, pattern.status);
      if (next) {
        await tx.db
          .updateTable('patterns')
          .set({ status: next, updated_at: nowIso })
          .where('id', '=', pattern.id)
          .execute();
        await tx.record('pattern', pattern.id, 'update', { status: { before: pattern.status, after: next } });
        if (next === 'recurring') {
          const r = item.recurrence;
          const detail = r
            ? `Since ${r.from.slice(0, 10)}: ${r.patternCount} of ${r.totalCount} items (rate ${r.rate.toFixed(3)}; after the fix ${item.after.rate.toFixed(3)}), z = ${r.statistic}, p = ${r.pValue}.`
            : '';
          await enqueueRecurrenceNotice(tx, deps.loop.settings, {
            improvementId: improvement.id,
            improvementTitle: improvement.title,
            patternId: pattern.id,
            patternTitle: pattern.title,
            detail,
          });
        }
      }
    }
    if (allFixed && improvement.status === 'deployed') {
      await tx.db
        .updateTable('improvements')
        .set({ status: 'verified', updated_at: nowIso })
        .where('id', '=', improvement.id)
        .execute();
      await tx.record('improvement', improvement.id, 'update', {
        status: { before: 'deployed', after: 'verified' },
      });
    }
  });
}

/** A fixed pattern is resolved; a resolved one that came back is recurring. */
function patternMove(item: ImpactItem, status: string): string | null {
  if (item.verdict === 'recurring') return status === 'resolved' ? 'recurring' : null;
  if (item.verdict === 'fixed' && ['emerging', 'confirmed', 'addressed'].includes(status)) return 'resolved';
  return null;
}

function needsPatternMove(item: ImpactItem, patterns: Array<{ id: string; status: string }>): boolean {
  const p = patterns.find((x) => x.id === item.patternId);
  return !!p && patternMove(item, p.status) !== null;
}

/** `GET /api/v1/improvements/:id/impact`: measured now, from the current data. */
export async function getImpact(
  deps: Deps,
  actor: Actor | null,
  improvementId: string,
): Promise<ImpactReport> {
  authorize(actor, 'loop:read');
  return measureImprovement(deps, improvementId, deps.clock());
}

/** Re-measures every deployed or verified improvement (the background worker's sweep). */
export async function measureAll(deps: Deps, now: Date): Promise<number> {
  const rows = await deps.store.db
    .selectFrom('improvements')
    .select('id')
    .where('status', 'in', ['deployed', 'verified'])
    .execute();
  for (const r of rows) await measureImprovement(deps, r.id, now);
  return rows.length;
}
