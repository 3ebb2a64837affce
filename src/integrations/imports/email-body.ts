// Lines after which everything is a signature. "-- " is the RFC 3676 delimiter; many
// clients strip its trailing space, so a bare "--" counts too.
const SIGNATURE_LINES: readonly RegExp[] = [
  /^--\s*$/,
  /^sent from my (iphone|ipad|android|samsung|galaxy|blackberry|mobile|phone)\b/i,
  /^sent from (mail|outlook) for /i,
  /^get outlook for (ios|android)/i,
  /^sent via /i,
];

// Lines that introduce a quoted earlier message: everything from them on is history.
const REPLY_HEADERS: readonly RegExp[] = [
  /^-{2,}\s*original message\s*-{2,}$/i,
  /^-{2,}\s*forwarded message\s*-{2,}$/i,
  /^_{10,}$/, // Outlook's separator line above "From: ... Sent: ..."
];

const ON_WROTE_ONE_LINE = /^on\b.{4,300}\bwrote:\s*$/i;
const ON_START = /^on\b/i;
const WROTE_END = /\bwrote:\s*$/i;

/**
 * Reduces an e-mail body to what the sender actually wrote this time: cuts at the
 * first signature delimiter, at "On <date>, <name> wrote:" (also when a client wraps it
 * over two lines), at "-----Original Message-----" style separators, and drops any
 * remaining ">"-quoted lines. Blank-line runs are collapsed.
 */
export function cleanEmailBody(body: string): string {
  const lines = body.replace(/\r\n?/g, '\n').split('\n');
  const kept: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    const trimmed = line.trim();
    if (SIGNATURE_LINES.some((re) => re.test(line) || re.test(trimmed))) break;
    if (REPLY_HEADERS.some((re) => re.test(trimmed))) break;
    if (ON_WROTE_ONE_LINE.test(trimmed)) break;
    if (ON_START.test(trimmed) && i + 1 < lines.length && WROTE_END.test(lines[i + 1].trim())) break;
    if (trimmed.startsWith('>')) continue;
    kept.push(line.replace(/\s+$/, ''));
  }
  return kept
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

/** Removes reply/forward prefixes ("Re:", "Fwd:", "AW:", repeated) from a subject. */
export function cleanSubject(subject: string | undefined): string {
  return (subject ?? '').replace(/^\s*((re|fwd?|aw|wg|sv|tr)\s*(\[\d+\])?\s*:\s*)+/i, '').trim();
}
