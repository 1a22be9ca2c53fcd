// Where a stage's parts go: the platform over its closed area, the screen's frame and posts,
// two pillars and a lintel, the picture itself, what the avatar collides with, and the ground
// kept clear around it. Pure math from the scene's Stage; the meshes (Stage.tsx), the collider
// (collider.ts), the world builders (vegetation) and the scene tests all use it.
import type { Stage } from '../protocol/scene'
import type { ColliderBox, OrientedBox, V3 } from '../world/boxes'

export type StageStyle = 'voxel' | 'hd'

export interface StageBox extends OrientedBox {
  part: 'platform' | 'trim' | 'frame' | 'post' | 'pillar' | 'lintel'
}

export interface StageLayout {
  stage: Stage
  style: StageStyle
  /** The platform's top is stage.floorY; it reaches this far below (into the ground). */
  platformDepth: number
  boxes: StageBox[]
  /** The picture: centre (just in front of the frame), size and facing. */
  picture: { center: V3; width: number; height: number; rotY: number }
  /** Unit vector the picture faces (towards the audience), in xz. */
  facing: [number, number]
}

/** How deep the platform goes: one voxel in Block Park; in Cangqiong it hides uneven ground. */
export const PLATFORM_DEPTH: Record<StageStyle, number> = { voxel: 1, hd: 1.6 }
const FRAME_BORDER: Record<StageStyle, number> = { voxel: 0.5, hd: 0.25 }
const FRAME_DEPTH = 0.3
const PILLAR: Record<StageStyle, number> = { voxel: 1, hd: 0.45 }

/** Unit facing of a rotation about y (0 faces +z, π/2 faces +x). */
export function facingOf(rotY: number): [number, number] {
  return [Math.sin(rotY), Math.cos(rotY)]
}

export function layoutStage(stage: Stage, style: StageStyle): StageLayout {
  const [x0, z0, x1, z1] = stage.area
  const cx = (x0 + x1) / 2
  const cz = (z0 + z1) / 2
  const y = stage.floorY
  const depth = PLATFORM_DEPTH[style]
  const s = stage.screen
  const [fx, fz] = facingOf(s.rotY)
  const border = FRAME_BORDER[style]
  const boxes: StageBox[] = []

  boxes.push({
    part: 'platform',
    center: [cx, y - depth / 2, cz],
    size: [x1 - x0, depth, z1 - z0],
    rotY: 0,
  })
  // A thin trim along the platform's top edge, proud of the floor by a few centimetres.
  const trim = style === 'voxel' ? 0.12 : 0.06
  const t = 0.25
  boxes.push(
    { part: 'trim', center: [cx, y + trim / 2, z0 + t / 2], size: [x1 - x0, trim, t], rotY: 0 },
    { part: 'trim', center: [cx, y + trim / 2, z1 - t / 2], size: [x1 - x0, trim, t], rotY: 0 },
    { part: 'trim', center: [x0 + t / 2, y + trim / 2, cz], size: [t, trim, z1 - z0], rotY: 0 },
    { part: 'trim', center: [x1 - t / 2, y + trim / 2, cz], size: [t, trim, z1 - z0], rotY: 0 },
  )

  // The screen's frame, just behind the picture, and two posts down to the floor.
  const fw = s.width + 2 * border
  const fh = s.height + 2 * border
  const [px, py, pz] = s.position
  const back = FRAME_DEPTH / 2 + 0.02
  const frameCenter: V3 = [px - fx * back, py, pz - fz * back]
  boxes.push({ part: 'frame', center: frameCenter, size: [fw, fh, FRAME_DEPTH], rotY: s.rotY })
  const bottom = py - fh / 2
  if (bottom > y + 0.05) {
    // Along the frame: the local x axis of rotY is (cos, −sin).
    const ax = Math.cos(s.rotY)
    const az = -Math.sin(s.rotY)
    for (const side of [-1, 1]) {
      const off = side * (fw / 2 - border)
      boxes.push({
        part: 'post',
        center: [frameCenter[0] + ax * off, (y + bottom) / 2, frameCenter[2] + az * off],
        size: [border, bottom - y, FRAME_DEPTH],
        rotY: s.rotY,
      })
    }
  }

  // Two pillars at the ends of the back edge (where the screen stands) and a lintel across.
  const p = PILLAR[style]
  const top = Math.max(py + fh / 2 + 0.6, y + 3.5)
  const ax = Math.cos(s.rotY)
  const az = -Math.sin(s.rotY)
  const halfSpan = (Math.abs(ax) * (x1 - x0) + Math.abs(az) * (z1 - z0)) / 2
  const backX = frameCenter[0] - fx * (FRAME_DEPTH / 2 + p / 2)
  const backZ = frameCenter[2] - fz * (FRAME_DEPTH / 2 + p / 2)
  // The platform's middle, measured along the frame from the frame's centre.
  const shift = (cx - backX) * ax + (cz - backZ) * az
  const reach = halfSpan - p / 2
  for (const side of [-1, 1]) {
    const d = shift + side * reach
    boxes.push({
      part: 'pillar',
      center: [backX + ax * d, (y + top) / 2, backZ + az * d],
      size: [p, top - y, p],
      rotY: s.rotY,
    })
  }
  boxes.push({
    part: 'lintel',
    center: [backX + ax * shift, top + p * 0.35, backZ + az * shift],
    size: [2 * halfSpan, p * 0.7, p],
    rotY: s.rotY,
  })

  return {
    stage,
    style,
    platformDepth: depth,
    boxes,
    picture: {
      center: [px + fx * 0.01, py, pz + fz * 0.01],
      width: s.width,
      height: s.height,
      rotY: s.rotY,
    },
    facing: [fx, fz],
  }
}

/** What the avatar stands on (the platform) and bumps into (frame, posts, pillars). */
export function stageColliderBoxes(layout: StageLayout): ColliderBox[] {
  return layout.boxes
    .filter(
      (b) =>
        b.part === 'platform' || b.part === 'frame' || b.part === 'post' || b.part === 'pillar',
    )
    .map((b) => ({ center: b.center, size: b.size, rotY: b.rotY, floor: b.part === 'platform' }))
}

/** How far around the audience spot the ground is kept clear (m). */
export const AUDIENCE_CLEAR = 6

/**
 * Ground kept clear of trees and grass, [minX, minZ, maxX, maxZ]: the stage, the audience spot
 * with room around it, and the space between them.
 */
export function stageClearArea(stage: Stage): [number, number, number, number] {
  const [x0, z0, x1, z1] = stage.area
  const [ax, , az] = stage.audience.position
  const pad = 2
  return [
    Math.min(x0, ax - AUDIENCE_CLEAR) - pad,
    Math.min(z0, az - AUDIENCE_CLEAR) - pad,
    Math.max(x1, ax + AUDIENCE_CLEAR) + pad,
    Math.max(z1, az + AUDIENCE_CLEAR) + pad,
  ]
}
