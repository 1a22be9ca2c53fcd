// When thumbnails are drawn, against a real store (PGlite). The 3D render is the server's headless
// Chromium in the product (server/headless/browser.test.ts, and the builder e2e publishes a world
// and waits for its picture); here it is a function that counts its calls and answers JPEG bytes.
import { getAddress } from 'ethers'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { migratedDatabase, type TestDatabase } from '../db/testEngines'
import { worldMaker } from './maker'
import { BuilderStore } from './store'
import { ThumbnailJobs, type WorldRender } from './thumbnailJobs'

const OWNER = getAddress(`0x${'a'.repeat(40)}`)
const JPEG = Uint8Array.from([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3, 0xff, 0xd9])
const isPng = (b: Uint8Array | null) => b !== null && b[0] === 0x89 && b[1] === 0x50

describe('builder world thumbnails: when they are drawn', () => {
  let opened: TestDatabase
  let store: BuilderStore
  let worldId: string

  beforeAll(async () => {
    opened = await migratedDatabase('pglite', 'thumbnails')
    store = new BuilderStore(opened.db)
  })
  afterAll(() => opened?.close())

  beforeEach(async () => {
    const title = { 'zh-CN': '画村', en: 'Picture Village' }
    let voxels: Uint8Array | undefined
    const world = await store.create(
      OWNER,
      { kind: 'village', region: '浙江', title },
      (id) => {
        const start = worldMaker.fromTemplate('village', id, title)
        voxels = start.voxels
        return start.scene
      },
      () => voxels!,
    )
    worldId = world.worldId
  })

  /** The jobs' clock: waits are decided on it (a loaded machine cannot make one run out). */
  let clock = 0
  function jobs(render: WorldRender | null, every = { renderEveryMs: 60_000, mapEveryMs: 60_000 }) {
    return new ThumbnailJobs({ store: () => store, render, ...every, now: () => clock })
  }

  it('publishing draws the map at once; the render replaces it when done', async () => {
    const calls: string[] = []
    let finish!: () => void
    const rendered = new Promise<void>((resolve) => (finish = resolve))
    const j = jobs(async (id) => {
      calls.push(id)
      await rendered
      return JPEG
    })
    await store.setPublished(worldId, OWNER, true)
    await j.published(worldId)
    expect(isPng(await store.thumbnail(worldId, null))).toBe(true)
    finish()
    await j.settled()
    expect(calls).toEqual([worldId])
    expect(await store.thumbnail(worldId, null)).toEqual(JPEG)
  })

  it('a render that fails leaves the map; a world unpublished meanwhile keeps no picture', async () => {
    await store.setPublished(worldId, OWNER, true)
    const failing = jobs(() => Promise.reject(new Error('the page could not load the world')))
    await failing.published(worldId)
    await failing.settled()
    expect(isPng(await store.thumbnail(worldId, OWNER))).toBe(true)

    const unpublishing = jobs(async (id) => {
      await store.setPublished(id, OWNER, false)
      return JPEG
    })
    await unpublishing.published(worldId)
    await unpublishing.settled()
    expect(isPng(await store.thumbnail(worldId, OWNER))).toBe(true)
    // A draft is never rendered at all.
    let asked = 0
    const draft = jobs(() => {
      asked++
      return Promise.resolve(JPEG)
    })
    draft.saved(worldId)
    await draft.settled()
    expect(asked).toBe(0)
  })

  /** A published world and jobs that render it every 300 ms at most, counting the renders. */
  async function counted() {
    await store.setPublished(worldId, OWNER, true)
    let n = 0
    const render = () => {
      n++
      return Promise.resolve(JPEG)
    }
    clock = 1_000
    return { j: jobs(render, { renderEveryMs: 300, mapEveryMs: 300 }), renders: () => n }
  }

  it('saves render again at most so often, the last save always drawn', async () => {
    const { j, renders } = await counted()
    await j.published(worldId)
    await j.settled()
    expect(renders()).toBe(1)
    // Published again and five saves in the wait: one render once it is over, none before.
    clock = 1_100
    await j.published(worldId)
    for (let i = 0; i < 5; i++) j.saved(worldId)
    await j.settled()
    expect(renders()).toBe(1)
    await expect.poll(renders, { timeout: 5_000 }).toBe(2)
    await new Promise((resolve) => setTimeout(resolve, 600))
    expect(renders()).toBe(2)
    // A save after the wait renders at once.
    clock = 5_000
    j.saved(worldId)
    await j.settled()
    expect(renders()).toBe(3)
    j.stop()
  })

  it('stopped, a render waiting for its turn is dropped', async () => {
    const { j, renders } = await counted()
    await j.published(worldId)
    j.saved(worldId) // in the wait: a timer
    j.stop()
    await j.settled()
    await new Promise((resolve) => setTimeout(resolve, 600))
    expect(renders()).toBe(1)
  })

  it('without a browser, saves draw the map, at most so often', async () => {
    await store.setPublished(worldId, OWNER, true)
    clock = 1_000
    const j = jobs(null, { renderEveryMs: 60_000, mapEveryMs: 60_000 })
    expect(j.renders).toBe(false)
    await opened.db.query('update builder_worlds set thumbnail = null where world_id = $1', [
      worldId,
    ])
    j.saved(worldId)
    await j.settled()
    expect(isPng(await store.thumbnail(worldId, null))).toBe(true)
    await opened.db.query('update builder_worlds set thumbnail = null where world_id = $1', [
      worldId,
    ])
    j.saved(worldId)
    await j.settled()
    expect(await store.thumbnail(worldId, null)).toBeNull()
    j.stop()
  })
})
