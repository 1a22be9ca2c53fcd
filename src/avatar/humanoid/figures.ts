// The two built figures, dressed from a look: an HD stylised figure for Cangqiong and a block
// figure for Block Park. Both are drawn in the T-pose of their layout (skeleton.ts) and bound
// rigidly, part by part, to its bones (mesh.ts). A geometry is made once per look and style and
// shared by every figure wearing it.
import type { BufferGeometry } from 'three'
import { SKIN_TONES, type AvatarLook } from '../../protocol/avatar'
import { FigureBuilder, type Detail } from './mesh'
import { layoutFor, type BoneName, type Layout, type Vec3 } from './skeleton'

const SHOES = '#2a2a2e'
const EYES = '#1e1e24'
const WHITE = '#f5f5f0'
const MOUTH = '#a84840'
const STRAW = '#d9b36c'
const GOLD = '#c9a227'
const BEAD = '#c0392b'
const DARK_TROUSERS = '#2a2a30'

const add = (a: Vec3, x: number, y: number, z: number): Vec3 => [a[0] + x, a[1] + y, a[2] + z]
const mid = (a: Vec3, b: Vec3): Vec3 => [(a[0] + b[0]) / 2, (a[1] + b[1]) / 2, (a[2] + b[2]) / 2]

/** Arm and leg bones per side: +1 is the figure's left (+x). */
const SIDES = [
  { s: 1, upperArm: 'leftUpperArm', lowerArm: 'leftLowerArm', hand: 'leftHand' },
  { s: -1, upperArm: 'rightUpperArm', lowerArm: 'rightLowerArm', hand: 'rightHand' },
] as const
const LEGS = [
  { s: 1, upper: 'leftUpperLeg', lower: 'leftLowerLeg', foot: 'leftFoot' },
  { s: -1, upper: 'rightUpperLeg', lower: 'rightLowerLeg', foot: 'rightFoot' },
] as const

