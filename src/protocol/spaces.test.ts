// Free placement rules shared by the editor and the server: what the editor proposes
// (clampFree) always passes the server's check (snapFree + freeInside), and what the server
// refuses the editor never proposes.
import fs from 'node:fs'
import { describe, expect, it } from 'vitest'
import { Scene } from './scene'
import {
  GRID_STEP,
  ROT_STEP,
  SCALE_RANGE,
  clampFree,
  freeInside,
  snap,
  snapFree,
  type FreeBounds,
  type FreePlacement,
} from './spaces'

const free = (x: number, y: number, z: number, rotY = 0, scale = 1): FreePlacement => ({
  kind: 'free',
  x,
  y,
  z,
  rotY,
  scale,
})

/** The spaces of the real scene files, and a few awkward ones. */
const SPACES: FreeBounds[] = [
  ...fs
    .readdirSync('scenes')
    .filter((f) => f.endsWith('.json') && f !== 'index.json')
    .flatMap((f) => Scene.parse(JSON.parse(fs.readFileSync(`scenes/${f}`, 'utf8'))).spaces),
  { area: [-3.1, 2.07, 4.93, 9.6], floorY: 2.05, height: 6 },
  { area: [0.1, 0.1, 0.4, 0.4], floorY: -1.3, height: 0.6 },
  { area: [-1000.13, -7.01, -990.2, -6.2], floorY: 120.71, height: 3.3 },
]

/** A small deterministic PRNG, so a failure repeats. */
function random(seed: number) {
  let s = seed >>> 0
  return () => {
    s = (s + 0x6d2b79f5) >>> 0
    let t = s
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const onGrid = (v: number) => Math.abs(v / GRID_STEP - Math.round(v / GRID_STEP)) < 1e-9

describe('free placement rules', () => {
  it('snaps x and z to the world grid, y to steps above the floor, turns into [0, 2π)', () => {
    const space: FreeBounds = { area: [0, 0, 10, 10], floorY: 2.05, height: 6 }
    const p = snapFree(space, free(3.13, 2.41, 7.62, -0.3, 1.13))
    expect(p.x).toBe(3.25)
    expect(p.z).toBe(7.5)
    expect(p.y).toBeCloseTo(2.3, 12)
    expect(p.rotY).toBeCloseTo(2 * Math.PI - ROT_STEP, 12)
    expect(p.scale).toBe(1.25)
    // Snapping twice changes nothing, even after float32 on the wire.
    expect(snapFree(space, p)).toEqual(p)
    const wire = { ...p, y: Math.fround(p.y), rotY: Math.fround(p.rotY) }
    expect(snapFree(space, wire)).toEqual(p)
    // On a floor that is on the grid, it agrees with the plain snap.
    const flat: FreeBounds = { area: [0, 0, 10, 10], floorY: 21, height: 6 }
    const q = free(3.13, 22.41, 7.62, 0.8, 2.2)
    expect(snapFree(flat, q)).toEqual({ ...snap(q), rotY: snap(q).rotY })
  })

  it('clamps into the area, between floor and height, within the scale range', () => {
    const space: FreeBounds = { area: [63, 84, 73, 92], floorY: 21, height: 6 }
    expect(clampFree(space, free(50, 0, 100, 7 * Math.PI, 9))).toEqual({
      kind: 'free',
      x: 63,
      y: 21,
      z: 92,
      rotY: 12 * ROT_STEP,
      scale: SCALE_RANGE[1],
    })
    expect(clampFree(space, free(80, 40, 80, 0, 0.01))).toMatchObject({
      x: 73,
      y: 27,
      z: 84,
      scale: SCALE_RANGE[0],
    })
    // An area whose edges are off the grid: the nearest grid lines inside it.
    const odd: FreeBounds = { area: [-3.1, 2.07, 4.93, 9.6], floorY: 2.05, height: 6 }
    expect(clampFree(odd, free(-9, 0, 99))).toMatchObject({ x: -3, z: 9.5, y: 2.05 })
  })

  it('only proposes what the server accepts, for any input', () => {
    const rnd = random(6)
    for (const space of SPACES) {
      const [x0, z0, x1, z1] = space.area
      const roomy = x1 - x0 >= GRID_STEP && z1 - z0 >= GRID_STEP
      for (let i = 0; i < 400; i++) {
        const raw = free(
          x0 - 5 + rnd() * (x1 - x0 + 10),
          space.floorY - 3 + rnd() * (space.height + 6),
          z0 - 5 + rnd() * (z1 - z0 + 10),
          (rnd() - 0.5) * 40,
          rnd() * 6,
        )
        const p = clampFree(space, raw)
        // The server snaps what it receives and stores that: the editor's proposal is a fixed point.
        expect(snapFree(space, p)).toEqual(p)
        expect(onGrid(p.x) && onGrid(p.z) && onGrid(p.y - space.floorY)).toBe(true)
        expect(p.rotY).toBeGreaterThanOrEqual(0)
        expect(p.rotY).toBeLessThan(2 * Math.PI)
        if (roomy) expect(freeInside(space, snapFree(space, p))).toBe(true)
        // Already acceptable input stays where it was (after snapping).
        const s = snapFree(space, raw)
        if (freeInside(space, s)) expect(p).toEqual(s)
      }
    }
  })

  it('refuses what the editor never proposes', () => {
    const space: FreeBounds = { area: [63, 84, 73, 92], floorY: 21, height: 6 }
    const outside = [
      free(62.5, 21, 88),
      free(73.25, 21, 88),
      free(68, 21, 83.75),
      free(68, 21, 92.25),
      free(68, 20.75, 88),
      free(68, 27.25, 88),
      free(68, 21, 88, 0, 4.25),
      free(68, 21, 88, 0, 0),
    ]
    for (const raw of outside) {
      const p = snapFree(space, raw)
      expect(freeInside(space, p), JSON.stringify(raw)).toBe(false)
      expect(clampFree(space, raw), JSON.stringify(raw)).not.toEqual(p)
      expect(freeInside(space, clampFree(space, raw))).toBe(true)
    }
    // A space narrower than a grid step has no acceptable spot: refused, not crashed.
    const slim: FreeBounds = { area: [0.1, 0.1, 0.2, 5], floorY: 0, height: 2 }
    expect(freeInside(slim, snapFree(slim, clampFree(slim, free(0.15, 0, 1))))).toBe(false)
  })
})
