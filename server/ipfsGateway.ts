// A read-only IPFS-style gateway for the local chain's demo content: `/ipfs/<cid>/<path>` is
// served from `<root>/<cid>/<path>`. It lets `ipfs://` metadata URIs work with no IPFS node and
// no internet (IPFS_GATEWAYS names it in the embedded default). The content ids are the demo
// seed's own content hashes, not real IPFS CIDs; a production set-up names public gateways.
//
// Everything here is untrusted token content: SVGs go out with a CSP that forbids scripts even
// when opened directly, and nothing is ever sniffed into another type.
import fs from 'node:fs'
import path from 'node:path'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { TYPES } from './static'

const SAFE_SEGMENT = /^[A-Za-z0-9._-]+$/

export function ipfsGateway(root: string) {
  const rootAbs = path.resolve(root)
  return (req: IncomingMessage, res: ServerResponse) => {
    const notFound = () => res.writeHead(404, { 'content-type': 'text/plain' }).end('not found')
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD' }).end()
      return
    }
    let pathname: string
    try {
      // An absolute-form target with a bad host or port throws here; broken %-encoding is a 400
      // as on every other route.
      pathname = new URL(req.url ?? '/', 'http://x').pathname
      decodeURIComponent(pathname)
    } catch {
      res.writeHead(400, { 'content-type': 'text/plain' }).end('bad path')
      return
    }
    // Names are never decoded: a '%' is not in SAFE_SEGMENT, so '%2f' and '%5c' stay out.
    const [, prefix, ...segments] = pathname.split('/') // '', 'ipfs', cid, ...path
    if (
      prefix !== 'ipfs' ||
      segments.length < 2 ||
      !segments.every((s) => SAFE_SEGMENT.test(s) && !/^\.+$/.test(s))
    ) {
      notFound()
      return
    }
    const file = path.join(rootAbs, ...segments)
    let stat: fs.Stats
    try {
      stat = fs.statSync(file)
    } catch {
      notFound()
      return
    }
    if (!stat.isFile()) {
      notFound()
      return
    }
    res.writeHead(200, {
      'content-type': TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream',
      'content-length': stat.size,
      // Content-addressed: the same path always holds the same bytes.
      'cache-control': 'public, max-age=31536000, immutable',
      'x-content-type-options': 'nosniff',
      'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; sandbox",
      'access-control-allow-origin': '*',
    })
    if (req.method === 'HEAD') res.end()
    // A file removed between stat and read ends this response, not the server.
    else
      fs.createReadStream(file)
        .on('error', () => res.destroy())
        .pipe(res)
  }
}
