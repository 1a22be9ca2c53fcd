// The shared cache behind exhibit pictures and models: one load per key however many ask, held
// while anyone holds it, disposed after the keep time, and a late load disposed on arrival.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { SharedCache } from './sharedCache'

type Entry =
  { status: 'loading' } | { status: 'error'; why: string } | { status: 'ready'; n: number }

function setup() {
  const loads: Array<{ key: string; resolve: (n: number) => void; reject: (e: Error) => void }> = []
  const disposed: number[] = []
  const cache = new SharedCache<string, Entry>({
    key: (req) => req,
    load: (key) =>
      new Promise<number>((resolve, reject) => loads.push({ key, resolve, reject })).then(
        (n): Entry => ({ status: 'ready', n }),
      ),
    loading: { status: 'loading' },
    failed: (err) => ({ status: 'error', why: (err as Error).message }),
    dispose: (e) => {
      if (e.status === 'ready') disposed.push(e.n)
    },
    keepMs: 1000,
  })
  return { cache, loads, disposed }
}

/** Lets the load's promise chain settle. */
const settle = () => vi.advanceTimersByTimeAsync(0)

beforeEach(() => vi.useFakeTimers())
afterEach(() => vi.useRealTimers())

describe('SharedCache', () => {
  it('loads once for every holder, tells each, and disposes after the last one lets go', async () => {
    const { cache, loads, disposed } = setup()
    const heard: string[] = []
    const releaseA = cache.acquire('a', () => heard.push('A'))
    const releaseB = cache.acquire('a', () => heard.push('B'))
    expect(loads).toHaveLength(1)
    expect(cache.get('a')).toEqual({ status: 'loading' })
    loads[0]!.resolve(7)
    await settle()
    expect(heard).toEqual(['A', 'B'])
    expect(cache.get('a')).toEqual({ status: 'ready', n: 7 })
    releaseA()
    await vi.advanceTimersByTimeAsync(5000)
    expect(disposed).toEqual([])
    releaseB()
    await vi.advanceTimersByTimeAsync(999)
    expect(disposed).toEqual([])
    await vi.advanceTimersByTimeAsync(1)
    expect(disposed).toEqual([7])
    expect([...cache.entries()]).toEqual([])
  })

  it('keeps an entry taken again within the keep time, without loading it again', async () => {
    const { cache, loads, disposed } = setup()
    cache.acquire('a', () => {})()
    loads[0]!.resolve(1)
    await vi.advanceTimersByTimeAsync(500)
    const release = cache.acquire('a', () => {})
    await vi.advanceTimersByTimeAsync(5000)
    expect(loads).toHaveLength(1)
    expect(disposed).toEqual([])
    expect(cache.get('a')).toEqual({ status: 'ready', n: 1 })
    release()
  })

  it('disposes a load that ends after its entry was dropped, and loads anew', async () => {
    const { cache, loads, disposed } = setup()
    cache.acquire('a', () => {})()
    await vi.advanceTimersByTimeAsync(1000)
    loads[0]!.resolve(1)
    await settle()
    expect(disposed).toEqual([1])
    expect(cache.get('a')).toEqual({ status: 'loading' })
    cache.acquire('a', () => {})
    expect(loads).toHaveLength(2)
  })

  it('turns a failed load into the failed entry', async () => {
    const { cache, loads } = setup()
    cache.acquire('a', () => {})
    loads[0]!.reject(new Error('no such picture'))
    await settle()
    expect(cache.get('a')).toEqual({ status: 'error', why: 'no such picture' })
  })
})
