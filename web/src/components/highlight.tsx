/** Search's highlighted text: `{text, match}` segments, each rendered as text, matches marked. */
export function Highlight({ segments }: { segments: Array<{ text: string; match: boolean }> }) {
  return (
    <bdi>
      {segments.map((segment, index) =>
        // biome-ignore lint/suspicious/noArrayIndexKey: segments are a fixed sequence
        segment.match ? <mark key={index}>{segment.text}</mark> : <span key={index}>{segment.text}</span>,
      )}
    </bdi>
  );
}
