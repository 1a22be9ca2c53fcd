// Reactions over a stage: each aggregated burst from the event room (useEvent.reactions, summed
// over every instance) becomes clapping hands, hearts and fireworks rising over the stage, as many
// as the counts call for up to a cap, so 500 people clapping is a crowd's worth of hands and not
// 500 sprites. One Points draw call per kind from fixed pools; per-frame work mutates typed arrays.
// Reduced motion: fewer particles that fade in place, no rockets.
import { useEffect, useMemo } from 'react'
import { useFrame } from '@react-three/fiber'
import { FRAME } from '../world/frameOrder'
import {
  AdditiveBlending,
  BufferAttribute,
  BufferGeometry,
  CanvasTexture,
  NormalBlending,
  Points,
  PointsMaterial,
  SRGBColorSpace,
} from 'three'
import type { Reaction, ReactionCounts } from '../protocol/events'
import { useEvent } from './store'
import { useSettings } from '../state/settings'
import type { StageLayout } from './layout'

/** Particles alive now, and bursts taken (read by window.__cq.event.reactions()). */
export const reactionsProbe = { live: 0, bursts: 0 }

/** Particles per pool, and what a count of n asks for (capped). */
const POOL: Record<Reaction, number> = { applause: 120, hearts: 120, fireworks: 600 }
export function burstSize(kind: Reaction, count: number, reduced: boolean): number {
  if (!(count > 0)) return 0
  const n =
    kind === 'fireworks'
      ? Math.min(6, Math.ceil(Math.sqrt(count) / 1.5)) // rockets
      : Math.min(24, Math.ceil(1.5 * Math.sqrt(count)))
  return reduced ? Math.ceil(n / 2) : n
}
const SPARKS = 36
/** Spawns of one burst spread over this long (s), so a burst is a ripple, not a block. */
const SPREAD = 0.9

function sprite(kind: Reaction): CanvasTexture {
  const c = document.createElement('canvas')
  c.width = c.height = 64
  const g = c.getContext('2d')!
  if (kind === 'hearts') {
    g.fillStyle = '#ff4d6d'
    g.beginPath()
    g.moveTo(32, 56)
    g.bezierCurveTo(4, 36, 6, 10, 22, 10)
    g.bezierCurveTo(28, 10, 32, 16, 32, 20)
    g.bezierCurveTo(32, 16, 36, 10, 42, 10)
    g.bezierCurveTo(58, 10, 60, 36, 32, 56)
    g.fill()
    g.fillStyle = 'rgba(255,255,255,0.55)'
    g.beginPath()
    g.ellipse(21, 21, 5, 3.5, -0.6, 0, Math.PI * 2)
    g.fill()
  } else if (kind === 'applause') {
    // Two palms meeting, with clap lines.
    g.lineWidth = 3
    g.strokeStyle = '#8a5a14'
    for (const [x, a] of [
      [24, -0.35],
      [40, 0.35],
    ] as const) {
      g.save()
      g.translate(x, 38)
      g.rotate(a)
      g.fillStyle = '#f4c04e'
      g.beginPath()
      g.roundRect(-9, -18, 18, 32, 8)
      g.fill()
      g.stroke()
      g.restore()
    }
    g.strokeStyle = '#fff3c4'
    g.lineWidth = 3
    for (const [x1, y1, x2, y2] of [
      [32, 4, 32, 12],
      [16, 8, 21, 14],
      [48, 8, 43, 14],
    ] as const) {
      g.beginPath()
      g.moveTo(x1, y1)
      g.lineTo(x2, y2)
      g.stroke()
    }
  } else {
    const grad = g.createRadialGradient(32, 32, 0, 32, 32, 30)
    grad.addColorStop(0, 'rgba(255,255,255,1)')
    grad.addColorStop(0.25, 'rgba(255,255,255,0.85)')
    grad.addColorStop(1, 'rgba(255,255,255,0)')
    g.fillStyle = grad
    g.fillRect(0, 0, 64, 64)
  }
  const t = new CanvasTexture(c)
  t.colorSpace = SRGBColorSpace
  return t
}

/** One pool of particles: position, velocity, age, life; colour with alpha drives the look. */
class Pool {
  readonly points: Points
  readonly pos: Float32Array
  readonly col: Float32Array
  readonly vel: Float32Array
  readonly age: Float32Array
  readonly life: Float32Array
  /** Base colour per particle (alpha is computed from age). */
  readonly base: Float32Array
  /** Rockets burst into sparks at the end of their life (fireworks only). */
  readonly rocket: Uint8Array
  private next = 0
  live = 0

