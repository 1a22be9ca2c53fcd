// The builder's form pieces: a labelled text field (one line, or a few), and a list of the
// visitor layer's items (points, portals, plots) each with a button that takes it away.
import type { ReactNode } from 'react'

export function TextField({
  label,
  value,
  onChange,
  maxLength,
  lines = 1,
}: {
  label: string
  value: string
  onChange: (value: string) => void
  maxLength: number
  /** More than one: a text area that many rows high. */
  lines?: number
}) {
  return (
    <label className="builder-field">
      <span>{label}</span>
      {lines > 1 ? (
        <textarea
          required
          maxLength={maxLength}
          rows={lines}
          value={value}
          onChange={(e) => onChange(e.target.value)}
        />
      ) : (
        <input
          type="text"
          required
          maxLength={maxLength}
          value={value}
          onChange={(e) => onChange(e.target.value)}
        />
      )}
    </label>
  )
}

export function RemovableList<T extends { id: string }>({
  items,
  testId,
  show,
  removeLabel,
  onRemove,
}: {
  items: readonly T[]
  testId: string
  show: (item: T) => ReactNode
  removeLabel: string
  onRemove: (item: T) => void
}) {
  return (
    <ul className="builder-list" data-testid={testId}>
      {items.map((item) => (
        <li key={item.id}>
          <span>{show(item)}</span>
          <button className="btn" onClick={() => onRemove(item)}>
            {removeLabel}
          </button>
        </li>
      ))}
    </ul>
  )
}