function hdFigure(look: AvatarLook, L: Layout, detail: Detail): BufferGeometry {
  const J = L.joints
  const k = L.scale
  const w = L.width
  const skin = SKIN_TONES[look.skin]!
  const f = new FigureBuilder(detail)
  const o = look.outfit
  const sleeve = look.top
  const forearm = o === 'casual' || o === 'qipao' ? skin : look.top
  const trousers = o === 'tangzhuang' ? DARK_TROUSERS : o === 'qipao' ? skin : look.bottom
  const headC = add(J.head, 0, 0.11 * k, 0)
  const H = L.head

  // Head and face.
  f.sphere('head', skin, H, { at: headC, scale: [0.92, 1.05, 0.98] }, 18)
  for (const s of [1, -1])
    f.sphere(
      'head',
      EYES,
      0.014 * k,
      { at: add(headC, s * 0.042 * k, 0.01 * k, 0.104 * k), small: true },
      6,
    )
  f.box('jaw', MOUTH, [0.045 * k, 0.012 * k, 0.012 * k], {
    at: add(headC, 0, -0.05 * k, 0.099 * k),
    small: true,
  })
  f.cylinder('neck', skin, 0.045 * k, 0.05 * k, 0.1 * k, { at: add(J.neck, 0, 0.03 * k, 0) }, 10)

  // Torso.
  f.capsule('chest', look.top, 0.13 * w * k, 0.12 * k, {
    at: add(J.chest, 0, 0.07 * k, 0),
    scale: [1, 1, 0.72],
  })
  f.capsule('spine', look.top, 0.115 * w * k, 0.08 * k, {
    at: add(J.spine, 0, 0.06 * k, 0),
    scale: [1, 1, 0.72],
  })
  f.capsule(
    'hips',
    o === 'qipao' ? look.top : trousers === skin ? look.bottom : trousers,
    0.12 * w * k,
    0.04 * k,
    {
      at: add(J.hips, 0, -0.02 * k, 0),
      scale: [1, 1, 0.75],
    },
  )

  // Arms along x (T-pose), hands.
  for (const side of SIDES) {
    const shoulder = J[side.upperArm]
    const elbow = J[side.lowerArm]
    const wrist = J[side.hand]
    const along: Vec3 = [0, 0, Math.PI / 2]
    f.capsule(side.upperArm, sleeve, 0.046 * k, 0.2 * k, {
      at: mid(shoulder, elbow),
      rotate: along,
    })
    f.capsule(side.lowerArm, forearm, 0.038 * k, 0.19 * k, { at: mid(elbow, wrist), rotate: along })
    f.sphere(
      side.hand,
      skin,
      0.043 * k,
      { at: add(wrist, side.s * 0.035 * k, 0, 0), scale: [1.1, 0.8, 1] },
      8,
    )
    if (o === 'hanfu') {
      // Wide sleeves, open at the wrist.
      f.cylinder(side.lowerArm, look.top, 0.05 * k, 0.11 * k, 0.22 * k, {
        at: add(mid(elbow, wrist), side.s * 0.02 * k, -0.02 * k, 0),
        rotate: [0, 0, (side.s * -Math.PI) / 2],
      })
    }
  }

  // Legs and shoes.
  for (const leg of LEGS) {
    const hip = J[leg.upper]
    const knee = J[leg.lower]
    const ankle = J[leg.foot]
    f.capsule(leg.upper, trousers, 0.066 * w * k, 0.3 * k, { at: mid(hip, knee) })
    f.capsule(leg.lower, trousers, 0.052 * k, 0.3 * k, { at: mid(knee, ankle) })
    f.box(leg.foot, SHOES, [0.09 * k, 0.07 * k, 0.21 * k], {
      at: add(ankle, 0, -0.045 * k, 0.04 * k),
    })
  }

  // Outfits.
  const front = 0.094 * k
  if (o === 'hanfu') {
    // A long skirt from the waist, a sash, and the crossed collar (交领右衽) in the trim colour.
    const top = J.hips[1] + 0.04 * k
    const bottom = 0.12 * k
    f.cylinder(
      'hips',
      look.top,
      0.14 * w * k,
      0.27 * w * k,
      top - bottom,
      { at: [0, (top + bottom) / 2, 0] },
      18,
    )
    f.cylinder('spine', look.bottom, 0.128 * w * k, 0.128 * w * k, 0.05 * k, {
      at: add(J.spine, 0, 0.02 * k, 0),
      scale: [1, 1, 0.75],
    })
    f.box('chest', look.bottom, [0.03 * k, 0.2 * k, 0.01 * k], {
      at: add(J.chest, 0.02 * k, 0.08 * k, front),
      rotate: [0, 0, -0.55],
      small: true,
    })
    f.box('chest', look.bottom, [0.03 * k, 0.14 * k, 0.01 * k], {
      at: add(J.chest, -0.035 * k, 0.12 * k, front),
      rotate: [0, 0, 0.55],
      small: true,
    })
  } else if (o === 'tangzhuang') {
    // A standing collar, frog buttons down the front and a jacket hem over the hips.
    f.cylinder('neck', look.top, 0.055 * k, 0.058 * k, 0.05 * k, { at: add(J.neck, 0, 0.0, 0) }, 12)
    for (let i = 0; i < 4; i++)
      f.sphere(
        i < 2 ? 'chest' : 'spine',
        look.bottom,
        0.012 * k,
        { at: add(J.spine, 0, (0.2 - i * 0.07) * k, front), small: true },
        5,
      )
    f.cylinder('hips', look.top, 0.13 * w * k, 0.14 * w * k, 0.1 * k, {
      at: add(J.hips, 0, 0.0, 0),
      scale: [1, 1, 0.78],
    })
  } else if (o === 'qipao') {
    // A fitted dress to the knee with a high collar and trim along the side opening.
    f.cylinder(
      'neck',
      look.top,
      0.052 * k,
      0.055 * k,
      0.055 * k,
      { at: add(J.neck, 0, 0.005 * k, 0) },
      12,
    )
    const top = J.hips[1] + 0.02 * k
    const bottom = J.leftLowerLeg[1] - 0.04 * k
    f.cylinder(
      'hips',
      look.top,
      0.125 * w * k,
      0.15 * w * k,
      top - bottom,
      { at: [0, (top + bottom) / 2, 0], scale: [1, 1, 0.8] },
      18,
    )
    f.box('chest', look.bottom, [0.012 * k, 0.16 * k, 0.01 * k], {
      at: add(J.chest, 0.05 * k, 0.1 * k, front * 0.98),
      rotate: [0, 0, -0.9],
      small: true,
    })
  }

  // Hair.
  const hair = look.hairColor
  const capAt = add(headC, 0, 0.012 * k, -0.012 * k)
  if (look.hair === 'buzz') {
    f.cap('head', hair, H * 1.02, 0.48, {
      at: capAt,
      rotate: [-0.35, 0, 0],
      scale: [0.94, 1.05, 1],
    })
  } else {
    f.cap('head', hair, H * 1.07, 0.55, {
      at: capAt,
      rotate: [-0.4, 0, 0],
      scale: [0.94, 1.04, 1.02],
    })
  }
  if (look.hair === 'long') {
    f.box('head', hair, [0.2 * k, 0.3 * k, 0.06 * k], { at: add(headC, 0, -0.12 * k, -0.085 * k) })
  } else if (look.hair === 'bun') {
    f.sphere('head', hair, 0.058 * k, { at: add(headC, 0, 0.1 * k, -0.075 * k) }, 10)
  } else if (look.hair === 'ponytail') {
    f.capsule('head', hair, 0.034 * k, 0.18 * k, {
      at: add(headC, 0, -0.1 * k, -0.13 * k),
      rotate: [0.3, 0, 0],
    })
  }

  // Accessories.
  if (look.accessory === 'hat') {
    // A conical straw hat (斗笠).
    f.cylinder('head', STRAW, 0.02 * k, 0.3 * k, 0.13 * k, { at: add(headC, 0, 0.16 * k, 0) }, 20)
  } else if (look.accessory === 'glasses') {
    for (const s of [1, -1])
      f.torus('head', EYES, 0.03 * k, 0.005 * k, {
        at: add(headC, s * 0.043 * k, 0.01 * k, 0.112 * k),
        small: true,
      })
    f.box('head', EYES, [0.026 * k, 0.006 * k, 0.006 * k], {
      at: add(headC, 0, 0.012 * k, 0.116 * k),
      small: true,
    })
  } else if (look.accessory === 'hairpin') {
    // A hairpin (簪) through the hair with a red bead.
    f.cylinder(
      'head',
      GOLD,
      0.006 * k,
      0.006 * k,
      0.22 * k,
      { at: add(headC, 0, 0.11 * k, -0.06 * k), rotate: [0, 0, 1.25] },
      6,
    )
    f.sphere('head', BEAD, 0.017 * k, { at: add(headC, 0.1 * k, 0.15 * k, -0.06 * k) }, 8)
  }
  return f.build()
}

