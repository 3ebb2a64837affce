import { createHmac, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { type IncomingFeedback, validateIncomingFeedback } from './incoming-feedback.ts';

/**
 * Verifies GitHub's `X-Hub-Signature-256` header ("sha256=<64 hex>") against the raw
 * request body. Returns false for a missing, malformed or wrong-length header instead
 * of throwing, and compares in constant time so timing reveals nothing about the digest.
 */
export function verifyGithubSignature(secret: string, rawBody: Buffer, header: string | undefined): boolean {
  if (!header?.startsWith('sha256=')) return false;
  const hex = header.slice('sha256='.length).trim();
  if (!/^[0-9a-f]{64}$/i.test(hex)) return false;
  const expected = createHmac('sha256', secret).update(rawBody).digest();
  const given = Buffer.from(hex, 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

export type GithubEventInterpretation =
  | { kind: 'feedback'; item: IncomingFeedback }
  | { kind: 'pull_request_merged'; url: string; repository: string; number: number; mergedAt: string }
  | {
      kind: 'release_published';
      repository: string;
      tag: string;
      name: string | null;
      publishedAt: string | null;
      url: string;
      body: string | null;
    }
  | { kind: 'ignored'; reason: string };

// Only the fields we read are declared; zod's default object parsing ignores the rest,
// so GitHub adding fields never breaks us while missing ones are caught.
const user = z.object({ login: z.string(), type: z.string().optional() });
const repository = z.object({ full_name: z.string() });

const issuesPayload = z.object({
  action: z.string(),
  issue: z.object({
    id: z.number(),
    html_url: z.string(),
    title: z.string(),
    body: z.string().nullish(),
    created_at: z.string(),
  }),
  repository,
  sender: user,
});

const issueCommentPayload = z.object({
  action: z.string(),
  comment: z.object({
    id: z.number(),
    html_url: z.string(),
    body: z.string().nullish(),
    created_at: z.string(),
  }),
  // GitHub sends comments on pull requests as issue_comment too; the issue then has a pull_request key.
  issue: z.object({ pull_request: z.unknown().optional() }).optional(),
  repository,
  sender: user,
});

const pullRequestPayload = z.object({
  action: z.string(),
  number: z.number(),
  pull_request: z.object({
    html_url: z.string(),
    merged: z.boolean().nullish(),
    merged_at: z.string().nullish(),
  }),
  repository,
});

const releasePayload = z.object({
  action: z.string(),
  release: z.object({
    tag_name: z.string(),
    name: z.string().nullish(),
    body: z.string().nullish(),
    html_url: z.string(),
    published_at: z.string().nullish(),
  }),
  repository,
});

/**
 * Turns a GitHub webhook delivery into what productOS cares about:
 * - `issues` opened/edited and `issue_comment` created/edited on issues → feedback (comments on
 *   pull requests are code review and are ignored). The external
 *   id is the issue (or comment) id, not the delivery id, so an edit updates the same
 *   item. Bot senders are ignored (dependabot & co. are not users giving feedback).
 * - `pull_request` closed with merged=true → pull_request_merged.
 * - `release` published → release_published.
 * Everything else is `ignored` with a reason; the deliveryId only appears in reasons,
 * for logs.
 */
export function interpretGithubEvent(
  eventName: string,
  deliveryId: string,
  payload: unknown,
): GithubEventInterpretation {
  const ignored = (reason: string): GithubEventInterpretation => ({
    kind: 'ignored',
    reason: `${reason} (delivery ${deliveryId})`,
  });

  if (eventName === 'issues') {
    const parsed = issuesPayload.safeParse(payload);
    if (!parsed.success) return ignored('malformed issues payload');
    const { action, issue, sender } = parsed.data;
    if (action !== 'opened' && action !== 'edited') return ignored(`issues.${action} is not feedback`);
    if (sender.type === 'Bot') return ignored(`issue by bot ${sender.login}`);
    const text = issue.body?.trim() ? `${issue.title}\n\n${issue.body}` : issue.title;
    return feedback(
      {
        text,
        product: parsed.data.repository.full_name,
        receivedAt: issue.created_at,
        source: { channel: 'github', externalId: `github:issue:${issue.id}`, url: issue.html_url },
        contact: { name: sender.login, email: null },
      },
      ignored,
    );
  }

  if (eventName === 'issue_comment') {
    const parsed = issueCommentPayload.safeParse(payload);
    if (!parsed.success) return ignored('malformed issue_comment payload');
    const { action, comment, sender } = parsed.data;
    if (action !== 'created' && action !== 'edited')
      return ignored(`issue_comment.${action} is not feedback`);
    if (sender.type === 'Bot') return ignored(`comment by bot ${sender.login}`);
    if (parsed.data.issue?.pull_request !== undefined)
      return ignored('comment on a pull request is review, not feedback');
    return feedback(
      {
        text: comment.body ?? '',
        product: parsed.data.repository.full_name,
        receivedAt: comment.created_at,
        source: {
          channel: 'github',
          externalId: `github:issue_comment:${comment.id}`,
          url: comment.html_url,
        },
        contact: { name: sender.login, email: null },
      },
      ignored,
    );
  }

  if (eventName === 'pull_request') {
    const parsed = pullRequestPayload.safeParse(payload);
    if (!parsed.success) return ignored('malformed pull_request payload');
    const { action, pull_request: pr } = parsed.data;
    if (action !== 'closed') return ignored(`pull_request.${action} is not a merge`);
    if (pr.merged !== true || !pr.merged_at) return ignored('pull request closed without merging');
    return {
      kind: 'pull_request_merged',
      url: pr.html_url,
      repository: parsed.data.repository.full_name,
      number: parsed.data.number,
      mergedAt: pr.merged_at,
    };
  }

  if (eventName === 'release') {
    const parsed = releasePayload.safeParse(payload);
    if (!parsed.success) return ignored('malformed release payload');
    const { action, release } = parsed.data;
    if (action !== 'published') return ignored(`release.${action} is not a publication`);
    return {
      kind: 'release_published',
      repository: parsed.data.repository.full_name,
      tag: release.tag_name,
      name: release.name?.trim() || null,
      publishedAt: release.published_at ?? null,
      url: release.html_url,
      body: release.body?.trim() || null,
    };
  }

  return ignored(`event ${eventName} is not handled`);
}

function feedback(
  candidate: unknown,
  ignored: (reason: string) => GithubEventInterpretation,
): GithubEventInterpretation {
  const checked = validateIncomingFeedback(candidate);
  return checked.ok
    ? { kind: 'feedback', item: checked.item }
    : ignored(`unusable feedback: ${checked.error}`);
}
