// Fetches and validates a world file, reporting byte progress. Errors become a readable panel
// (file, field, message), never a white screen.
import { readBody } from '../protocol/body'
import { parseScene, WorldId, type CatalogEntry, type Scene } from '../protocol/scene'

export class WorldLoadError extends Error {
  constructor(
    readonly key: 'error.notFound' | 'error.network',
    readonly file: string,
    detail: string,
    /** Signing in may open it (a draft, for its builders). */
    readonly signIn = false,
  ) {
    super(detail)
  }
}

export async function loadScene(
  id: string,
  onProgress: (fraction: number) => void,
  signal?: AbortSignal,
): Promise<Scene> {
  const file = `scenes/${id}.json`
  if (!WorldId.safeParse(id).success)
    throw new WorldLoadError('error.notFound', file, `"${id}" is not a world id`)
  let res: Response
  try {
    res = await fetch(`/${file}`, { signal })
  } catch (err) {
    if (signal?.aborted) throw err
    throw new WorldLoadError('error.network', file, (err as Error).message)
  }
  if (res.status === 404) throw new WorldLoadError('error.notFound', file, `${file} does not exist`)
  if (!res.ok) throw new WorldLoadError('error.network', file, `HTTP ${res.status}`)
  const total = Number(res.headers.get('content-length')) || 0
  const bytes = await readBody(
    res,
    Infinity,
    total > 0 ? (got) => onProgress(Math.min(1, got / total)) : undefined,
  )
  const text = new TextDecoder().decode(bytes)
  onProgress(1)
  return parseScene(text, file)
}

/** Inflates raw-deflated bytes (a stored grid) with the browser's own decompressor. */
export async function inflateRaw(bytes: Uint8Array): Promise<Uint8Array> {
  const stream = new Blob([bytes as BlobPart])
    .stream()
    .pipeThrough(new DecompressionStream('deflate-raw'))
  return new Uint8Array(await new Response(stream).arrayBuffer())
}

/**
 * A scene file that carries its grid (an exported builder world, `voxel.grid`): the scene
 * without it, and the grid's codec bytes; other scenes as they are, with no grid.
 */
export async function withStoredGrid(
  scene: Scene,
): Promise<{ scene: Scene; voxels: Uint8Array | null }> {
  const grid = scene.voxel?.grid
  if (!grid || !scene.voxel) return { scene, voxels: null }
  const { grid: _grid, ...voxel } = scene.voxel
  const bytes = Uint8Array.from(atob(grid), (c) => c.charCodeAt(0))
  return { scene: { ...scene, voxel }, voxels: await inflateRaw(bytes) }
}

export async function loadCatalog(signal?: AbortSignal): Promise<CatalogEntry[]> {
  const res = await fetch('/scenes/index.json', { signal })
  if (!res.ok) throw new Error(`HTTP ${res.status}`)
  return (await res.json()) as CatalogEntry[]
}
