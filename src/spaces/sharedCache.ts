// The one cache for what exhibits show at a cost in memory (pictures in textures.ts, models in
// modelLoader.ts): loaded once per key however many exhibits ask (a load in flight is shared),
// counted per user, and disposed a while after the last user lets go (a layout change often
// brings it back). Browser; main thread; components read it through useShared.
import { useMemo, useSyncExternalStore } from 'react'

export interface SharedCacheOptions<Req, Entry> {
  /** Names everything a request asks for: equal keys share one entry. */
  key: (req: Req) => string
  load: (req: Req) => Promise<Entry>
  /** The entry while its load runs. */
  loading: Entry
  /** The entry when the load throws. */
  failed: (err: unknown) => Entry
  /** Frees what an entry holds: when it is evicted, or when it arrives after its eviction. */
  dispose: (entry: Entry) => void
  /** How long an entry nobody holds is kept, ms. */
  keepMs: number
}

interface Slot<Entry> {
  entry: Entry
  refs: number
  listeners: Set<() => void>
  dispose: ReturnType<typeof setTimeout> | undefined
}

export class SharedCache<Req, Entry> {
  private readonly slots = new Map<string, Slot<Entry>>()

  constructor(private readonly opts: SharedCacheOptions<Req, Entry>) {}

  key(req: Req): string {
    return this.opts.key(req)
  }

  /**
   * Holds the entry for `req`, starting its load when nobody holds or keeps it; `listener` hears
   * when the load ends. Returns the release.
   */
  acquire(req: Req, listener: () => void): () => void {
    const key = this.opts.key(req)
    let slot = this.slots.get(key)
    if (!slot) {
      const created: Slot<Entry> = {
        entry: this.opts.loading,
        refs: 0,
        listeners: new Set(),
        dispose: undefined,
      }
      this.slots.set(key, created)
      slot = created
      this.opts
        .load(req)
        .catch(this.opts.failed)
        .then((entry) => {
          if (this.slots.get(key) !== created) {
            this.opts.dispose(entry)
            return
          }
          created.entry = entry
          for (const l of created.listeners) l()
        })
    }
    const s = slot
    clearTimeout(s.dispose)
    s.refs++
    s.listeners.add(listener)
    return () => {
      s.listeners.delete(listener)
      if (--s.refs > 0) return
      s.dispose = setTimeout(() => {
        if (s.refs > 0 || this.slots.get(key) !== s) return
        this.slots.delete(key)
        this.opts.dispose(s.entry)
      }, this.opts.keepMs)
    }
  }

  /** The entry under `key`: `loading` when there is none. */
  get(key: string): Entry {
    return this.slots.get(key)?.entry ?? this.opts.loading
  }

  /** Every entry held or kept now (loading, failed or ready). */
  *entries(): IterableIterator<Entry> {
    for (const s of this.slots.values()) yield s.entry
  }
}

/** The entry for `req` from `cache`, held while the component shows it; null asks for none. */
export function useShared<Req, Entry>(
  cache: SharedCache<Req, Entry>,
  req: Req | null,
): Entry | null {
  const key = req ? cache.key(req) : null
  // The key names everything the request asks for: resubscribe only when it changes.
  const subscribe = useMemo(
    () => (notify: () => void) => (req ? cache.acquire(req, notify) : () => {}),
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [cache, key],
  )
  return useSyncExternalStore(subscribe, () => (key ? cache.get(key) : null))
}
