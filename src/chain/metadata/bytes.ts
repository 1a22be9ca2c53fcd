// Token metadata, the bytes: data: URLs (percent and base64), base64 out, sha256, and the one
// shape check on decoded JSON. Isomorphic (TextEncoder, atob/btoa, crypto.subtle).

/** WHATWG percent-decode: valid %XX sequences become bytes, everything else stays (UTF-8). */
function percentDecode(s: string): Uint8Array {
  const input = new TextEncoder().encode(s)
  const out = new Uint8Array(input.length)
  let n = 0
  const hex = (c: number) =>
    c >= 48 && c <= 57 ? c - 48 : c >= 65 && c <= 70 ? c - 55 : c >= 97 && c <= 102 ? c - 87 : -1
  for (let i = 0; i < input.length; i++) {
    const c = input[i]!
    if (c === 37 && i + 2 < input.length) {
      const hi = hex(input[i + 1]!)
      const lo = hex(input[i + 2]!)
      if (hi >= 0 && lo >= 0) {
        out[n++] = hi * 16 + lo
        i += 2
        continue
      }
    }
    out[n++] = c
  }
  return out.subarray(0, n)
}

/** Forgiving base64 (whitespace ignored, padding optional); null when it is not base64. */
function base64ToBytes(s: string): Uint8Array | null {
  const clean = s.replace(/[\t\n\f\r ]/g, '')
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(clean) || clean.length % 4 === 1) return null
  try {
    const bin = atob(clean)
    const out = new Uint8Array(bin.length)
    for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i)
    return out
  } catch {
    return null
  }
}

/** Bytes as one character each (only meaningful for ASCII, which is all base64 is). */
function asciiString(bytes: Uint8Array): string {
  let s = ''
  for (let i = 0; i < bytes.length; i += 0x8000) {
    s += String.fromCharCode(...bytes.subarray(i, i + 0x8000))
  }
  return s
}

export function bytesToBase64(bytes: Uint8Array): string {
  return btoa(asciiString(bytes))
}

export interface DataUrl {
  /** Lowercased type/subtype, without parameters. */
  mime: string
  params: string[]
  bytes: Uint8Array
}

/** `data:[<type>][;param]*[;base64],<data>` → bytes; null when malformed. */
export function parseDataUrl(uri: string): DataUrl | null {
  const comma = uri.indexOf(',')
  if (!/^data:/i.test(uri) || comma < 0) return null
  const header = uri
    .slice(5, comma)
    .split(';')
    .map((p) => p.trim().toLowerCase())
  const mime = header.shift() ?? ''
  const isBase64 = header.at(-1) === 'base64'
  if (isBase64) header.pop()
  const body = percentDecode(uri.slice(comma + 1))
  const bytes = isBase64 ? base64ToBytes(asciiString(body)) : body
  return bytes && { mime, params: header, bytes }
}

export async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes as BufferSource))
  let hex = ''
  for (const b of digest) hex += b.toString(16).padStart(2, '0')
  return hex
}

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}
