// Interest management: which avatars each visitor receives at full rate. A uniform grid of
// cells one radius wide finds the candidates; each visitor sees at most `max` of them, the
// nearest within `radius`. Avatars already seen get a margin (hysteresis) so that people at
// the edge do not flicker in and out, which would cost a full resend every time.

export interface InterestOptions {
  /** Metres; Infinity sees the whole world. */
  radius: number
  /** Most avatars one visitor receives; Infinity for no cap. */
  max: number
}

/** Already-visible avatars count as this much nearer when ranked (and may be 1/0.8 × radius away). */
export const HYSTERESIS = 0.8

export class Member<T> {
  cell = 0
  gone = false
  constructor(
    readonly item: T,
    public x: number,
    public z: number,
  ) {}
}

export class InterestGrid<T> {
  private readonly cells = new Map<number, Set<Member<T>>>()
  private readonly size: number
  private scores = new Float64Array(64)
  private picks: Member<T>[] = []

  constructor(readonly options: InterestOptions) {
    this.size = Number.isFinite(options.radius) ? options.radius / HYSTERESIS : Infinity
  }

  private key(x: number, z: number): number {
    if (this.size === Infinity) return 0
    const cx = Math.floor(x / this.size) + 32768
    const cz = Math.floor(z / this.size) + 32768
    return cx * 65536 + cz
  }

  private cellOf(key: number): Set<Member<T>> {
    let cell = this.cells.get(key)
    if (!cell) {
      cell = new Set()
      this.cells.set(key, cell)
    }
    return cell
  }

  insert(item: T, x: number, z: number): Member<T> {
    const m = new Member(item, x, z)
    m.cell = this.key(x, z)
    this.cellOf(m.cell).add(m)
    return m
  }

  move(m: Member<T>, x: number, z: number) {
    m.x = x
    m.z = z
    const key = this.key(x, z)
    if (key === m.cell) return
    this.cells.get(m.cell)?.delete(m)
    m.cell = key
    this.cellOf(key).add(m)
  }

  delete(m: Member<T>) {
    m.gone = true
    const cell = this.cells.get(m.cell)
    cell?.delete(m)
    if (cell?.size === 0) this.cells.delete(m.cell)
  }

  /**
   * Whom `m` should see now, given whom it sees (`current`): the `max` best-ranked others
   * within range, where distance is scaled by HYSTERESIS for those already in `current`.
   */
  select(m: Member<T>, current: ReadonlySet<Member<T>>): Member<T>[] {
    const { radius, max } = this.options
    const picks = this.picks
    picks.length = 0
    let n = 0
    const visit = (cell: Set<Member<T>> | undefined) => {
      if (!cell) return
      for (const o of cell) {
        if (o === m) continue
        let d = Math.hypot(o.x - m.x, o.z - m.z)
        if (current.has(o)) d *= HYSTERESIS
        if (d > radius) continue
        if (n === this.scores.length) {
          const grown = new Float64Array(n * 2)
          grown.set(this.scores)
          this.scores = grown
        }
        this.scores[n] = d
        picks[n++] = o
      }
    }
    if (this.size === Infinity) visit(this.cells.get(0))
    else {
      const cx = Math.floor(m.x / this.size)
      const cz = Math.floor(m.z / this.size)
      for (let dx = -1; dx <= 1; dx++) {
        for (let dz = -1; dz <= 1; dz++) {
          visit(this.cells.get((cx + dx + 32768) * 65536 + (cz + dz + 32768)))
        }
      }
    }
    if (n > max) {
      selectSmallest(this.scores, picks, n, max)
      n = max
    }
    return picks.slice(0, n)
  }
}

/** Reorders `keys`/`items` so that the `k` smallest keys come first (quickselect, O(n)). */
export function selectSmallest<I>(keys: Float64Array, items: I[], n: number, k: number) {
  let lo = 0
  let hi = n - 1
  while (lo < hi) {
    const pivot = keys[(lo + hi) >> 1]!
    let i = lo
    let j = hi
    while (i <= j) {
      while (keys[i]! < pivot) i++
      while (keys[j]! > pivot) j--
      if (i <= j) {
        const tk = keys[i]!
        keys[i] = keys[j]!
        keys[j] = tk
        const ti = items[i]!
        items[i] = items[j]!
        items[j] = ti
        i++
        j--
      }
    }
    if (k - 1 <= j) hi = j
    else if (k - 1 >= i) lo = i
    else return
  }
}
