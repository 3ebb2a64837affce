import DOMPurify from 'dompurify';
import { Marked } from 'marked';
import { useMemo } from 'react';

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};
const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => ESCAPES[c]);

/**
 * Raw HTML inside markdown is shown as the text it is, never parsed: builders write markdown, and
 * hostile markup (`<img onerror>`) then never reaches a DOM parser at all.
 */
const markdown = new Marked({
  gfm: true,
  breaks: true,
  renderer: { html: ({ text }) => escapeHtml(text) },
});

/**
 * Markdown written by builders (pattern descriptions, proposals, comments): rendered by marked with
 * raw HTML escaped, then sanitised by DOMPurify (links only http(s), mailto, in-app). The one place
 * the app sets HTML; feedback text is never markdown (components/plain-text.tsx).
 */
export function Markdown({ source, className }: { source: string; className?: string }) {
  const html = useMemo(
    () =>
      DOMPurify.sanitize(markdown.parse(source, { async: false }), {
        USE_PROFILES: { html: true },
        ALLOWED_URI_REGEXP: /^(?:https?:|mailto:|#|\/(?!\/))/i,
        FORBID_TAGS: ['style', 'form', 'input', 'button', 'iframe'],
      }),
    [source],
  );
  // biome-ignore lint/security/noDangerouslySetInnerHtml: escaped by marked's renderer and sanitised by DOMPurify just above
  return <div className={className} dangerouslySetInnerHTML={{ __html: html }} />;
}
