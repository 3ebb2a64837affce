import { type Actor, authorize } from '../../domain/authorization.ts';
import type { ReflectionPrompt, WorkItemLinkInput } from '../../domain/builder.ts';
import { forbidden } from '../../domain/errors.ts';
import type { Db, Deps } from '../context.ts';
import { presentLink } from './work-items.ts';

/** How far back decisions and deploys still ask for a reflection. */
const PROMPT_WINDOW_DAYS = 30;

/** Improvements a user created (from the history) or decided: "their" work for prompts and levels. */
export function improvementsOf(db: Db, userId: string) {
  return db
    .selectFrom('improvements')
    .select('id')
    .where((eb) =>
      eb.or([
        eb('decided_by', '=', userId),
        eb(
          'id',
          'in',
          eb
            .selectFrom('events')
            .select('item_id')
            .where('item_type', '=', 'improvement')
            .where('action', '=', 'create')
            .where('actor_id', '=', userId),
        ),
      ]),
    );
}

/** Prompts after an impact verdict on an improvement the user created or decided. */
async function verdictPrompts(deps: Deps, userId: string, since: string): Promise<ReflectionPrompt[]> {
  const rows = await deps.store.db
    .selectFrom('impact_measurements as m')
    .innerJoin('improvements as i', 'i.id', 'm.improvement_id')
    .innerJoin('patterns as p', 'p.id', 'm.pattern_id')
    .select(['m.improvement_id', 'm.verdict', 'm.computed_at', 'i.title', 'p.title as pattern'])
    .where('m.improvement_id', 'in', improvementsOf(deps.store.db, userId))
    .where('m.verdict', '!=', 'too-early')
    .where('m.computed_at', '>=', since)
    .orderBy('m.computed_at', 'desc')
    .limit(50)
    .execute();
  return rows.map((r) => ({
    kind: 'verdict' as const,
    step: 'repeat' as const,
    question: `“${r.title}” was measured ${r.verdict} on “${r.pattern}”. Was that what you expected, and what does it change about what you do next?`,
    link: presentLink({ type: 'improvement', id: r.improvement_id }),
    at: r.computed_at,
  }));
}

/**
 * What the caller might reflect on: their recent decisions, deploys that carried their
 * improvements, and (once measured) impact verdicts — minus what they already reflected on.
 */
export async function reflectionPrompts(deps: Deps, actor: Actor | null): Promise<ReflectionPrompt[]> {
  authorize(actor, 'loop:read');
  const userId = actor.userId;
  if (!userId) throw forbidden('prompts are personal: act as a user');
  const db = deps.store.db;
  const since = new Date(deps.clock().getTime() - PROMPT_WINDOW_DAYS * 86_400_000).toISOString();
  const prompts: ReflectionPrompt[] = [];
  const decided = await db
    .selectFrom('improvements')
    .select(['id', 'title', 'decided_at'])
    .where('decided_by', '=', userId)
    .where('decided_at', '>=', since)
    .orderBy('decided_at', 'desc')
    .limit(50)
    .execute();
  for (const d of decided)
    prompts.push({
      kind: 'decision',
      step: 'brainstorm',
      question: `You decided “${d.title}”. Why this option over the others, and what will tell you it worked?`,
      link: presentLink({ type: 'improvement', id: d.id }),
      at: d.decided_at ?? since,
    });
  const shipped = await db
    .selectFrom('deploy_improvements as di')
    .innerJoin('deploys as d', 'd.id', 'di.deploy_id')
    .innerJoin('improvements as i', 'i.id', 'di.improvement_id')
    .innerJoin('products as p', 'p.id', 'd.product_id')
    .select(['d.id as deploy_id', 'd.version', 'd.deployed_at', 'i.title', 'p.name as product'])
    .where('di.improvement_id', 'in', improvementsOf(db, userId))
    .where('d.deployed_at', '>=', since)
    .orderBy('d.deployed_at', 'desc')
    .limit(50)
    .execute();
  for (const s of shipped)
    prompts.push({
      kind: 'deploy',
      step: 'implement',
      question: `“${s.title}” shipped in ${s.product} ${s.version}. What did building it teach you, and what would you do differently?`,
      link: presentLink({ type: 'deploy', id: s.deploy_id }),
      at: s.deployed_at,
    });
  prompts.push(...(await verdictPrompts(deps, userId, since)));
  const mine = await db
    .selectFrom('reflections')
    .select(['links_json', 'created_at'])
    .where('author_id', '=', userId)
    .execute();
  // A reflection answers the prompts about its items that came before it, not a later verdict.
  const lastReflected = new Map<string, string>();
  for (const r of mine) {
    for (const l of JSON.parse(r.links_json) as WorkItemLinkInput[]) {
      const key = `${l.type}:${l.id}`;
      if ((lastReflected.get(key) ?? '') < r.created_at) lastReflected.set(key, r.created_at);
    }
  }
  const seen = new Set<string>();
  return prompts
    .filter((p) => {
      const key = `${p.kind}:${p.link.type}:${p.link.id}`;
      const reflectedAt = lastReflected.get(`${p.link.type}:${p.link.id}`);
      if ((reflectedAt !== undefined && reflectedAt >= p.at) || seen.has(key)) return false;
      seen.add(key);
      return true;
    })
    .sort((a, b) => b.at.localeCompare(a.at));
}
