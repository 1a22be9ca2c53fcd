import { describe, expect, it } from 'vitest'
import {
  POSE_BYTES,
  PoseBook,
  PoseFrameError,
  PoseFrameWriter,
  decodePoseFrame,
  encodePoseFrame,
  type WirePose,
} from './poseFrame'

const p = (n: number, x = 0, extra: Partial<WirePose> = {}): WirePose => ({
  n,
  x,
  y: -7,
  z: 32767,
  h: 255,
  a: 4,
  ...extra,
})

describe('pose frames', () => {
  it('round-trips poses and leaves, including the extremes of each field', () => {
    const poses = [p(1, -32768), p(65535, 123, { h: 0, a: 0, z: -1 })]
    const bytes = encodePoseFrame(poses, [7, 65535])
    expect(bytes.byteLength).toBe(2 + 2 * POSE_BYTES + 4)
    expect(decodePoseFrame(bytes)).toEqual({ poses, left: [7, 65535] })
  })

  it('decodes a frame that sits inside a larger buffer (as the client receives it)', () => {
    const inner = encodePoseFrame([p(3, 10)], [4])
    const outer = new Uint8Array(inner.byteLength + 5)
    outer.set(inner, 3)
    expect(decodePoseFrame(outer.subarray(3, 3 + inner.byteLength))).toEqual({
      poses: [p(3, 10)],
      left: [4],
    })
  })

  it('reuses its buffer across frames and grows past 64 poses', () => {
    const w = new PoseFrameWriter()
    const many = Array.from({ length: 200 }, (_, i) => p(i + 1, i))
    for (const q of many) w.pose(q.n, q.x, q.y, q.z, q.h, q.a)
    expect(decodePoseFrame(w.finish()).poses).toEqual(many)
    w.reset()
    expect(w.empty).toBe(true)
    w.leave(9)
    expect(decodePoseFrame(w.finish())).toEqual({ poses: [], left: [9] })
  })

  it('rejects frames whose length does not match their count', () => {
    expect(() => decodePoseFrame(new Uint8Array([1]))).toThrow(PoseFrameError)
    const bytes = encodePoseFrame([p(1), p(2)])
    expect(() => decodePoseFrame(bytes.subarray(0, bytes.byteLength - 1))).toThrow(/cannot hold 2/)
    expect(() => decodePoseFrame(new Uint8Array([0, 0, 1]))).toThrow(PoseFrameError)
  })
})

describe('PoseBook', () => {
  it('turns frames into enter, move and leave events by session id', () => {
    const events: string[] = []
    const book = new PoseBook('me', {
      enter: (id, q) => events.push(`enter ${id} ${q.x}`),
      move: (id, q) => events.push(`move ${id} ${q.x}`),
      leave: (id) => events.push(`leave ${id}`),
    })
    book.addPlayer('me', 1)
    book.addPlayer('ann', 2)
    book.addPlayer('bob', 3)
    book.apply(encodePoseFrame([p(1, 5), p(2, 10), p(3, 20)]))
    book.apply(encodePoseFrame([p(2, 11)], [3]))
    // Left and back within one frame: the avatar is in view afterwards.
    book.apply(encodePoseFrame([p(2, 12)], [2]))
    book.removePlayer('ann', 2)
    expect(events).toEqual([
      'enter ann 10',
      'enter bob 20',
      'leave bob',
      'move ann 11',
      'leave ann',
      'enter ann 12',
      'leave ann',
    ])
    expect(book.poses.size).toBe(0)
    expect(book.unknown).toBe(0)
  })

  it('counts poses of unknown avatars and ignores a reused number of a departed player', () => {
    const book = new PoseBook('me')
    book.apply(encodePoseFrame([p(9)]))
    expect(book.unknown).toBe(1)
    book.addPlayer('old', 4)
    book.addPlayer('new', 4)
    book.removePlayer('old', 4)
    book.apply(encodePoseFrame([p(4, 1)]))
    expect([...book.poses.keys()]).toEqual(['new'])
  })
})