/** The block head's face, 8×8 pixels on its front: E eye, W white of the eye, M mouth. */
const FACE = [
  '........',
  '........',
  '........',
  '.WE..EW.',
  '........',
  '........',
  '..MMMM..',
  '........',
]

function voxelFigure(look: AvatarLook, L: Layout, detail: Detail): BufferGeometry {
  const J = L.joints
  const k = L.scale
  const w = L.width
  const skin = SKIN_TONES[look.skin]!
  const hair = look.hairColor
  const o = look.outfit
  const f = new FigureBuilder(detail)
  const trousers = o === 'tangzhuang' ? DARK_TROUSERS : o === 'qipao' ? skin : look.bottom
  const forearm = o === 'casual' || o === 'qipao' ? skin : look.top

  // Head: a cube with a pixel face on its front (+z).
  const hs = 0.42 * k
  const headC = add(J.head, 0, hs / 2, 0)
  f.box('head', skin, [hs, hs, hs], { at: headC })
  const px = hs / 8
  FACE.forEach((row, r) => {
    for (let c = 0; c < 8; c++) {
      const ch = row[c]
      if (ch === '.') continue
      const at = add(headC, (c - 3.5) * px, (3.5 - r) * px, hs / 2 + 0.004 * k)
      const bone: BoneName = ch === 'M' ? 'jaw' : 'head'
      // A far figure keeps only the eyes.
      const small = ch !== 'E'
      f.box(bone, ch === 'E' ? EYES : ch === 'W' ? WHITE : MOUTH, [px, px, 0.008 * k], {
        at,
        small,
      })
    }
  })

  // Hair: a slab on top and down the back; styles add to it.
  const top = headC[1] + hs / 2
  const thin = look.hair === 'buzz'
  f.box('head', hair, [hs + 0.02 * k, thin ? 0.04 * k : 0.1 * k, hs + 0.02 * k], {
    at: [0, top - (thin ? 0.015 : 0.04) * k, headC[2]],
  })
  f.box('head', hair, [hs + 0.02 * k, thin ? 0.12 * k : 0.26 * k, 0.05 * k], {
    at: [0, top - (thin ? 0.06 : 0.13) * k, headC[2] - hs / 2 - 0.005 * k],
  })
  if (!thin) {
    for (const s of [1, -1])
      f.box('head', hair, [0.03 * k, 0.16 * k, hs * 0.6], {
        at: add(headC, s * (hs / 2 + 0.005 * k), 0.13 * k, -0.08 * k),
        small: true,
      })
  }
  if (look.hair === 'long') {
    f.box('head', hair, [hs + 0.02 * k, 0.3 * k, 0.05 * k], {
      at: [0, top - 0.4 * k, headC[2] - hs / 2 - 0.005 * k],
    })
  } else if (look.hair === 'bun') {
    f.box('head', hair, [0.15 * k, 0.13 * k, 0.15 * k], {
      at: add(headC, 0, hs / 2 + 0.09 * k, -0.08 * k),
    })
  } else if (look.hair === 'ponytail') {
    f.box('head', hair, [0.1 * k, 0.3 * k, 0.1 * k], {
      at: add(headC, 0, -0.05 * k, -hs / 2 - 0.06 * k),
    })
  }

  // Body: the chest and the belly, each half of the trunk.
  const bw = 0.5 * w * k
  const depth = 0.28 * k
  const trunkTop = J.neck[1]
  const waist = J.hips[1] + 0.3 * k
  f.box('chest', look.top, [bw, trunkTop - waist, depth], { at: [0, (trunkTop + waist) / 2, 0] })
  f.box('spine', look.top, [bw, waist - J.hips[1], depth], { at: [0, (waist + J.hips[1]) / 2, 0] })

  // Arms (T-pose along x): sleeve, forearm, hand.
  for (const side of SIDES) {
    const sh = J[side.upperArm]
    const el = J[side.lowerArm]
    const wr = J[side.hand]
    const s = side.s
    const armBox = (x0: number, x1: number): Vec3 => [Math.abs(x1 - x0), 0.2 * k, 0.22 * k]
    const x0 = sh[0] - s * 0.1 * k
    f.box(side.upperArm, look.top, armBox(x0, el[0]), { at: [(x0 + el[0]) / 2, sh[1], 0] })
    f.box(side.lowerArm, forearm, armBox(el[0], wr[0]), { at: [(el[0] + wr[0]) / 2, sh[1], 0] })
    f.box(side.hand, skin, [0.07 * k, 0.2 * k, 0.22 * k], { at: [wr[0] + s * 0.035 * k, sh[1], 0] })
    if (o === 'hanfu') {
      f.box(side.lowerArm, look.top, [Math.abs(wr[0] - el[0]), 0.3 * k, 0.28 * k], {
        at: [(el[0] + wr[0]) / 2, sh[1] - 0.04 * k, 0],
      })
    }
  }

  // Legs, shoes at the bottom.
  for (const leg of LEGS) {
    const hip = J[leg.upper]
    const knee = J[leg.lower]
    const ankle = J[leg.foot]
    const lw = 0.24 * w * k
    f.box(leg.upper, trousers, [lw, hip[1] - knee[1], 0.25 * k], { at: mid(hip, knee) })
    f.box(leg.lower, trousers, [lw, knee[1] - ankle[1], 0.25 * k], { at: mid(knee, ankle) })
    f.box(leg.foot, SHOES, [lw + 0.01 * k, ankle[1] + 0.0001, 0.27 * k], {
      at: [ankle[0], ankle[1] / 2, 0.01 * k],
    })
  }

  // Outfits.
  const front = depth / 2 + 0.004 * k
  if (o === 'hanfu') {
    f.box('hips', look.top, [bw + 0.02 * k, 0.42 * k, depth + 0.04 * k], {
      at: add(J.hips, 0, -0.19 * k, 0),
    })
    f.box('spine', look.bottom, [bw + 0.01 * k, 0.06 * k, depth + 0.01 * k], {
      at: [0, waist - 0.03 * k, 0],
    })
    for (let i = 0; i < 4; i++)
      f.box('chest', look.bottom, [0.05 * k, 0.05 * k, 0.01 * k], {
        at: [(0.1 - i * 0.05) * k, trunkTop - (0.04 + i * 0.05) * k, front],
        small: true,
      })
  } else if (o === 'tangzhuang') {
    f.box('chest', look.bottom, [0.2 * k, 0.05 * k, depth + 0.01 * k], {
      at: [0, trunkTop - 0.02 * k, 0],
    })
    for (let i = 0; i < 4; i++) {
      const y = trunkTop - (0.1 + i * 0.12) * k
      f.box(y > waist ? 'chest' : 'spine', look.bottom, [0.09 * k, 0.03 * k, 0.01 * k], {
        at: [0, y, front],
        small: true,
      })
    }
  } else if (o === 'qipao') {
    f.box('hips', look.top, [bw + 0.02 * k, 0.4 * k, depth + 0.03 * k], {
      at: add(J.hips, 0, -0.18 * k, 0),
    })
    f.box('chest', look.bottom, [0.16 * k, 0.04 * k, depth + 0.01 * k], {
      at: [0, trunkTop - 0.02 * k, 0],
    })
    f.box('chest', look.bottom, [0.04 * k, 0.2 * k, 0.01 * k], {
      at: [0.08 * k, trunkTop - 0.14 * k, front],
      small: true,
    })
  }

  // Accessories.
  if (look.accessory === 'hat') {
    f.box('head', STRAW, [0.76 * k, 0.05 * k, 0.76 * k], { at: [0, top + 0.04 * k, headC[2]] })
    f.box('head', STRAW, [0.34 * k, 0.12 * k, 0.34 * k], { at: [0, top + 0.12 * k, headC[2]] })
  } else if (look.accessory === 'glasses') {
    f.box('head', EYES, [hs * 0.9, 0.02 * k, 0.01 * k], {
      at: add(headC, 0, 0.68 * px, hs / 2 + 0.012 * k),
      small: true,
    })
    for (const s of [1, -1])
      f.box('head', EYES, [px * 2.4, px * 1.5, 0.006 * k], {
        at: add(headC, s * 2 * px, 0.05 * px, hs / 2 + 0.01 * k),
        small: true,
      })
  } else if (look.accessory === 'hairpin') {
    f.box('head', GOLD, [0.36 * k, 0.025 * k, 0.025 * k], {
      at: add(headC, 0.06 * k, hs / 2 + 0.06 * k, -0.06 * k),
      rotate: [0, 0, 0.4],
    })
    f.box('head', BEAD, [0.05 * k, 0.05 * k, 0.05 * k], {
      at: add(headC, 0.23 * k, hs / 2 + 0.14 * k, -0.06 * k),
    })
  }
  return f.build()
}

