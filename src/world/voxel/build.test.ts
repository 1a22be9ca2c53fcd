import { describe, expect, it } from 'vitest'
import {
  applyChange,
  applyChanges,
  EDIT_CHUNK_SIZE,
  replaceGrid,
  runBuild,
  setPalette,
  storedGrid,
} from './build'
import { encodeGrid } from './codec'
import type { BuildMessage, VoxelChange } from './build'
import { buildGrid } from './generate'
import { sampleWorld } from './fixtures'

describe('runBuild', () => {
  it('reports progress, chunks and a done message with honest stats', () => {
    const world = sampleWorld(128, 48, 128)
    const messages: BuildMessage[] = []
    const transfers: Transferable[][] = []
    runBuild(world, (m, t) => {
      messages.push(m)
      transfers.push(t)
    })
    expect(messages.find((m) => m.type === 'error')).toBeUndefined()
    const progress = messages.filter((m) => m.type === 'progress')
    const chunks = messages.filter((m) => m.type === 'chunk')
    const done = messages.at(-1)
    expect(progress.length).toBeGreaterThanOrEqual(2)
    expect(progress.at(-1)).toMatchObject({ done: 5, total: 5 }) // grid + 4 chunks of 64²
    expect(chunks.length).toBe(4)
    expect(done?.type).toBe('done')
    if (done?.type !== 'done') return

    // Chunk buffers and the grid go out as transferables, not copies.
    const chunkIndex = messages.indexOf(chunks[0]!)
    expect(transfers[chunkIndex]!.length).toBeGreaterThanOrEqual(4)
    expect(transfers.at(-1)).toContain(done.grid.buffer)

    const { stats } = done
    const emitted = chunks.reduce((n, c) => n + (c.type === 'chunk' ? c.triangles : 0), 0)
    expect(stats.greedyTriangles).toBe(emitted)
    expect(stats.greedyTriangles * 5).toBeLessThanOrEqual(stats.naiveTriangles)
    expect(done.dims).toEqual([128, 48, 128])

    const reference = buildGrid(world)
    expect(stats.voxels).toBe(reference.grid.countSolid())
    expect(Buffer.from(done.grid).equals(Buffer.from(reference.grid.data))).toBe(true)
    expect([...done.heightmap]).toEqual([...reference.heightmap])
  })

  it('reports a bad world as an error message instead of throwing', () => {
    const world = sampleWorld(32, 16, 32)
    world.terrain.surface = 'lava'
    const messages: BuildMessage[] = []
    runBuild(world, (m) => messages.push(m))
    expect(messages).toEqual([{ type: 'error', message: 'unknown material "lava"' }])
  })
})

describe('an editable world in the worker', () => {
  it('meshes a stored grid in 32² chunks and, after changes, only the chunks they touched', () => {
    const world = sampleWorld(128, 48, 128)
    const stored = encodeGrid(buildGrid(world).grid)
    const first: BuildMessage[] = []
    const kept = runBuild(world, (m) => first.push(m), undefined, stored, true)!
    expect(kept).not.toBeNull()
    expect(first.filter((m) => m.type === 'chunk').length).toBeLessThanOrEqual(16)
    expect(kept.layout.size).toBe(EDIT_CHUNK_SIZE)
    const done = first.at(-1)!
    // The page gets a copy: the worker keeps its own grid.
    expect(done.type === 'done' && done.grid.buffer !== kept.grid.data.buffer).toBe(true)

    // One block in the middle of chunk (1, 1): that chunk only; one on a border: both sides.
    const out: BuildMessage[] = []
    applyChanges(kept, 1, [{ edit: { from: [40, 46, 40], to: [40, 46, 40], material: 1 } }], (m) =>
      out.push(m),
    )
    const chunks = out.filter((m) => m.type === 'chunk')
    expect(chunks.map((c) => c.type === 'chunk' && [c.cx, c.cz, c.rev])).toEqual([[1, 1, 1]])
    expect(out.at(-1)).toMatchObject({ type: 'remeshed', rev: 1, chunks: 1 })
    out.length = 0
    applyChanges(kept, 2, [{ edit: { from: [63, 46, 40], to: [64, 46, 40], material: 1 } }], (m) =>
      out.push(m),
    )
    expect(out.at(-1)).toMatchObject({ type: 'remeshed', rev: 2, chunks: 2 })
    // A change that does not fit the world changes nothing and meshes nothing.
    out.length = 0
    applyChanges(kept, 3, [{ edit: { from: [0, 0, 0], to: [500, 0, 0], material: 1 } }], (m) =>
      out.push(m),
    )
    expect(out).toEqual([{ type: 'remeshed', rev: 3, ms: expect.any(Number), chunks: 0 }])
    // The same changes on another copy give the same grid (pages and worker agree).
    const page = storedGrid(world, stored)
    applyChange(page, { edit: { from: [40, 46, 40], to: [40, 46, 40], material: 1 } })
    applyChange(page, { edit: { from: [63, 46, 40], to: [64, 46, 40], material: 1 } })
    expect(Buffer.from(page.data).equals(kept.grid.data)).toBe(true)

    // A whole new grid: every chunk again.
    out.length = 0
    replaceGrid(kept, 4, stored, (m) => out.push(m))
    expect(out.filter((m) => m.type === 'chunk').length).toBe(16)
    expect(Buffer.from(kept.grid.data).equals(buildGrid(world).grid.data)).toBe(true)
  })

  it('takes a grown palette: a block of a new colour meshes in that colour', () => {
    const world = sampleWorld(64, 32, 64)
    const kept = runBuild(world, () => {}, undefined, encodeGrid(buildGrid(world).grid), true)!
    const material = world.palette.length + 1
    const block: VoxelChange = { edit: { from: [10, 30, 10], to: [10, 30, 10], material } }
    // Before the palette holds it, the block does not fit: nothing changes.
    const out: BuildMessage[] = []
    applyChanges(kept, 1, [block], (m) => out.push(m))
    expect(out.at(-1)).toMatchObject({ chunks: 0 })
    setPalette(kept, [
      ...world.palette,
      { id: 'c-ff00ff', color: '#ff00ff', solid: true, liquid: false },
    ])
    out.length = 0
    applyChanges(kept, 2, [block], (m) => out.push(m))
    expect(kept.grid.get(10, 30, 10)).toBe(material)
    const chunk = out.find((m) => m.type === 'chunk')
    if (chunk?.type !== 'chunk' || !chunk.opaque) throw new Error('no chunk meshed')
    // Some vertex is magenta-ish (linear bytes, shaded per face): red and blue high, green none.
    const c = chunk.opaque.colors
    let magenta = false
    for (let i = 0; i < c.length; i += 3)
      if (c[i]! > 100 && c[i + 1] === 0 && c[i + 2]! > 100) magenta = true
    expect(magenta).toBe(true)
    // A palette that leaves out a colour the grid holds is refused.
    expect(() => setPalette(kept, world.palette)).toThrow(/in the grid but not the palette/)
  })

  it("refuses a stored grid that is not the world's size", () => {
    const world = sampleWorld(64, 32, 64)
    const other = encodeGrid(buildGrid(sampleWorld(32, 32, 32)).grid)
    const out: BuildMessage[] = []
    expect(runBuild(world, (m) => out.push(m), undefined, other, true)).toBeNull()
    expect(out).toEqual([{ type: 'error', message: expect.stringMatching(/32×32×32/) }])
  })
})
