import { ARR_BANDS, CHANNELS, type InboxSearch } from './inbox-search.ts';

/** Channel, segment, ARR band (base currency), received dates and has-suggestion: all in the URL. */
export function MoreFilters({
  search,
  onChange,
}: {
  search: InboxSearch;
  onChange: (patch: Partial<InboxSearch>) => void;
}) {
  return (
    <div className="more-filters">
      <select
        className="select"
        aria-label="Channel"
        value={search.channel ?? ''}
        onChange={(e) => onChange({ channel: (e.target.value || undefined) as InboxSearch['channel'] })}
      >
        <option value="">Any channel</option>
        {CHANNELS.map((channel) => (
          <option key={channel} value={channel}>
            {channel}
          </option>
        ))}
      </select>
      <input
        className="input"
        aria-label="Account segment"
        placeholder="Segment"
        defaultValue={search.segment ?? ''}
        onBlur={(e) => onChange({ segment: e.target.value.trim() || undefined })}
        onKeyDown={(e) => {
          if (e.key === 'Enter') e.currentTarget.blur();
        }}
      />
      <select
        className="select"
        aria-label="ARR band (base currency)"
        value={search.arr ?? ''}
        onChange={(e) => onChange({ arr: (e.target.value || undefined) as InboxSearch['arr'] })}
      >
        <option value="">Any ARR</option>
        {ARR_BANDS.map((band) => (
          <option key={band.value} value={band.value}>
            ARR {band.label}
          </option>
        ))}
      </select>
      <input
        className="input"
        type="date"
        aria-label="Received from"
        value={search.from ?? ''}
        onChange={(e) => onChange({ from: e.target.value || undefined })}
      />
      <input
        className="input"
        type="date"
        aria-label="Received to"
        value={search.to ?? ''}
        onChange={(e) => onChange({ to: e.target.value || undefined })}
      />
      <select
        className="select"
        aria-label="Has a suggestion"
        value={search.suggested ?? ''}
        onChange={(e) => onChange({ suggested: (e.target.value || undefined) as InboxSearch['suggested'] })}
      >
        <option value="">Suggested or not</option>
        <option value="yes">Has a suggestion</option>
        <option value="no">No suggestion</option>
      </select>
    </div>
  );
}
