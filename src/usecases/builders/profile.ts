import { type Actor, authorize } from '../../domain/authorization.ts';
import { notFound } from '../../domain/errors.ts';
import { type Level, type LevelMetric, standingOf } from '../../domain/level-rubric.ts';
import type { Db, Deps } from '../context.ts';
import { toCount } from '../context.ts';
import { loadLevels } from './levels.ts';
import { type EvidenceItem, type MetricEvidence, measureBuilder, patternsCreatedBy } from './metrics.ts';
import type { Money } from './product-map.ts';
import { improvementsOf } from './prompts.ts';

export interface BuilderProfile {
  user: { id: string; name: string; email: string; role: string };
  level: Level | null;
  nextLevel: Level | null;
  missingForNext: Array<{ metric: LevelMetric; have: number; need: number; short: number }>;
  evidence: MetricEvidence[];
  commercial: {
    /** ARR of the distinct accounts behind the open patterns they identified or address */
    arrAtStake: Money[];
    accountCount: number;
    accounts: Array<{ id: string; name: string; arr: number | null; currency: string }>;
  };
  technical: {
    improvements: Array<
      EvidenceItem & { title: string; status: string; effort: number | null; risk: string | null }
    >;
    totalEffort: number;
    risk: Record<string, number>;
    /** verdicts so far: improvements verified vs deployed and still waiting */
    verdicts: { verified: number; awaitingVerification: number; abandoned: number };
  };
}

async function findUser(db: Db, idOrEmail: string) {
  const row = await db
    .selectFrom('users')
    .select(['id', 'name', 'email', 'role'])
    .where((eb) => eb.or([eb('id', '=', idOrEmail), eb('email', '=', idOrEmail.toLowerCase())]))
    .executeTakeFirst();
  if (!row) throw notFound('builder', idOrEmail);
  return row;
}

async function commercialContext(db: Db, userId: string): Promise<BuilderProfile['commercial']> {
  const patterns = db
    .selectFrom('patterns')
    .select('id')
    .where((eb) =>
      eb.or([
        eb('id', 'in', patternsCreatedBy(db, userId)),
        eb(
          'id',
          'in',
          eb
            .selectFrom('improvement_patterns')
            .select('pattern_id')
            .where('improvement_id', 'in', improvementsOf(db, userId)),
        ),
      ]),
    );
  const rows = await db
    .selectFrom('pattern_feedback as pf')
    .innerJoin('patterns as p', 'p.id', 'pf.pattern_id')
    .innerJoin('feedback as f', 'f.id', 'pf.feedback_id')
    .innerJoin('contacts as c', 'c.id', 'f.contact_id')
    .innerJoin('accounts as a', 'a.id', 'c.account_id')
    .select(['a.id', 'a.name', 'a.arr', 'a.currency', 'p.status'])
    .where('pf.pattern_id', 'in', patterns)
    .execute();
  const accounts = new Map<
    string,
    { id: string; name: string; arr: number | null; currency: string; open: boolean }
  >();
  for (const r of rows) {
    const a = accounts.get(r.id) ?? {
      id: r.id,
      name: r.name,
      arr: r.arr === null ? null : toCount(r.arr),
      currency: r.currency,
      open: false,
    };
    a.open ||= r.status !== 'resolved';
    accounts.set(r.id, a);
  }
  const totals = new Map<string, number>();
  for (const a of accounts.values())
    if (a.open && a.arr !== null) totals.set(a.currency, (totals.get(a.currency) ?? 0) + a.arr);
  const list = [...accounts.values()].sort((x, y) => (y.arr ?? 0) - (x.arr ?? 0));
  return {
    arrAtStake: [...totals].sort().map(([currency, amount]) => ({ currency, amount })),
    accountCount: list.length,
    accounts: list.slice(0, 20).map(({ open: _open, ...a }) => a),
  };
}

async function technicalContext(db: Db, userId: string): Promise<BuilderProfile['technical']> {
  const rows = await db
    .selectFrom('improvements')
    .select(['id', 'title', 'status', 'effort', 'risk'])
    .where('id', 'in', improvementsOf(db, userId))
    .orderBy('id', 'desc')
    .execute();
  const risk: Record<string, number> = {};
  let totalEffort = 0;
  const verdicts = { verified: 0, awaitingVerification: 0, abandoned: 0 };
  for (const r of rows) {
    if (r.status !== 'abandoned') totalEffort += r.effort ?? 0;
    if (r.risk) risk[r.risk] = (risk[r.risk] ?? 0) + 1;
    if (r.status === 'verified') verdicts.verified++;
    if (r.status === 'deployed') verdicts.awaitingVerification++;
    if (r.status === 'abandoned') verdicts.abandoned++;
  }
  return {
    improvements: rows
      .slice(0, 20)
      .map((r) => ({ type: 'improvement', url: `/api/v1/improvements/${r.id}`, ...r })),
    totalEffort,
    risk,
    verdicts,
  };
}

/**
 * A builder's profile: their level computed from evidence (never typed in), the evidence behind
 * every metric with links to the items, what is missing for the next level, and the commercial
 * and technical context of their work.
 */
export async function getBuilderProfile(
  deps: Deps,
  actor: Actor | null,
  idOrEmail: string,
): Promise<BuilderProfile> {
  authorize(actor, 'users:read');
  const db = deps.store.db;
  const user = await findUser(db, idOrEmail);
  const evidence = await measureBuilder(deps, user.id);
  const values = Object.fromEntries(Object.values(evidence).map((e) => [e.metric, e.value])) as Record<
    LevelMetric,
    number
  >;
  const standing = standingOf(await loadLevels(db), values);
  return {
    user,
    level: standing.current,
    nextLevel: standing.next,
    missingForNext: standing.missing,
    evidence: Object.values(evidence),
    commercial: await commercialContext(db, user.id),
    technical: await technicalContext(db, user.id),
  };
}
