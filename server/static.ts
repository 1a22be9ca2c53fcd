// Serves the built client from dist/: hashed assets cached for a year, index.html never,
// unknown paths fall back to index.html so deep links like /?world=x and /w/x work.
import fs from 'node:fs'
import path from 'node:path'
import type { IncomingMessage, ServerResponse } from 'node:http'

export const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.webp': 'image/webp',
  '.svg': 'image/svg+xml',
  '.ico': 'image/x-icon',
  '.glb': 'model/gltf-binary',
  '.gltf': 'model/gltf+json',
  // A VRM avatar is a GLB.
  '.vrm': 'model/gltf-binary',
  '.wasm': 'application/wasm',
  '.mp4': 'video/mp4',
  '.webm': 'video/webm',
  '.ogg': 'audio/ogg',
  '.mp3': 'audio/mpeg',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
}

export function staticHandler(root: string) {
  const rootAbs = path.resolve(root)
  const index = path.join(rootAbs, 'index.html')
  if (!fs.existsSync(index)) {
    throw new Error(`CLIENT=dist but ${index} does not exist: run "npm run build" first`)
  }
  return (req: IncomingMessage, res: ServerResponse) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD' }).end()
      return
    }
    let pathname: string
    try {
      pathname = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname)
    } catch {
      res.writeHead(400, { 'content-type': 'text/plain' }).end('bad path')
      return
    }
    let file = path.resolve(rootAbs, '.' + pathname)
    // Never leave the root, whatever "..", "%2e%2e" or NUL tricks the path holds: a decoded path
    // that points outside it or holds a NUL is malformed, not a client route.
    if ((!file.startsWith(rootAbs + path.sep) && file !== rootAbs) || pathname.includes('\0')) {
      res.writeHead(400, { 'content-type': 'text/plain' }).end('bad path')
      return
    }
    let stat: fs.Stats | undefined
    try {
      stat = fs.statSync(file)
      if (stat.isDirectory()) {
        file = path.join(file, 'index.html')
        stat = fs.statSync(file)
      }
    } catch {
      stat = undefined
    }
    if (!stat) {
      // Missing assets and world files are real 404s; anything else is a client route.
      if (pathname.startsWith('/assets/') || pathname.startsWith('/scenes/')) {
        res.writeHead(404, { 'content-type': 'text/plain' }).end('not found')
        return
      }
      file = index
      try {
        stat = fs.statSync(file)
      } catch {
        // dist/ is being rebuilt (vite empties it first): a moment later it is back.
        res
          .writeHead(503, { 'content-type': 'text/plain', 'retry-after': '2' })
          .end('the client is being rebuilt: try again in a moment')
        return
      }
    }
    const ext = path.extname(file).toLowerCase()
    const immutable = pathname.startsWith('/assets/') && file !== index
    const headers = {
      'content-type': TYPES[ext] ?? 'application/octet-stream',
      'cache-control': immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
      'x-content-type-options': 'nosniff',
      'accept-ranges': 'bytes',
    }
    // One byte range (video players seek with these: a stage screen jumps to the host's
    // position without downloading the file from the start). Several ranges get the whole file.
    const range = byteRange(req.headers.range, stat.size)
    if (range === 'unsatisfiable') {
      res.writeHead(416, { ...headers, 'content-range': `bytes */${stat.size}` }).end()
      return
    }
    if (range) {
      res.writeHead(206, {
        ...headers,
        'content-length': range.end - range.start + 1,
        'content-range': `bytes ${range.start}-${range.end}/${stat.size}`,
      })
    } else res.writeHead(200, { ...headers, 'content-length': stat.size })
    if (req.method === 'HEAD') {
      res.end()
      return
    }
    // A file removed between stat and read (a rebuild) ends this response, not the server.
    fs.createReadStream(file, range ?? undefined)
      .on('error', () => res.destroy())
      .pipe(res)
  }
}

/** A single `bytes=` range of a file of `size` bytes (inclusive ends), or null for the whole. */
export function byteRange(
  header: string | undefined,
  size: number,
): { start: number; end: number } | 'unsatisfiable' | null {
  const m = /^bytes=(\d*)-(\d*)$/.exec(header?.trim() ?? '')
  if (!m || (m[1] === '' && m[2] === '')) return null
  let start: number
  let end: number
  if (m[1] === '') {
    // The last N bytes.
    const n = Number(m[2])
    if (n === 0) return 'unsatisfiable'
    start = Math.max(0, size - n)
    end = size - 1
  } else {
    start = Number(m[1])
    end = m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1)
  }
  if (!Number.isSafeInteger(start) || !Number.isSafeInteger(end)) return null
  if (start >= size || start > end) return 'unsatisfiable'
  return { start, end }
}