const cache = new Map<string, { geometry: BufferGeometry; layout: Layout }>()
/** Distinct looks kept (near and far figures each); an unused old one is dropped and disposed. */
const CACHE_MAX = 64
const users = new Map<BufferGeometry, number>()

function keyOf(style: 'voxel' | 'hd', look: AvatarLook, detail: Detail): string {
  const { vrm: _vrm, ...rest } = look
  return `${style}:${detail}:${JSON.stringify(rest)}`
}

/**
 * The shared geometry and layout for a look at a detail (the far one: fewer segments, no small
 * parts, same bones and layout); release() it when the figure goes.
 */
export function figureFor(
  style: 'voxel' | 'hd',
  look: AvatarLook,
  detail: Detail = 'near',
): { geometry: BufferGeometry; layout: Layout } {
  const key = keyOf(style, look, detail)
  let hit = cache.get(key)
  if (!hit) {
    const layout = layoutFor(style, look)
    const geometry =
      style === 'hd' ? hdFigure(look, layout, detail) : voxelFigure(look, layout, detail)
    hit = { layout, geometry }
    cache.set(key, hit)
    if (cache.size > CACHE_MAX * 2) {
      for (const [k, v] of cache) {
        if (cache.size <= CACHE_MAX * 2) break
        if (!users.get(v.geometry)) {
          cache.delete(k)
          v.geometry.dispose()
        }
      }
    }
  } else {
    // Most recently used last.
    cache.delete(key)
    cache.set(key, hit)
  }
  users.set(hit.geometry, (users.get(hit.geometry) ?? 0) + 1)
  return hit
}

export function releaseFigure(geometry: BufferGeometry): void {
  const n = (users.get(geometry) ?? 1) - 1
  if (n <= 0) users.delete(geometry)
  else users.set(geometry, n)
}
