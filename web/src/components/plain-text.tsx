/**
 * Feedback is shown as the text it is: React escapes it (no HTML, no markdown), and `<bdi>` isolates
 * its direction so a right-to-left override inside it cannot reorder the labels around it.
 * Markdown written by builders (proposals, comments) goes through components/markdown.tsx instead.
 */
export function PlainText({ text, className }: { text: string; className?: string }) {
  return <bdi className={className}>{text}</bdi>;
}
