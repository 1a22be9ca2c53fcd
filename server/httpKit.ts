// Small pieces the HTTP APIs share (server/chain.ts, server/events/http.ts): per-client rate
// limits and a size-capped JSON body reader.
import type http from 'node:http'
import { RateLimiter } from '../src/protocol/messages'

/** Largest JSON body the APIs read. */
export const MAX_BODY = 16 * 1024

/** Token buckets per client address, forgotten when idle (a bounded map). */
export class PerClientLimit {
  private readonly buckets = new Map<string, RateLimiter>()
  constructor(
    private readonly perSecond: number,
    private readonly burst: number,
  ) {}

  take(key: string): boolean {
    const now = Date.now()
    let bucket = this.buckets.get(key)
    if (!bucket) {
      if (this.buckets.size >= 10_000) this.buckets.clear()
      bucket = new RateLimiter(this.perSecond, this.burst, now)
      this.buckets.set(key, bucket)
    }
    return bucket.take(now)
  }
}

/**
 * One percent-encoded path segment as text; null when the encoding is broken ("%E0%A4%A",
 * "%ZZ", a lone "%"), so the route can answer 400 instead of throwing.
 */
export function decodePathPart(raw: string): string | null {
  try {
    return decodeURIComponent(raw)
  } catch {
    return null
  }
}

export async function readJson(
  req: http.IncomingMessage,
): Promise<{ ok: true; value: unknown } | { ok: false; status: number; message: string }> {
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length
    if (size > MAX_BODY) return { ok: false, status: 413, message: `body over ${MAX_BODY} bytes` }
    chunks.push(chunk)
  }
  try {
    return { ok: true, value: JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown }
  } catch {
    return { ok: false, status: 400, message: 'body is not JSON' }
  }
}
