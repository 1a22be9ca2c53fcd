// Serves scenes/*.json as data at /scenes/<id>.json plus a catalogue at /scenes/index.json,
// in dev from disk on every request and in the build as emitted files. Worlds stay data, never
// code: hundreds of them cost the first page nothing.
import fs from 'node:fs'
import path from 'node:path'
import type { Plugin } from 'vite'
import { parseScene, type CatalogEntry, type Scene } from '../src/protocol/scene'

const ORDER = { landscape: 0, village: 1, scenic: 2 } as const

/** The world files in a scenes folder (everything but the generated index), sorted. */
export function sceneFileNames(dir: string): string[] {
  return fs
    .readdirSync(dir)
    .filter((name) => name.endsWith('.json') && name !== 'index.json')
    .sort()
}

/** World ids in <root>/scenes. */
export function sceneIds(root = process.cwd()): string[] {
  return sceneFileNames(path.join(root, 'scenes')).map((name) => name.replace(/\.json$/, ''))
}

export function readCatalog(
  root: string,
  strict: boolean,
): { entries: CatalogEntry[]; files: Map<string, string> } {
  const dir = path.join(root, 'scenes')
  const files = new Map<string, string>()
  const scenes: Scene[] = []
  for (const name of sceneFileNames(dir)) {
    const text = fs.readFileSync(path.join(dir, name), 'utf8')
    files.set(name, text)
    try {
      scenes.push(parseScene(text, `scenes/${name}`))
    } catch (err) {
      // The build refuses a broken world; dev still serves it so the app shows its error panel.
      if (strict) throw err
      console.warn(`[scenes] ${(err as Error).message}`)
    }
  }
  const thumbs = path.join(root, 'public', 'assets', 'thumbnails')
  const entries = scenes
    .map((s) => ({
      id: s.id,
      name: s.name,
      summary: s.summary,
      style: s.style,
      kind: s.kind,
      thumbnail: fs.existsSync(path.join(thumbs, `${s.id}.jpg`))
        ? `/assets/thumbnails/${s.id}.jpg`
        : null,
    }))
    .sort((a, b) => ORDER[a.kind] - ORDER[b.kind] || a.id.localeCompare(b.id))
  return { entries, files }
}

export function scenesPlugin(): Plugin {
  let root = process.cwd()
  return {
    name: 'cangqiong-scenes',
    configResolved(config) {
      root = config.root
    },
    configureServer(server) {
      server.middlewares.use((req, res, next) => {
        const url = new URL(req.url ?? '/', 'http://x')
        if (!url.pathname.startsWith('/scenes/')) return next()
        const name = url.pathname.slice('/scenes/'.length)
        const { entries, files } = readCatalog(root, false)
        const body = name === 'index.json' ? JSON.stringify(entries) : files.get(name)
        if (body === undefined) {
          res.statusCode = 404
          res.setHeader('content-type', 'application/json')
          res.end(JSON.stringify({ error: 'not_found', message: `no world file ${name}` }))
          return
        }
        res.setHeader('content-type', 'application/json; charset=utf-8')
        res.setHeader('cache-control', 'no-cache')
        res.end(body)
      })
    },
    generateBundle() {
      const { entries, files } = readCatalog(root, true)
      for (const [name, text] of files) {
        // Minified: whitespace is most of a hand-written scene file.
        this.emitFile({
          type: 'asset',
          fileName: `scenes/${name}`,
          source: JSON.stringify(JSON.parse(text)),
        })
      }
      this.emitFile({
        type: 'asset',
        fileName: 'scenes/index.json',
        source: JSON.stringify(entries),
      })
    },
  }
}
