// Token metadata, the fetch: one document from a resolved URI or a data: URI, every redirect
// re-checked, the body cut off past its cap, one timeout per attempt. Isomorphic (fetch only).
import { BodyTooLargeError, readBody } from '../../protocol/body'
import { isPlainObject, parseDataUrl, sha256Hex } from './bytes'
import { checkWebUrl, refused, resolve, type GatewayOptions, type Resolved } from './uri'

export const METADATA_MAX_BYTES = 256 * 1024
export const METADATA_TIMEOUT_MS = 5000
export const METADATA_MAX_REDIRECTS = 3

export interface FetchMetadataOptions extends GatewayOptions {
  /** Largest metadata document, bytes (default 256 KiB). */
  maxBytes?: number
  /** Per attempt (each gateway gets its own), ms (default 5000). */
  timeoutMs?: number
  fetch?: typeof fetch
  /** Redirects followed per attempt, each checked like the original URL (default 3). */
  maxRedirects?: number
}

export type MetadataFailure = 'metadata_unavailable' | 'metadata_invalid'

export type FetchMetadataResult =
  | {
      ok: true
      /** The raw document. */
      bytes: Uint8Array
      /** The parsed document: always a JSON object (not an array or a primitive). */
      json: Record<string, unknown>
      /** sha256 of `bytes`, lowercase hex. */
      sha256: string
      /** Where it came from: the URL that answered, or the data: URI. */
      url: string
    }
  | { ok: false; reason: MetadataFailure; detail: string }

type Attempt =
  | { kind: 'bytes'; bytes: Uint8Array; url: string }
  | { kind: 'unavailable'; detail: string }
  | { kind: 'invalid'; detail: string }

const REDIRECT = new Set([301, 302, 303, 307, 308])

/** `code` of the error a fetch throws when it refuses a host's address (server/pinnedFetch). */
export const ADDRESS_REFUSED = 'ADDRESS_REFUSED'

async function discard(res: Response) {
  try {
    await res.body?.cancel()
  } catch {
    // Nothing to do: the connection is being dropped anyway.
  }
}

/** One URL: redirects re-checked, size cut off while streaming, one timeout for all of it. */
async function fetchBounded(
  start: string,
  fetchFn: typeof fetch,
  maxBytes: number,
  timeoutMs: number,
  maxRedirects: number,
  local: boolean,
  accept: string,
): Promise<Attempt> {
  const controller = new AbortController()
  let timedOut = false
  const timer = setTimeout(() => {
    timedOut = true
    controller.abort()
  }, timeoutMs)
  let url = start
  try {
    for (let hop = 0; ; hop++) {
      const res = await fetchFn(url, {
        signal: controller.signal,
        redirect: 'manual',
        credentials: 'omit',
        headers: { accept },
      })
      if (res.type === 'opaqueredirect') {
        // Browsers hide redirect targets from script, so they cannot be checked: refuse.
        return { kind: 'unavailable', detail: `${url}: redirects are not followed here` }
      }
      if (REDIRECT.has(res.status)) {
        await discard(res)
        const location = res.headers.get('location')
        if (!location || hop >= maxRedirects) {
          return { kind: 'unavailable', detail: `${url}: too many or empty redirects` }
        }
        const next = checkWebUrl(new URL(location, url).href, local)
        if (!(next instanceof URL)) {
          return { kind: 'unavailable', detail: `${url}: redirect refused: ${next.detail}` }
        }
        url = next.href
        continue
      }
      if (!res.ok) {
        await discard(res)
        return { kind: 'unavailable', detail: `${url}: HTTP ${res.status}` }
      }
      const bytes = await readBody(res, maxBytes)
      return { kind: 'bytes', bytes, url }
    }
  } catch (err) {
    if (err instanceof BodyTooLargeError) {
      controller.abort()
      return { kind: 'invalid', detail: `${url}: ${err.message}` }
    }
    if (timedOut) return { kind: 'unavailable', detail: `${url}: no answer in ${timeoutMs} ms` }
    if ((err as { code?: unknown }).code === ADDRESS_REFUSED) {
      return { kind: 'invalid', detail: `${url}: ${(err as Error).message.slice(0, 200)}` }
    }
    const cause = err instanceof Error && err.cause instanceof Error ? `: ${err.cause.message}` : ''
    return {
      kind: 'unavailable',
      detail: `${url}: ${err instanceof Error ? err.message : String(err)}${cause}`,
    }
  } finally {
    clearTimeout(timer)
  }
}

/** The first URL that answers 2xx (see fetchMetadata for which failures move on). */
async function fetchUrls(
  urls: readonly string[],
  opts: FetchMetadataOptions & { maxBytes: number; timeoutMs: number; accept?: string },
): Promise<Attempt> {
  const failures: string[] = []
  let attempt: Attempt = { kind: 'unavailable', detail: 'no URL to read' }
  for (const url of urls) {
    attempt = await fetchBounded(
      url,
      opts.fetch ?? globalThis.fetch.bind(globalThis),
      opts.maxBytes,
      opts.timeoutMs,
      opts.maxRedirects ?? METADATA_MAX_REDIRECTS,
      opts.local ?? false,
      opts.accept ?? 'application/json',
    )
    if (attempt.kind !== 'unavailable') return attempt
    failures.push(attempt.detail)
  }
  if (failures.length) attempt = { kind: 'unavailable', detail: failures.join('; ') }
  return attempt
}

export interface FetchFileOptions extends FetchMetadataOptions {
  maxBytes: number
  /** The Accept header (default: any type). */
  accept?: string
}

