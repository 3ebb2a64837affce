import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';

/**
 * Products and builders: surfaces, dependencies through surfaces, alternatives, the level rubric;
 * a `surface` on patterns and improvements; the 14 principles and the default rubric seeded.
 * The seed is literal data here so this migration stays frozen in time (docs/levels.md explains it).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('product_surfaces')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('product_id', 'text', (c) => c.notNull().references('products.id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('spec_url', 'text')
    .addColumn('version', 'text')
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('position', 'integer', (c) => c.notNull())
    .addUniqueConstraint('product_surfaces_name_unique', ['product_id', 'name'])
    .execute();

  await db.schema
    .createTable('product_dependencies')
    .addColumn('product_id', 'text', (c) => c.notNull().references('products.id').onDelete('cascade'))
    .addColumn('surface_id', 'text', (c) => c.notNull().references('product_surfaces.id').onDelete('cascade'))
    .addColumn('position', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('product_dependencies_pk', ['product_id', 'surface_id'])
    .execute();
  await db.schema
    .createIndex('product_dependencies_surface_idx')
    .on('product_dependencies')
    .column('surface_id')
    .execute();

  await db.schema
    .createTable('product_alternatives')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('product_id', 'text', (c) => c.notNull().references('products.id').onDelete('cascade'))
    .addColumn('alternative_product_id', 'text', (c) => c.references('products.id').onDelete('cascade'))
    .addColumn('name', 'text')
    .addColumn('url', 'text')
    .addColumn('note', 'text', (c) => c.notNull())
    .addColumn('position', 'integer', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('product_alternatives_product_idx')
    .on('product_alternatives')
    .column('product_id')
    .execute();

  await db.schema
    .createTable('levels')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('rank', 'integer', (c) => c.notNull().unique())
    .addColumn('description', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('level_criteria')
    .addColumn('level_id', 'text', (c) => c.notNull().references('levels.id').onDelete('cascade'))
    .addColumn('metric', 'text', (c) => c.notNull())
    .addColumn('min', 'integer', (c) => c.notNull())
    .addColumn('position', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('level_criteria_pk', ['level_id', 'metric'])
    .execute();

  await db.schema.alterTable('patterns').addColumn('surface', 'text').execute();
  await db.schema.alterTable('improvements').addColumn('surface', 'text').execute();
  await db.schema.createIndex('kudos_from_idx').on('kudos').column('from_id').execute();
  await db.schema.createIndex('comments_author_idx').on('comments').column('author_id').execute();
  await db.schema
    .createIndex('events_actor_idx')
    .on('events')
    .columns(['actor_id', 'item_type', 'action'])
    .execute();

  await seedPrinciples(db);
  await seedRubric(db);
}

const PRINCIPLES: Array<[string, string, string]> = [
  ['mission-alignment', 'Mission alignment', 'Work on what moves the company’s mission forward.'],
  ['ownership', 'Ownership', 'Own outcomes end to end, not just tasks.'],
  [
    'short-term-pain-for-long-term-gain',
    'Short term pain for long term gain',
    'Accept a harder path now when it pays off later.',
  ],
  ['first-principles-thinking', 'First principles thinking', 'Reason from what is true, not from analogy.'],
  ['root-cause-problem-solving', 'Root cause problem solving', 'Fix the cause, not the symptom.'],
  ['zero-to-one-creativity', 'Zero to one creativity', 'Create what did not exist before.'],
  ['self-reflection', 'Self-reflection', 'Look back at your own loop and learn from it.'],
  ['pursue-the-truth', 'Pursue the truth', 'Follow the evidence, even when it is uncomfortable.'],
  ['optimize-for-understanding', 'Optimize for understanding', 'Make things easy to understand for others.'],
  ['continuous-improvement', 'Continuous improvement', 'Make every loop a little better than the last.'],
  ['adaptability', 'Adaptability', 'Change course when the facts change.'],
  ['open-mindedness', 'Open-mindedness', 'Seek out views that differ from yours.'],
  ['self-motivation', 'Self-motivation', 'Start and finish without being pushed.'],
  [
    'clear-and-direct-communication',
    'Clear and direct communication',
    'Say what you mean, plainly, to the people who need it.',
  ],
];

/** The default rubric: [name, rank, description, [metric, min][]] (docs/levels.md). */
const RUBRIC: Array<[string, number, string, Array<[string, number]>]> = [
  ['Contributor', 1, 'Takes part in the loop.', []],
  [
    'Builder',
    2,
    'Has turned feedback into patterns and shipped an improvement.',
    [
      ['patterns_identified', 2],
      ['improvements_shipped', 1],
    ],
  ],
  [
    'Senior Builder',
    3,
    'Decides, ships and verifies; recognised by peers and helps them.',
    [
      ['patterns_identified', 5],
      ['improvements_decided', 3],
      ['improvements_verified', 1],
      ['kudos_received', 2],
      ['others_helped', 3],
    ],
  ],
  [
    'Principal Builder',
    4,
    'Sees patterns across products, verifies repeatedly and predicts well.',
    [
      ['cross_product_patterns', 2],
      ['improvements_verified', 5],
      ['predictions_held', 3],
      ['kudos_received', 5],
      ['others_helped', 10],
    ],
  ],
  [
    'Distinguished Builder',
    5,
    'Shapes the product map and lifts the whole company’s loop.',
    [
      ['cross_product_patterns', 5],
      ['improvements_verified', 15],
      ['predictions_held', 10],
      ['kudos_received', 15],
      ['others_helped', 30],
    ],
  ],
];

/** Ids in the application's layout (10 time + 16 random base32 characters). */
function seedId(index: number): string {
  const alphabet = '0123456789abcdefghjkmnpqrstvwxyz';
  let t = Date.now() + index;
  let time = '';
  for (let i = 0; i < 10; i++) {
    time = alphabet[t % 32] + time;
    t = Math.floor(t / 32);
  }
  const random = [...randomBytes(16)].map((b) => alphabet[b % 32]).join('');
  return time + random;
}

async function seedPrinciples(db: Kysely<any>): Promise<void> {
  const existing = await db.selectFrom('principles').select('slug').execute();
  if (existing.length > 0) return;
  await db
    .insertInto('principles')
    .values(
      PRINCIPLES.map(([slug, name, description], position) => ({
        id: seedId(position),
        slug,
        name,
        description,
        position,
      })),
    )
    .execute();
}

async function seedRubric(db: Kysely<any>): Promise<void> {
  for (const [index, [name, rank, description, criteria]] of RUBRIC.entries()) {
    const id = seedId(100 + index);
    await db.insertInto('levels').values({ id, name, rank, description }).execute();
    if (criteria.length === 0) continue;
    await db
      .insertInto('level_criteria')
      .values(criteria.map(([metric, min], position) => ({ level_id: id, metric, min, position })))
      .execute();
  }
}

export async function down(): Promise<void> {
  throw new Error('migrations are append-only: write a new one instead of reverting');
}
