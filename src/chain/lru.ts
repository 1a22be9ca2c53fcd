// A map with a maximum size that forgets the least recently used entry first: every cache the
// chain code keeps (listings, metadata, contract kinds) is one, so no visitor can grow it
// without bound. Isomorphic.

export class Lru<K, V> {
  private readonly map = new Map<K, V>()

  constructor(readonly max: number) {
    if (!(max >= 1)) throw new RangeError(`an LRU holds at least one entry, not ${max}`)
  }

  get size(): number {
    return this.map.size
  }

  get(key: K): V | undefined {
    const v = this.map.get(key)
    if (v === undefined) return undefined
    // Re-insert: Map keeps insertion order, so the first key is the least recently used.
    this.map.delete(key)
    this.map.set(key, v)
    return v
  }

  has(key: K): boolean {
    return this.map.has(key)
  }

  set(key: K, value: V): this {
    this.map.delete(key)
    this.map.set(key, value)
    while (this.map.size > this.max) this.map.delete(this.map.keys().next().value as K)
    return this
  }

  delete(key: K): boolean {
    return this.map.delete(key)
  }
}
