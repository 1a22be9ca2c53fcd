// Builder worlds (ids `bw-…`) load from the server's API, not from scene files: the scene, then
// the stored grid (raw-deflated codec bytes). A draft needs the owner's or a builder's sign-in,
// so the wallet's token goes with both requests.
import { readBody } from '../protocol/body'
import { parseScene } from '../protocol/scene'
import type { WorldSource } from '../world/extensions'
import { inflateRaw, WorldLoadError } from '../world/loadScene'
import { resumeSession } from '../wallet/resume'
import { useWallet } from '../wallet/store'

export const isBuilderWorld = (id: string) => /^bw-[0-9a-f]{12}$/.test(id)

/** Largest grid download (deflated): the server stores at most 2 MB. */
const MAX_GRID_BYTES = 2 * 1024 * 1024

/** How long a load waits for the tab's stored session to resume (src/wallet/resume.ts). */
const RESUME_WAIT_MS = 10_000

async function get(url: string, signal: AbortSignal): Promise<Response> {
  const token = useWallet.getState().session?.token
  let res: Response
  try {
    res = await fetch(url, {
      signal,
      headers: token ? { authorization: `Bearer ${token}` } : {},
    })
  } catch (err) {
    if (signal.aborted) throw err
    throw new WorldLoadError('error.network', url, (err as Error).message)
  }
  if (res.status === 404)
    throw new WorldLoadError(
      'error.notFound',
      url,
      token
        ? 'no such world, or it is a draft you do not build'
        : 'no such world, or it is a draft: sign in as one of its builders',
      !token,
    )
  if (!res.ok) throw new WorldLoadError('error.network', url, `HTTP ${res.status}`)
  return res
}

export function builderSource(id: string): WorldSource | null {
  if (!isBuilderWorld(id)) return null
  return {
    async load(onProgress, signal) {
      const base = `/api/builder/worlds/${id}`
      // A reloaded tab's sign-in comes back first: a draft opens only for its builders.
      let waited: ReturnType<typeof setTimeout> | undefined
      await Promise.race([
        resumeSession(),
        new Promise<void>((done) => (waited = setTimeout(done, RESUME_WAIT_MS))),
      ])
      clearTimeout(waited)
      const sceneRes = await get(`${base}/scene`, signal)
      const scene = parseScene(await sceneRes.json(), `world ${id}`)
      onProgress(0.4)
      const gridRes = await get(`${base}/voxels`, signal)
      const deflated = await readBody(gridRes, MAX_GRID_BYTES)
      onProgress(1)
      return { scene, voxels: await inflateRaw(deflated) }
    },
  }
}
