import { type Actor, authorize } from '../../domain/authorization.ts';
import { DAY_MS, median } from '../../domain/impact.ts';
import type { MetricsQuery } from '../../domain/loop.ts';
import type { Deps } from '../context.ts';

export interface WeekPoint {
  weekStart: string;
  feedback: number;
  linked: number;
  deploys: number;
  notificationsSent: number;
  medianTriageHours: number | null;
}

export interface LoopMetrics {
  productId: string | null;
  from: string;
  to: string;
  feedback: number;
  medianTimeToTriageHours: number | null;
  shareLinked: number | null;
  medianPatternToDecisionDays: number | null;
  medianDecisionToDeployDays: number | null;
  deploys: number;
  deploysPerWeek: number;
  medianCycleTimeDays: number | null;
  notificationsSent: number;
  deployedImprovements: number;
  shareVerified: number | null;
  fixedPatterns: number;
  recurrenceRate: number | null;
  weekly: WeekPoint[];
}

const ms = (iso: string) => Date.parse(iso);
const round = (value: number | null, digits = 2) => (value === null ? null : Number(value.toFixed(digits)));
const share = (part: number, whole: number) => (whole > 0 ? round(part / whole, 4) : null);

/**
 * The loop's health over [from, to): how fast feedback is triaged, how much of it reaches a pattern,
 * the lead times pattern → decision → deploy, how often we ship, how long from someone's first ask
 * until they hear it shipped, how much of what shipped was verified, and how often fixes come undone.
 */
