// One figure's body as a single skinned geometry: every part (a head, a sleeve, a hat) is a
// primitive placed in the T-pose and bound rigidly to one bone, coloured per vertex, so a whole
// figure is one mesh, one material and one draw call however it is dressed.
//
// A far figure (Avatar.tsx swaps to it beyond about 28 m) is built by the same calls at the 'far'
// detail: every round primitive gets about a third of its segments and the parts marked `small`
// (eyes, mouth, buttons, trims, glasses) are left out, so it keeps the figure's colours and
// silhouette with a fraction of the triangles and the same bones.
import {
  BoxGeometry,
  BufferAttribute,
  BufferGeometry,
  CapsuleGeometry,
  ConeGeometry,
  CylinderGeometry,
  Color,
  Euler,
  Matrix4,
  Quaternion,
  SphereGeometry,
  TorusGeometry,
  Vector3,
} from 'three'
import { boneIndex, type BoneName, type Vec3 } from './skeleton'

const m4 = new Matrix4()
const q = new Quaternion()
const e = new Euler()
const s3 = new Vector3()
const p3 = new Vector3()
const colour = new Color()

export interface PartOptions {
  /** Centre of the part in model space. */
  at: Vec3
  /** Rotation (radians, XYZ) applied to the primitive before it is moved to `at`. */
  rotate?: Vec3
  /** Scale applied to the primitive first. */
  scale?: Vec3
  /** A detail too small to see from far away: a far figure leaves it out. */
  small?: boolean
}

/** How much of a figure is built: all of it, or the far figure's simplified body. */
export type Detail = 'near' | 'far'

/** Share of a round primitive's segments a far figure keeps. */
const FAR_SEGMENTS = 0.38

/** Collects parts and writes one indexed geometry with color, skinIndex and skinWeight. */
export class FigureBuilder {
  private positions: number[] = []
  private normals: number[] = []
  private colours: number[] = []
  private bones: number[] = []
  private indices: number[] = []

  constructor(readonly detail: Detail = 'near') {}

  /**
   * `n` segments, or the far figure's share of them (at least `least`), a multiple of 4 where it
   * can be so that vertices stay on ±x and ±z and the far figure's bounds are the near one's.
   */
  private seg(n: number, least: number): number {
    return this.detail === 'far' ? Math.max(least, 4 * Math.round((n * FAR_SEGMENTS) / 4)) : n
  }

  /** Adds `g` (disposed here) bound to `bone`, coloured `hex`. */
  add(g: BufferGeometry, bone: BoneName, hex: string, o: PartOptions): this {
    if (o.small && this.detail === 'far') {
      g.dispose()
      return this
    }
    const [rx, ry, rz] = o.rotate ?? [0, 0, 0]
    const [sx, sy, sz] = o.scale ?? [1, 1, 1]
    m4.compose(
      p3.set(o.at[0], o.at[1], o.at[2]),
      q.setFromEuler(e.set(rx, ry, rz)),
      s3.set(sx, sy, sz),
    )
    g.applyMatrix4(m4)
    const pos = g.attributes.position!
    const nor = g.attributes.normal!
    const base = this.positions.length / 3
    // Color.set reads "#rrggbb" as sRGB into the linear working space vertex colours are in.
    colour.set(hex)
    const b = boneIndex(bone)
    for (let i = 0; i < pos.count; i++) {
      this.positions.push(pos.getX(i), pos.getY(i), pos.getZ(i))
      this.normals.push(nor.getX(i), nor.getY(i), nor.getZ(i))
      this.colours.push(colour.r, colour.g, colour.b)
      this.bones.push(b)
    }
    if (g.index) {
      const idx = g.index
      for (let i = 0; i < idx.count; i++) this.indices.push(base + idx.getX(i))
    } else {
      for (let i = 0; i < pos.count; i++) this.indices.push(base + i)
    }
    g.dispose()
    return this
  }

  box(bone: BoneName, hex: string, size: Vec3, o: PartOptions): this {
    return this.add(new BoxGeometry(size[0], size[1], size[2]), bone, hex, o)
  }

  /** A capsule of `radius` whose straight part is `length`, along y unless rotated. */
  capsule(bone: BoneName, hex: string, radius: number, length: number, o: PartOptions): this {
    return this.add(
      new CapsuleGeometry(radius, length, this.detail === 'far' ? 1 : 3, this.seg(10, 6)),
      bone,
      hex,
      o,
    )
  }

  cylinder(
    bone: BoneName,
    hex: string,
    top: number,
    bottom: number,
    height: number,
    o: PartOptions,
    segments = 14,
  ): this {
    return this.add(
      new CylinderGeometry(top, bottom, height, this.seg(segments, 6), 1, false),
      bone,
      hex,
      o,
    )
  }

  cone(bone: BoneName, hex: string, radius: number, height: number, o: PartOptions): this {
    return this.add(new ConeGeometry(radius, height, this.seg(16, 6), 1, true), bone, hex, o)
  }

  sphere(bone: BoneName, hex: string, radius: number, o: PartOptions, detail = 14): this {
    const around = this.seg(detail, 6)
    return this.add(new SphereGeometry(radius, around, Math.ceil(around * 0.7)), bone, hex, o)
  }

  /** The top part of a sphere, `fraction` of its height (a hair cap, a hat's crown). */
  cap(bone: BoneName, hex: string, radius: number, fraction: number, o: PartOptions): this {
    const g = new SphereGeometry(
      radius,
      this.seg(16, 6),
      this.seg(9, 3),
      0,
      Math.PI * 2,
      0,
      Math.PI * fraction,
    )
    return this.add(g, bone, hex, o)
  }

  torus(bone: BoneName, hex: string, radius: number, tube: number, o: PartOptions): this {
    return this.add(new TorusGeometry(radius, tube, this.seg(6, 3), this.seg(14, 6)), bone, hex, o)
  }

  build(): BufferGeometry {
    const g = new BufferGeometry()
    const n = this.positions.length / 3
    g.setAttribute('position', new BufferAttribute(new Float32Array(this.positions), 3))
    g.setAttribute('normal', new BufferAttribute(new Float32Array(this.normals), 3))
    g.setAttribute('color', new BufferAttribute(new Float32Array(this.colours), 3))
    const skinIndex = new Uint16Array(n * 4)
    const skinWeight = new Float32Array(n * 4)
    for (let i = 0; i < n; i++) {
      skinIndex[i * 4] = this.bones[i]!
      skinWeight[i * 4] = 1
    }
    g.setAttribute('skinIndex', new BufferAttribute(skinIndex, 4))
    g.setAttribute('skinWeight', new BufferAttribute(skinWeight, 4))
    const index = n > 65535 ? new Uint32Array(this.indices) : new Uint16Array(this.indices)
    g.setIndex(new BufferAttribute(index, 1))
    return g
  }
}
