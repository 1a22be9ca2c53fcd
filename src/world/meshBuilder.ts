// Vertex-coloured geometry built box by box into one mesh (one draw call): the static parts that
// features add to a world (creator spaces' walls and pedestals, stages) are built with it.
import { BufferAttribute, BufferGeometry, Color } from 'three'
import type { V3 } from './boxes'

const scratch = new Color()

/** Growable vertex buffers: positions, normals, linear colours, indices. */
export class MeshBuilder {
  private pos: number[] = []
  private nrm: number[] = []
  private col: number[] = []
  private idx: number[] = []

  get triangles(): number {
    return this.idx.length / 3
  }

  private vertex(x: number, y: number, z: number, nx: number, ny: number, nz: number, c: Color) {
    this.pos.push(x, y, z)
    this.nrm.push(nx, ny, nz)
    this.col.push(c.r, c.g, c.b)
  }

  /** A quad from four corners in counter-clockwise order seen from the front. */
  quad(a: V3, b: V3, c: V3, d: V3, n: V3, color: string) {
    const col = scratch.set(color)
    const i = this.pos.length / 3
    for (const p of [a, b, c, d]) this.vertex(p[0], p[1], p[2], n[0], n[1], n[2], col)
    this.idx.push(i, i + 1, i + 2, i, i + 2, i + 3)
  }

  /** A box turned by rotY about its centre. `skipBottom` leaves out the face no one sees. */
  box(center: V3, size: V3, rotY: number, color: string, skipBottom = true) {
    const [hx, hy, hz] = [size[0] / 2, size[1] / 2, size[2] / 2]
    const c = Math.cos(rotY)
    const s = Math.sin(rotY)
    // Local (x, y, z) to world, as three's rotation.y turns it.
    const w = (x: number, y: number, z: number): V3 => [
      center[0] + x * c + z * s,
      center[1] + y,
      center[2] - x * s + z * c,
    ]
    const n = (x: number, z: number): V3 => [x * c + z * s, 0, -x * s + z * c]
    // +z, -z, +x, -x, +y, -y
    this.quad(w(-hx, -hy, hz), w(hx, -hy, hz), w(hx, hy, hz), w(-hx, hy, hz), n(0, 1), color)
    this.quad(w(hx, -hy, -hz), w(-hx, -hy, -hz), w(-hx, hy, -hz), w(hx, hy, -hz), n(0, -1), color)
    this.quad(w(hx, -hy, hz), w(hx, -hy, -hz), w(hx, hy, -hz), w(hx, hy, hz), n(1, 0), color)
    this.quad(w(-hx, -hy, -hz), w(-hx, -hy, hz), w(-hx, hy, hz), w(-hx, hy, -hz), n(-1, 0), color)
    this.quad(w(-hx, hy, hz), w(hx, hy, hz), w(hx, hy, -hz), w(-hx, hy, -hz), [0, 1, 0], color)
    if (!skipBottom)
      this.quad(
        w(-hx, -hy, -hz),
        w(hx, -hy, -hz),
        w(hx, -hy, hz),
        w(-hx, -hy, hz),
        [0, -1, 0],
        color,
      )
  }

  build(): BufferGeometry {
    const g = new BufferGeometry()
    g.setAttribute('position', new BufferAttribute(new Float32Array(this.pos), 3))
    g.setAttribute('normal', new BufferAttribute(new Float32Array(this.nrm), 3))
    g.setAttribute('color', new BufferAttribute(new Float32Array(this.col), 3))
    const count = this.pos.length / 3
    g.setIndex(
      new BufferAttribute(count > 65535 ? new Uint32Array(this.idx) : new Uint16Array(this.idx), 1),
    )
    g.computeBoundingSphere()
    g.computeBoundingBox()
    return g
  }
}
