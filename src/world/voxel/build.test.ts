import { describe, expect, it } from 'vitest'
import { runBuild } from './build'
import type { BuildMessage } from './build'
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