export async function getLoopMetrics(
  deps: Deps,
  actor: Actor | null,
  query: MetricsQuery,
): Promise<LoopMetrics> {
  authorize(actor, 'loop:read');
  const db = deps.store.db;
  const toMs = query.to ? ms(query.to) : deps.clock().getTime();
  const fromMs = query.from ? ms(query.from) : toMs - 90 * DAY_MS;
  const from = new Date(fromMs).toISOString();
  const to = new Date(toMs).toISOString();
  const productId = query.productId ?? null;

  let fq = db
    .selectFrom('feedback')
    .select(['id', 'created_at', 'received_at', 'status', 'updated_at'])
    .where('received_at', '>=', from)
    .where('received_at', '<', to);
  if (productId) fq = fq.where('product_id', '=', productId);
  const feedback = await fq.execute();
  const links = feedback.length
    ? await db
        .selectFrom('pattern_feedback')
        .select((eb) => ['feedback_id', eb.fn.min('linked_at').as('first')])
        .where(
          'feedback_id',
          'in',
          db
            .selectFrom('feedback')
            .select('id')
            .where('received_at', '>=', from)
            .where('received_at', '<', to),
        )
        .groupBy('feedback_id')
        .execute()
    : [];
  const firstLink = new Map(links.map((l) => [l.feedback_id, String(l.first)]));
  const triage = feedback.map((f) => {
    const at = firstLink.get(f.id) ?? (f.status === 'dismissed' ? f.updated_at : null);
    return { received: f.received_at, hours: at ? Math.max(0, ms(at) - ms(f.created_at)) / 3_600_000 : null };
  });

  let iq = db
    .selectFrom('improvements')
    .select(['id', 'decided_at', 'status'])
    .where('decided_at', '>=', from)
    .where('decided_at', '<', to);
  if (productId) iq = iq.where('product_id', '=', productId);
  const decided = await iq.execute();
  const patternStarts = decided.length
    ? await db
        .selectFrom('improvement_patterns')
        .innerJoin('patterns', 'patterns.id', 'improvement_patterns.pattern_id')
        .select((eb) => ['improvement_patterns.improvement_id', eb.fn.min('patterns.created_at').as('first')])
        .where(
          'improvement_patterns.improvement_id',
          'in',
          decided.map((d) => d.id),
        )
        .groupBy('improvement_patterns.improvement_id')
        .execute()
    : [];
  const patternToDecision = patternStarts.map((p) => {
    const d = decided.find((x) => x.id === p.improvement_id);
    return d?.decided_at ? (ms(d.decided_at) - ms(String(p.first))) / DAY_MS : 0;
  });

  let dq = db
    .selectFrom('deploys')
    .select(['id', 'deployed_at'])
    .where('deployed_at', '>=', from)
    .where('deployed_at', '<', to);
  if (productId) dq = dq.where('product_id', '=', productId);
  const deploys = await dq.execute();
  const carried = deploys.length
    ? await db
        .selectFrom('deploy_improvements')
        .innerJoin('improvements', 'improvements.id', 'deploy_improvements.improvement_id')
        .select([
          'deploy_improvements.deploy_id',
          'improvements.id',
          'improvements.decided_at',
          'improvements.status',
        ])
        .where(
          'deploy_improvements.deploy_id',
          'in',
          deploys.map((d) => d.id),
        )
        .execute()
    : [];
  const decisionToDeploy = carried
    .filter((c) => c.decided_at)
    .map(
      (c) =>
        (ms(deploys.find((d) => d.id === c.deploy_id)?.deployed_at ?? to) - ms(c.decided_at as string)) /
        DAY_MS,
    );
  const shipped = new Map(carried.map((c) => [c.id, c.status]));

  let nq = db
    .selectFrom('outbox')
    .innerJoin('deploys', 'deploys.id', 'outbox.deploy_id')
    .select(['outbox.sent_at', 'outbox.first_feedback_at'])
    .where('outbox.kind', '=', 'email')
    .where('outbox.status', '=', 'sent')
    .where('outbox.sent_at', '>=', from)
    .where('outbox.sent_at', '<', to);
  if (productId) nq = nq.where('deploys.product_id', '=', productId);
  const sent = await nq.execute();
  const cycle = sent
    .filter((s) => s.first_feedback_at && s.sent_at)
    .map((s) => (ms(s.sent_at as string) - ms(s.first_feedback_at as string)) / DAY_MS);

  let mq = db
    .selectFrom('impact_measurements')
    .innerJoin('deploys', 'deploys.id', 'impact_measurements.deploy_id')
    .select(['impact_measurements.fixed_at', 'impact_measurements.recurring_at'])
    .where('impact_measurements.fixed_at', 'is not', null);
  if (productId) mq = mq.where('deploys.product_id', '=', productId);
  const fixed = await mq.execute();

  const weeks = Math.max(1, Math.ceil((toMs - fromMs) / (7 * DAY_MS)));
  const weekly: WeekPoint[] = [];
  for (let w = 0; w < weeks; w++) {
    const start = fromMs + w * 7 * DAY_MS;
    const end = Math.min(toMs, start + 7 * DAY_MS);
    const inWeek = (iso: string | null) => !!iso && ms(iso) >= start && ms(iso) < end;
    const weekFeedback = feedback.filter((f) => inWeek(f.received_at));
    weekly.push({
      weekStart: new Date(start).toISOString(),
      feedback: weekFeedback.length,
      linked: weekFeedback.filter((f) => firstLink.has(f.id)).length,
      deploys: deploys.filter((d) => inWeek(d.deployed_at)).length,
      notificationsSent: sent.filter((s) => inWeek(s.sent_at)).length,
      medianTriageHours: round(
        median(triage.filter((t) => inWeek(t.received) && t.hours !== null).map((t) => t.hours as number)),
      ),
    });
  }

  return {
    productId,
    from,
    to,
    feedback: feedback.length,
    medianTimeToTriageHours: round(
      median(triage.filter((t) => t.hours !== null).map((t) => t.hours as number)),
    ),
    shareLinked: share(feedback.filter((f) => firstLink.has(f.id)).length, feedback.length),
    medianPatternToDecisionDays: round(median(patternToDecision)),
    medianDecisionToDeployDays: round(median(decisionToDeploy)),
    deploys: deploys.length,
    deploysPerWeek: round(deploys.length / ((toMs - fromMs) / (7 * DAY_MS))) ?? 0,
    medianCycleTimeDays: round(median(cycle)),
    notificationsSent: sent.length,
    deployedImprovements: shipped.size,
    shareVerified: share([...shipped.values()].filter((s) => s === 'verified').length, shipped.size),
    fixedPatterns: fixed.length,
    recurrenceRate: share(fixed.filter((f) => f.recurring_at).length, fixed.length),
    weekly,
  };
}