  constructor(
    readonly kind: Reaction,
    readonly size: number,
  ) {
    const n = POOL[kind]
    this.pos = new Float32Array(n * 3)
    this.col = new Float32Array(n * 4)
    this.vel = new Float32Array(n * 3)
    this.age = new Float32Array(n).fill(1)
    this.life = new Float32Array(n).fill(1)
    this.base = new Float32Array(n * 3)
    this.rocket = new Uint8Array(n)
    const g = new BufferGeometry()
    g.setAttribute('position', new BufferAttribute(this.pos, 3))
    g.setAttribute('color', new BufferAttribute(this.col, 4))
    const m = new PointsMaterial({
      size,
      map: sprite(kind),
      vertexColors: true,
      transparent: true,
      depthWrite: false,
      sizeAttenuation: true,
      blending: kind === 'fireworks' ? AdditiveBlending : NormalBlending,
    })
    this.points = new Points(g, m)
    this.points.frustumCulled = false
    this.points.name = `reactions-${kind}`
  }

  spawn(
    x: number,
    y: number,
    z: number,
    vx: number,
    vy: number,
    vz: number,
    life: number,
    r = 1,
    g = 1,
    b = 1,
    rocket = false,
  ) {
    const n = this.age.length
    const i = this.next
    this.next = (i + 1) % n
    this.pos.set([x, y, z], i * 3)
    this.vel.set([vx, vy, vz], i * 3)
    this.base.set([r, g, b], i * 3)
    this.age[i] = 0
    this.life[i] = life
    this.rocket[i] = rocket ? 1 : 0
  }

  dispose() {
    this.points.geometry.dispose()
    const m = this.points.material as PointsMaterial
    m.map?.dispose()
    m.dispose()
  }
}

interface Pending {
  kind: Reaction
  at: number
}

export function Reactions({ layout }: { layout: StageLayout }) {
  const pools = useMemo(
    () => ({
      applause: new Pool('applause', 0.5),
      hearts: new Pool('hearts', 0.45),
      fireworks: new Pool('fireworks', 0.3),
    }),
    [],
  )
  useEffect(() => () => Object.values(pools).forEach((p) => p.dispose()), [pools])
  // Spawns scheduled over the spread of a burst (seconds of the frame clock).
  const queue = useMemo<Pending[]>(() => [], [])
  const seen = useMemo(() => ({ at: -1 }), [])
  const clock = useMemo(() => ({ t: 0 }), [])

  // Stage geometry in world terms: the front edge's midpoint, the axis along it, and facing.
  const geo = useMemo(() => {
    const [x0, z0, x1, z1] = layout.stage.area
    const [fx, fz] = layout.facing
    const cx = (x0 + x1) / 2
    const cz = (z0 + z1) / 2
    const halfDepth = Math.abs(fx) * (x1 - x0) * 0.5 + Math.abs(fz) * (z1 - z0) * 0.5
    const halfWidth = Math.abs(fz) * (x1 - x0) * 0.5 + Math.abs(fx) * (z1 - z0) * 0.5
    return {
      fx,
      fz,
      ax: fz,
      az: -fx,
      frontX: cx + fx * halfDepth,
      frontZ: cz + fz * halfDepth,
      halfWidth,
      y: layout.stage.floorY,
      top: layout.picture.center[1] + layout.picture.height / 2,
    }
  }, [layout])

  const emit = (kind: Reaction, reduced: boolean) => {
    const p = pools[kind]
    const r = Math.random
    const along = (r() * 2 - 1) * geo.halfWidth
    const out = 1 + r() * 5 // in front of the stage, over the first rows
    const x = geo.frontX + geo.ax * along + geo.fx * out
    const z = geo.frontZ + geo.az * along + geo.fz * out
    const still = reduced ? 0 : 1
    if (kind === 'applause') {
      p.spawn(
        x,
        geo.y + 1.6 + r(),
        z,
        (r() - 0.5) * 0.3 * still,
        (0.8 + r() * 0.6) * still,
        (r() - 0.5) * 0.3 * still,
        1.6,
      )
    } else if (kind === 'hearts') {
      p.spawn(
        x,
        geo.y + 1.4 + r(),
        z,
        (r() - 0.5) * 0.4 * still,
        (0.9 + r() * 0.7) * still,
        (r() - 0.5) * 0.4 * still,
        2.4,
      )
    } else {
      // A rocket from the stage's front edge, bursting above the screen.
      const hue = r()
      const [cr, cg, cb] = hsl(hue)
      const sx = geo.frontX + geo.ax * along * 0.8
      const sz = geo.frontZ + geo.az * along * 0.8
      if (reduced) burst(p, sx, geo.top + 1 + r() * 2, sz, cr, cg, cb, 0)
      else p.spawn(sx, geo.y, sz, 0, 9 + r() * 3, 0, 0.75, cr, cg, cb, true)
    }
  }

  useFrame((_, dtRaw) => {
    const dt = Math.min(dtRaw, 0.1)
    clock.t += dt
    const reduced = useSettings.getState().reducedMotion
    const reactions = useEvent.getState().reactions
    if (reactions && reactions.at !== seen.at) {
      seen.at = reactions.at
      reactionsProbe.bursts++
      enqueue(queue, reactions.counts, clock.t, reduced)
    }
    // Emit what is due.
    for (let i = queue.length - 1; i >= 0; i--) {
      if (queue[i]!.at <= clock.t) {
        emit(queue[i]!.kind, reduced)
        queue.splice(i, 1)
      }
    }
    let live = 0
    for (const pool of Object.values(pools)) live += step(pool, dt, reduced)
    reactionsProbe.live = live
  }, FRAME.scene)

  return (
    <group name="reactions">
      <primitive object={pools.applause.points} />
      <primitive object={pools.hearts.points} />
      <primitive object={pools.fireworks.points} />
    </group>
  )
}

