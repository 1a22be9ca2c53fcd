// Avatar poses travel from the server as binary frames, one per visitor per patch, built from
// that visitor's interest set (server/rooms/WorldRoom.ts). Cheaper than filtering the schema
// state per visitor: the server writes 10 bytes per changed nearby avatar and nothing else.
//
// Frame layout (little-endian):
//   u16 count, then `count` poses of 10 bytes each:
//     u16 avatar number (Player.n), i16 x, i16 y, i16 z (1/POS_SCALE m), u8 heading, u8 anim
//   then u16 avatar numbers until the end: avatars that left this visitor's view.
// A pose for an avatar the visitor does not hold yet makes it appear; there is no separate
// "enter". Frames follow the state patch of the same tick, so `n` is always known by then.

/** Message type of pose frames (a number: one byte on the wire). */
export const POSE_FRAME = 1
export const POSE_BYTES = 10

export interface WirePose {
  /** The avatar's number in this instance (Player.n). */
  n: number
  x: number
  y: number
  z: number
  h: number
  a: number
}

export interface PoseFrame {
  poses: WirePose[]
  left: number[]
}

export class PoseFrameError extends Error {}

/**
 * Builds frames in one reusable buffer (the server writes one per visitor per patch): poses
 * first, then the avatars that left; `finish` returns a copy of exactly the written bytes.
 */
export class PoseFrameWriter {
  private bytes = new Uint8Array(2 + 64 * POSE_BYTES)
  private dv = new DataView(this.bytes.buffer)
  private count = 0
  private offset = 2
  private readonly left: number[] = []

  get empty(): boolean {
    return this.count === 0 && this.left.length === 0
  }

  reset(): this {
    this.count = 0
    this.offset = 2
    this.left.length = 0
    return this
  }

  private room(n: number) {
    if (this.offset + n <= this.bytes.byteLength) return
    const grown = new Uint8Array(Math.max(this.bytes.byteLength * 2, this.offset + n))
    grown.set(this.bytes)
    this.bytes = grown
    this.dv = new DataView(grown.buffer)
  }

  pose(n: number, x: number, y: number, z: number, h: number, a: number): this {
    this.room(POSE_BYTES)
    const dv = this.dv
    const o = this.offset
    dv.setUint16(o, n, true)
    dv.setInt16(o + 2, x, true)
    dv.setInt16(o + 4, y, true)
    dv.setInt16(o + 6, z, true)
    dv.setUint8(o + 8, h)
    dv.setUint8(o + 9, a)
    this.offset += POSE_BYTES
    this.count++
    return this
  }

  leave(n: number): this {
    this.left.push(n)
    return this
  }

  finish(): Uint8Array {
    this.room(this.left.length * 2)
    this.dv.setUint16(0, this.count, true)
    let o = this.offset
    for (const n of this.left) {
      this.dv.setUint16(o, n, true)
      o += 2
    }
    return this.bytes.slice(0, o)
  }
}

/** One frame of `poses` and `left`. */
export function encodePoseFrame(
  poses: readonly WirePose[],
  left: readonly number[] = [],
): Uint8Array {
  const w = new PoseFrameWriter()
  for (const p of poses) w.pose(p.n, p.x, p.y, p.z, p.h, p.a)
  for (const n of left) w.leave(n)
  return w.finish()
}

/** Reads a frame; throws PoseFrameError on a frame whose length does not match its count. */
export function decodePoseFrame(bytes: Uint8Array): PoseFrame {
  if (bytes.byteLength < 2) throw new PoseFrameError('pose frame shorter than its header')
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const count = dv.getUint16(0, true)
  const end = 2 + count * POSE_BYTES
  if (end > bytes.byteLength || (bytes.byteLength - end) % 2 !== 0) {
    throw new PoseFrameError(`pose frame of ${bytes.byteLength} bytes cannot hold ${count} poses`)
  }
  const poses: WirePose[] = new Array(count)
  let o = 2
  for (let i = 0; i < count; i++) {
    poses[i] = {
      n: dv.getUint16(o, true),
      x: dv.getInt16(o + 2, true),
      y: dv.getInt16(o + 4, true),
      z: dv.getInt16(o + 6, true),
      h: dv.getUint8(o + 8),
      a: dv.getUint8(o + 9),
    }
    o += POSE_BYTES
  }
  const left: number[] = []
  for (; o < bytes.byteLength; o += 2) left.push(dv.getUint16(o, true))
  return { poses, left }
}

export interface PoseBookEvents {
  /** An avatar came into view with this pose. */
  enter?(id: string, pose: WirePose): void
  /** A pose of an avatar already in view. */
  move?(id: string, pose: WirePose): void
  /** An avatar left the view (or the instance). */
  leave?(id: string): void
}

/**
 * What one client sees of the others' poses: applies pose frames, translating avatar numbers
 * to session ids through the players it was told about (`addPlayer`, from the schema state).
 */
export class PoseBook {
  /** Latest pose of every avatar in view, by session id. */
  readonly poses = new Map<string, WirePose>()
  /** Poses that named an avatar number no known player has (should stay 0). */
  unknown = 0
  private readonly idOf = new Map<number, string>()

  constructor(
    private readonly selfId: string,
    private readonly events: PoseBookEvents = {},
  ) {}

  addPlayer(id: string, n: number) {
    this.idOf.set(n, id)
  }

  removePlayer(id: string, n: number) {
    if (this.idOf.get(n) === id) this.idOf.delete(n)
    if (this.poses.delete(id)) this.events.leave?.(id)
  }

  /** Applies one frame; throws PoseFrameError when it does not decode. */
  apply(bytes: Uint8Array) {
    const frame = decodePoseFrame(bytes)
    // Leaves first: an avatar that left and came back within one frame is in its poses again.
    for (const n of frame.left) {
      const id = this.idOf.get(n)
      if (id !== undefined && this.poses.delete(id)) this.events.leave?.(id)
    }
    for (const pose of frame.poses) {
      const id = this.idOf.get(pose.n)
      if (id === undefined) {
        this.unknown++
        continue
      }
      if (id === this.selfId) continue
      const known = this.poses.has(id)
      this.poses.set(id, pose)
      if (known) this.events.move?.(id, pose)
      else this.events.enter?.(id, pose)
    }
  }

  clear() {
    this.poses.clear()
  }
}
