// Fetches and validates a world file, reporting byte progress. Errors become a readable panel
// (file, field, message), never a white screen.
import { parseScene, WorldId, type CatalogEntry, type Scene } from '../protocol/scene'

export class WorldLoadError extends Error {
  constructor(
    readonly key: 'error.notFound' | 'error.network',
    readonly file: string,
    detail: string,
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
  let text: string
  if (res.body && total > 0) {
    const reader = res.body.getReader()
    const parts: Uint8Array[] = []
    let got = 0
    for (;;) {
      const { done, value } = await reader.read()
      if (done) break
      parts.push(value)
      got += value.length
      onProgress(Math.min(1, got / total))
    }
    text = new TextDecoder().decode(concat(parts, got))
  } else {
    text = await res.text()
  }
  onProgress(1)
  return parseScene(text, file)
}

function concat(parts: Uint8Array[], length: number): Uint8Array {
  const out = new Uint8Array(length)
  let o = 0
  for (const p of parts) {
    out.set(p, o)
    o += p.length
  }
  return out
}

export async function loadCatalog(signal?: AbortSignal): Promise<CatalogEntry[]> {
  const res = await fetch('/scenes/index.json', { signal })
  if (!res.ok) throw new Error(`HTTP ${res.status}`)
  return (await res.json()) as CatalogEntry[]
}