function enqueue(queue: Pending[], counts: ReactionCounts, now: number, reduced: boolean) {
  for (const kind of ['applause', 'hearts', 'fireworks'] as const) {
    const n = burstSize(kind, counts[kind] ?? 0, reduced)
    for (let i = 0; i < n; i++) queue.push({ kind, at: now + (SPREAD * i) / Math.max(1, n) })
  }
  // A flood of bursts never queues more than the pools can show.
  if (queue.length > 400) queue.splice(0, queue.length - 400)
}

function hsl(h: number): [number, number, number] {
  const f = (n: number) => {
    const k = (n + h * 12) % 12
    return 0.6 - 0.4 * Math.max(-1, Math.min(k - 3, 9 - k, 1))
  }
  return [f(0) * 1.2, f(8) * 1.2, f(4) * 1.2]
}

function burst(
  p: Pool,
  x: number,
  y: number,
  z: number,
  r: number,
  g: number,
  b: number,
  speed: number,
) {
  for (let k = 0; k < SPARKS; k++) {
    // Evenly spread directions on a sphere (golden spiral).
    const t = (k + 0.5) / SPARKS
    const inc = Math.acos(1 - 2 * t)
    const az = Math.PI * (1 + Math.sqrt(5)) * k
    const s = speed * (0.8 + Math.random() * 0.4)
    const dx = Math.sin(inc) * Math.cos(az)
    const dy = Math.cos(inc)
    const dz = Math.sin(inc) * Math.sin(az)
    const spread = speed === 0 ? 1.2 : 0
    p.spawn(x + dx * spread, y + dy * spread, z + dz * spread, dx * s, dy * s, dz * s, 1.6, r, g, b)
  }
}

const GRAVITY = 3

function step(p: Pool, dt: number, reduced: boolean): number {
  const n = p.age.length
  let live = 0
  for (let i = 0; i < n; i++) {
    const life = p.life[i]!
    let age = p.age[i]!
    if (age >= life) {
      p.col[i * 4 + 3] = 0
      continue
    }
    age += dt
    p.age[i] = age
    const j = i * 3
    if (p.rocket[i] && age >= life) {
      // The rocket bursts where it is.
      p.col[i * 4 + 3] = 0
      burst(
        p,
        p.pos[j]!,
        p.pos[j + 1]!,
        p.pos[j + 2]!,
        p.base[j]!,
        p.base[j + 1]!,
        p.base[j + 2]!,
        4.5,
      )
      continue
    }
    live++
    if (!reduced) {
      p.pos[j] = p.pos[j]! + p.vel[j]! * dt
      p.pos[j + 1] = p.pos[j + 1]! + p.vel[j + 1]! * dt
      p.pos[j + 2] = p.pos[j + 2]! + p.vel[j + 2]! * dt
      if (p.kind === 'fireworks' && !p.rocket[i]) {
        p.vel[j + 1] = p.vel[j + 1]! - GRAVITY * dt
        p.vel[j] = p.vel[j]! * 0.985
        p.vel[j + 2] = p.vel[j + 2]! * 0.985
      }
    }
    const t = age / life
    // Fade in quickly, out slowly.
    const alpha = Math.min(1, t * 8) * (1 - t * t)
    p.col[i * 4] = p.base[j]!
    p.col[i * 4 + 1] = p.base[j + 1]!
    p.col[i * 4 + 2] = p.base[j + 2]!
    p.col[i * 4 + 3] = alpha
  }
  p.live = live
  const g = p.points.geometry
  g.attributes.position!.needsUpdate = true
  g.attributes.color!.needsUpdate = true
  return live
}
