// Small text helpers the panels share: filling {placeholders} in translated strings and the short
// form of an address. Plain TypeScript, no React.

/** `{name}` placeholders filled from `values`; an unknown placeholder stays as written. */
export const fill = (text: string, values: Record<string, string | number>) =>
  text.replace(/\{(\w+)\}/g, (m, k: string) => (k in values ? String(values[k]) : m))

/** 0x7099…79C8 (anything 12 characters or shorter stays whole). */
export function shortAddress(address: string): string {
  return address.length > 12 ? `${address.slice(0, 6)}…${address.slice(-4)}` : address
}
