import DOMPurify from 'dompurify';
import { marked } from 'marked';
import { useMemo } from 'react';

/**
 * Markdown written by builders (pattern descriptions, proposals, comments), rendered by marked and
 * then sanitised by DOMPurify: the one place the app sets HTML. Links open in a new tab without
 * the opener; anything but http(s) and mailto links is removed by DOMPurify's URI policy.
 */
export function Markdown({ source, className }: { source: string; className?: string }) {
  const html = useMemo(() => {
    const raw = marked.parse(source, { async: false, gfm: true, breaks: true });
    return DOMPurify.sanitize(raw, {
      USE_PROFILES: { html: true },
      ALLOWED_URI_REGEXP: /^(?:https?:|mailto:|#|\/)/i,
      FORBID_TAGS: ['style', 'form', 'input', 'button', 'iframe'],
    });
  }, [source]);
  // biome-ignore lint/security/noDangerouslySetInnerHtml: sanitised by DOMPurify just above
  return <div className={className} dangerouslySetInnerHTML={{ __html: html }} />;
}
