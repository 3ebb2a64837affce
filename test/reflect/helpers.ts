import assert from 'node:assert/strict';
import type { TestApp } from '../support/app.ts';

/** Feedback texts about three distinct needs, used across the Reflect tests. */
export const TOPICS = {
  refunds: [
    'I want a refund for the duplicate charge on my invoice',
    'please refund my money, the invoice charged me twice',
    'billing charged my card twice, I need a refund',
    'refund request: double charge on the latest invoice',
    'the invoice shows a duplicate charge, refund it please',
  ],
  passwords: [
    'cannot reset my password, the reset email never arrives',
    'password reset link is broken and I cannot log in',
    'I forgot my password and the reset email does not come',
    'login fails after password reset, reset link expired',
    'password reset email missing, locked out of my account',
  ],
  exports: [
    'export to CSV is missing columns in the spreadsheet',
    'the CSV export drops the date column',
    'exporting a report to CSV gives an empty spreadsheet file',
    'CSV export of the dashboard has wrong columns',
    'need the export to CSV to include all spreadsheet columns',
  ],
} as const;

/** Creates feedback in one batch call; returns the ids in input order. */
export async function addFeedback(
  t: TestApp,
  items: Array<string | { text: string; [key: string]: unknown }>,
): Promise<string[]> {
  const res = await t.call('builder', 'POST', '/api/v1/feedback', {
    items: items.map((i) => (typeof i === 'string' ? { text: i } : i)),
  });
  assert.ok(res.statusCode < 300, res.body);
  return res.json().items.map((i: { id: string }) => i.id);
}

/** Creates a pattern linked to the given feedback; returns its id. */
export async function addPattern(t: TestApp, title: string, feedbackIds: string[]): Promise<string> {
  const res = await t.call('builder', 'POST', '/api/v1/patterns', { title, feedbackIds });
  assert.equal(res.statusCode, 201, res.body);
  return res.json().id;
}

export interface SuggestionsBody {
  suggestions: Array<{ patternId: string; title: string; score: number; matchedTerms: string[] }>;
  noneFits: boolean;
  representation: string;
}

/** GET suggestions for one item (asserting 200). */
export async function suggestionsFor(t: TestApp, feedbackId: string): Promise<SuggestionsBody> {
  const res = await t.call('viewer', 'GET', `/api/v1/feedback/${feedbackId}/suggestions`);
  assert.equal(res.statusCode, 200, res.body);
  return res.json();
}