export type FetchFileResult =
  | { ok: true; bytes: Uint8Array; url: string }
  /** `unavailable`: try again later; `invalid`: refused URI, redirect or address, too large. */
  | { ok: false; reason: 'unavailable' | 'invalid'; detail: string }

/**
 * Reads a file a token's metadata names (a 3D model, an avatar) by the metadata's rules: an
 * http(s) or ipfs URI only (no data:), gateways in turn, every redirect re-checked, the body
 * cut off past `maxBytes`, `timeoutMs` per attempt. Never throws.
 */
export async function fetchFile(uri: string, opts: FetchFileOptions): Promise<FetchFileResult> {
  let resolved: Resolved
  try {
    resolved = resolve(uri, opts)
  } catch (err) {
    return { ok: false, reason: 'unavailable', detail: (err as Error).message }
  }
  if (resolved.kind !== 'fetch') {
    const why = resolved.kind === 'refused' ? resolved.detail : 'a data: URI is not fetched'
    return { ok: false, reason: 'invalid', detail: `URI refused: ${why}` }
  }
  const attempt = await fetchUrls(resolved.urls, {
    ...opts,
    timeoutMs: opts.timeoutMs ?? METADATA_TIMEOUT_MS,
    accept: opts.accept ?? '*/*',
  })
  if (attempt.kind === 'bytes') return { ok: true, bytes: attempt.bytes, url: attempt.url }
  return { ok: false, reason: attempt.kind, detail: attempt.detail }
}

/** Decodes a data: URI holding a metadata document (see fetchMetadata for the rules). */
function decodeDataMetadata(uri: string, maxBytes: number): Attempt {
  // Base64 is 4/3 of the bytes and percent-encoding at most 3×: anything longer is too big.
  if (uri.length > maxBytes * 3 + 256) {
    return { kind: 'invalid', detail: `data: URI larger than ${maxBytes} bytes` }
  }
  const data = parseDataUrl(uri)
  if (!data) return { kind: 'invalid', detail: 'malformed data: URI (bad base64?)' }
  if (data.mime !== 'application/json') {
    return {
      kind: 'invalid',
      detail: `data: URI of type "${data.mime.slice(0, 40)}", expected application/json`,
    }
  }
  for (const p of data.params) {
    const charset = /^charset=(.*)$/.exec(p)?.[1]?.replace(/"/g, '')
    if (charset !== undefined && !['utf-8', 'utf8', 'us-ascii'].includes(charset)) {
      return { kind: 'invalid', detail: `data: URI charset "${charset.slice(0, 20)}" is not UTF-8` }
    }
  }
  if (data.bytes.byteLength > maxBytes) {
    return { kind: 'invalid', detail: `data: URI larger than ${maxBytes} bytes` }
  }
  return { kind: 'bytes', bytes: data.bytes, url: uri }
}

/**
 * Reads a token's metadata document.
 *
 * - http(s)/ipfs: gateways are tried in order; a gateway that is down, slow (`timeoutMs` per
 *   attempt), answers with an error status or redirects somewhere refused is skipped. The first
 *   2xx answer is the document: content addressing means another gateway would serve the same
 *   bytes, so a too-large or broken answer is final.
 * - data: `data:application/json[;charset=utf-8|;utf8][;base64],…`, base64 or percent-encoded
 *   (raw JSON with stray "%" works too). No other media type (not text/plain, not a missing
 *   type): metadata is JSON and says so.
 * - The body is read as a stream and dropped as soon as it passes `maxBytes`.
 * - The document must be UTF-8 JSON whose top level is an object.
 *
 * metadata_unavailable means "try again later"; metadata_invalid means the token's metadata is
 * wrong as published (refused URI, too large, not JSON, not an object). Never throws.
 */
export async function fetchMetadata(
  uri: string,
  opts: FetchMetadataOptions,
): Promise<FetchMetadataResult> {
  const maxBytes = opts.maxBytes ?? METADATA_MAX_BYTES
  const timeoutMs = opts.timeoutMs ?? METADATA_TIMEOUT_MS
  const fetchFn = opts.fetch ?? globalThis.fetch.bind(globalThis)
  let resolved: Resolved
  try {
    resolved = typeof uri === 'string' ? resolve(uri, opts) : refused('not a string')
  } catch (err) {
    // A misconfigured gateway list: nothing can be fetched until it is fixed.
    return { ok: false, reason: 'metadata_unavailable', detail: (err as Error).message }
  }
  let attempt: Attempt
  if (resolved.kind === 'refused') {
    return { ok: false, reason: 'metadata_invalid', detail: `URI refused: ${resolved.detail}` }
  } else if (resolved.kind === 'data') {
    attempt = decodeDataMetadata(resolved.uri, maxBytes)
  } else {
    attempt = await fetchUrls(resolved.urls, { ...opts, maxBytes, timeoutMs, fetch: fetchFn })
  }
  if (attempt.kind === 'unavailable') {
    return { ok: false, reason: 'metadata_unavailable', detail: attempt.detail }
  }
  if (attempt.kind === 'invalid') {
    return { ok: false, reason: 'metadata_invalid', detail: attempt.detail }
  }
  let text: string
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(attempt.bytes)
  } catch {
    return { ok: false, reason: 'metadata_invalid', detail: 'metadata is not UTF-8 text' }
  }
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch (err) {
    return {
      ok: false,
      reason: 'metadata_invalid',
      detail: `metadata is not JSON: ${(err as Error).message.slice(0, 200)}`,
    }
  }
  if (!isPlainObject(json)) {
    return { ok: false, reason: 'metadata_invalid', detail: 'metadata is not a JSON object' }
  }
  return {
    ok: true,
    bytes: attempt.bytes,
    json,
    sha256: await sha256Hex(attempt.bytes),
    url: attempt.url,
  }
}
