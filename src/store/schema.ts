import type { BuilderTables } from './schema-builders.ts';
import type { LoopTables } from './schema-loop.ts';
import type { ReflectTables } from './schema-reflect.ts';

/**
 * The tables as Kysely sees them. Timestamps are ISO-8601 UTC strings (sortable as text) and
 * booleans are 0/1 integers, so one repository layer reads the same values from SQLite and
 * PostgreSQL. Lists of plain strings are JSON text; anything with identity has its own table.
 */
export interface UsersTable {
  id: string;
  email: string;
  name: string;
  role: string;
  password_hash: string | null;
  created_at: string;
  updated_at: string;
  disabled_at: string | null;
}

export interface TokensTable {
  id: string;
  user_id: string;
  name: string;
  kind: string; // 'session' | 'api'
  token_hash: string;
  csrf_token: string | null;
  created_at: string;
  last_used_at: string | null;
  expires_at: string | null;
  revoked_at: string | null;
}

export interface SetupTokensTable {
  id: string;
  token_hash: string;
  created_at: string;
  used_at: string | null;
}

export interface LoginAttemptsTable {
  id: string;
  email: string;
  ip: string;
  at: string;
  succeeded: number;
}

export interface ProductsTable {
  id: string;
  slug: string;
  name: string;
  problem: string;
  users_json: string;
  boundary_in_json: string;
  boundary_out_json: string;
  status: string;
  created_at: string;
  updated_at: string;
  /** 0/1: whether end users may post feedback through the public portal (optional on insert: defaults to 0) */
  portal_enabled?: number;
  /** GitHub "owner/name", lowercased; maps webhook events to this product */
  repository: string | null;
}

export interface AccountsTable {
  id: string;
  name: string;
  arr: number | string | null;
  currency: string;
  segment: string | null;
  plan: string | null;
  created_at: string;
  updated_at: string;
}

export interface ContactsTable {
  id: string;
  email: string | null;
  name: string | null;
  account_id: string | null;
  created_at: string;
  updated_at: string;
}

export interface FeedbackTable {
  id: string;
  text: string;
  product_id: string | null;
  surface: string | null;
  channel: string;
  external_id: string | null;
  source_url: string | null;
  contact_id: string | null;
  received_at: string;
  status: string;
  dismiss_reason: string | null;
  /** Hash of the normalised text: same contact + same key within a day = exact duplicate. */
  text_key: string;
  duplicate_of_id: string | null;
  created_at: string;
  updated_at: string;
  /** null when no moderation applies; 'pending' | 'approved' | 'rejected' for portal items */
  moderation: string | null;
  /** The contact's account's segment, copied for the inbox filter (see usecases/inbox-columns.ts). */
  segment?: string | null;
  /** The contact's account's ARR band in the base currency (domain/currency.ts); null when unknown. */
  arr_band?: string | null;
  /** 0/1: the pattern engine has a suggestion above its threshold for this item. */
  has_suggestion?: number;
}

export interface PatternsTable {
  id: string;
  title: string;
  description: string;
  product_id: string | null;
  status: string;
  merged_into_id: string | null;
  created_at: string;
  updated_at: string;
  /** one of the product's surfaces (names a row of product_surfaces); optional on insert */
  surface?: string | null;
}

export interface PatternFeedbackTable {
  pattern_id: string;
  feedback_id: string;
  linked_by: string | null;
  linked_at: string;
}

export interface ImprovementsTable {
  id: string;
  title: string;
  proposal: string;
  product_id: string | null;
  status: string;
  effort: number | null;
  risk: string | null;
  confidence: number | null;
  decision_option_id: string | null;
  decision_rationale: string | null;
  prediction_pattern_id: string | null;
  prediction_change_pct: number | null;
  prediction_within_days: number | null;
  decided_at: string | null;
  decided_by: string | null;
  created_at: string;
  updated_at: string;
  /** one of the product's surfaces (names a row of product_surfaces); optional on insert */
  surface?: string | null;
}

export interface ImprovementPatternsTable {
  improvement_id: string;
  pattern_id: string;
}

export interface ImprovementOptionsTable {
  id: string;
  improvement_id: string;
  title: string;
  body: string;
  created_by: string | null;
  created_at: string;
}

export interface OptionVotesTable {
  option_id: string;
  user_id: string;
  created_at: string;
}

export interface ImplementationLinksTable {
  id: string;
  improvement_id: string;
  url: string;
  kind: string;
  state: string;
  created_at: string;
  updated_at: string;
}

export interface DeploysTable {
  id: string;
  product_id: string;
  version: string;
  deployed_at: string;
  notes: string;
  created_by: string | null;
  created_at: string;
}

export interface DeployImprovementsTable {
  deploy_id: string;
  improvement_id: string;
}

export interface CommentsTable {
  id: string;
  item_type: string;
  item_id: string;
  author_id: string | null;
  body: string;
  created_at: string;
  updated_at: string;
}

export interface PrinciplesTable {
  id: string;
  slug: string;
  name: string;
  description: string;
  position: number;
}

export interface ReflectionsTable {
  id: string;
  author_id: string;
  body: string;
  step: string;
  principles_json: string;
  links_json: string;
  visibility: string;
  created_at: string;
  updated_at: string;
}

export interface KudosTable {
  id: string;
  from_id: string;
  to_id: string;
  principle_id: string;
  body: string;
  link: string | null;
  created_at: string;
}

export interface EventsTable {
  id: string;
  actor_id: string | null;
  actor_name: string;
  at: string;
  item_type: string;
  item_id: string;
  action: string;
  changes_json: string;
}

export interface InboundSourcesTable {
  id: string;
  name: string;
  secret: string;
  mapping_json: string;
  product_id: string | null;
  created_by: string | null;
  created_at: string;
}

/** One row (id 1): the currency ARR is compared in. */
export interface CurrencySettingsTable {
  id: number;
  base_currency: string;
  updated_at: string | null;
}

/** Value of one unit of `currency` in the base currency. */
export interface CurrencyRatesTable {
  currency: string;
  rate: number;
  updated_at: string;
}

/** Every indexed item's document number (see migrations/20261205T1410-search.ts). */
export interface SearchDocumentsTable {
  doc: number;
  item_type: string;
  item_id: string;
}

export interface RateLimitHitsTable {
  id: string;
  scope: string;
  key: string;
  at: string;
}

export interface Database extends ReflectTables, LoopTables, BuilderTables {
  users: UsersTable;
  tokens: TokensTable;
  setup_tokens: SetupTokensTable;
  login_attempts: LoginAttemptsTable;
  products: ProductsTable;
  accounts: AccountsTable;
  contacts: ContactsTable;
  feedback: FeedbackTable;
  patterns: PatternsTable;
  pattern_feedback: PatternFeedbackTable;
  improvements: ImprovementsTable;
  improvement_patterns: ImprovementPatternsTable;
  improvement_options: ImprovementOptionsTable;
  option_votes: OptionVotesTable;
  implementation_links: ImplementationLinksTable;
  deploys: DeploysTable;
  deploy_improvements: DeployImprovementsTable;
  comments: CommentsTable;
  principles: PrinciplesTable;
  reflections: ReflectionsTable;
  kudos: KudosTable;
  events: EventsTable;
  inbound_sources: InboundSourcesTable;
  rate_limit_hits: RateLimitHitsTable;
  currency_settings: CurrencySettingsTable;
  currency_rates: CurrencyRatesTable;
  search_documents: SearchDocumentsTable;
}
