// Reading an HTTP body with a byte cap: the one reader for untrusted or large downloads (token
// metadata, exhibit models, world files). It streams, so a body past the cap is dropped as soon
// as it grows past it; the rest is never read. Isomorphic: fetch's Response only.

/** The body is (or says it is) larger than the cap; the message is what callers show. */
export class BodyTooLargeError extends Error {
  constructor(readonly maxBytes: number) {
    super(`larger than ${maxBytes} bytes`)
    this.name = 'BodyTooLargeError'
  }
}

/**
 * The whole body of `res`, read as a stream. Throws BodyTooLargeError when the declared
 * content-length or the bytes received pass `maxBytes` (the stream is cancelled then);
 * `onBytes` hears the running total after each chunk. A response without a body reads as empty.
 */
export async function readBody(
  res: Response,
  maxBytes = Infinity,
  onBytes?: (received: number) => void,
): Promise<Uint8Array> {
  if (Number(res.headers.get('content-length') ?? NaN) > maxBytes) {
    res.body?.cancel().catch(() => {})
    throw new BodyTooLargeError(maxBytes)
  }
  if (!res.body) return new Uint8Array(0)
  const reader = res.body.getReader()
  const chunks: Uint8Array[] = []
  let total = 0
  for (;;) {
    const { done, value } = await reader.read()
    if (done) break
    total += value.byteLength
    if (total > maxBytes) {
      reader.cancel().catch(() => {})
      throw new BodyTooLargeError(maxBytes)
    }
    chunks.push(value)
    onBytes?.(total)
  }
  const out = new Uint8Array(total)
  let at = 0
  for (const c of chunks) {
    out.set(c, at)
    at += c.byteLength
  }
  return out
}
