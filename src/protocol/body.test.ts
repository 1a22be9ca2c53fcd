// The bounded body reader: it stops at the cap without reading the rest, trusts a declared
// length over the cap at once, and reports progress.
import { describe, expect, it } from 'vitest'
import { BodyTooLargeError, readBody } from './body'

/** A body of `chunks` chunks of `size` bytes; `pulled` counts the chunks handed out. */
function chunked(chunks: number, size: number, headers: HeadersInit = {}) {
  const state = { pulled: 0, cancelled: false }
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (state.pulled === chunks) return controller.close()
      state.pulled++
      controller.enqueue(new Uint8Array(size).fill(state.pulled))
    },
    cancel() {
      state.cancelled = true
    },
  })
  return { res: new Response(body, { headers }), state }
}

describe('readBody', () => {
  it('reads a body within the cap whole, reporting the running total', async () => {
    const { res } = chunked(3, 4)
    const seen: number[] = []
    const bytes = await readBody(res, 12, (n) => seen.push(n))
    expect([...bytes]).toEqual([1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3])
    expect(seen).toEqual([4, 8, 12])
  })

  it('stops as soon as the body passes the cap and cancels the rest', async () => {
    const { res, state } = chunked(1000, 1024)
    const err = await readBody(res, 4096).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(BodyTooLargeError)
    expect((err as Error).message).toBe('larger than 4096 bytes')
    expect(state.pulled).toBeLessThan(10)
    expect(state.cancelled).toBe(true)
  })

  it('refuses a declared length over the cap without reading', async () => {
    const { res, state } = chunked(1, 10, { 'content-length': '5000' })
    await expect(readBody(res, 4096)).rejects.toThrow('larger than 4096 bytes')
    expect(state.pulled).toBeLessThanOrEqual(1)
    expect(state.cancelled).toBe(true)
  })

  it('has no cap unless given one, and reads a missing body as empty', async () => {
    expect((await readBody(chunked(64, 1024).res)).byteLength).toBe(65536)
    expect((await readBody(new Response(null))).byteLength).toBe(0)
  })
})
