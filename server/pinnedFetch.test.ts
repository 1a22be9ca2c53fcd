// Metadata reads against real local HTTP servers: loopback refused for a chain that is not local
// and allowed for a local one, redirects to loopback refused, host names resolved once and every
// address checked, the connection made to the checked address.
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { fetchMetadata } from '../src/chain/metadata'
import { isForbiddenAddress, pinnedFetch, type Lookup } from './pinnedFetch'

let server: http.Server
let port: number
let hits = 0

beforeAll(async () => {
  server = http.createServer((req, res) => {
    hits++
    if (req.url === '/ok.json') {
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"name":"ok"}')
    } else if (req.url === '/to-loopback') {
      res.writeHead(302, { location: `http://127.0.0.1:${port}/ok.json` }).end()
    } else if (req.url === '/to-name') {
      res.writeHead(302, { location: `https://rebind.test:${port}/ok.json` }).end()
    } else res.writeHead(404).end()
  })
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok))
  port = (server.address() as AddressInfo).port
})

afterAll(async () => {
  server.closeAllConnections()
  await new Promise((ok) => server.close(ok))
})

/** A resolver that knows only the names it is given, counting every question. */
function lookupOf(names: Record<string, string[]>) {
  const asked: string[] = []
  const lookup: Lookup = async (host) => {
    asked.push(host)
    return (names[host] ?? []).map((address) => ({
      address,
      family: address.includes(':') ? 6 : 4,
    }))
  }
  return { lookup, asked }
}

describe('isForbiddenAddress', () => {
  it('refuses loopback, private, link-local, shared, multicast and unspecified addresses', () => {
    for (const ip of [
      '127.0.0.1',
      '127.1.2.3',
      '0.0.0.0',
      '10.0.0.1',
      '100.64.0.1',
      '169.254.169.254',
      '172.16.0.1',
      '192.168.1.1',
      '224.0.0.1',
      '255.255.255.255',
      '::',
      '::1',
      '::ffff:127.0.0.1',
      '::ffff:7f00:1',
      '::ffff:10.0.0.1',
      '64:ff9b::a9fe:a9fe',
      'fc00::1',
      'fd12:3456::1',
      'fe80::1',
      'fe80::1%eth0',
      'ff02::1',
      'not an address',
    ]) {
      expect(isForbiddenAddress(ip), ip).toBe(true)
    }
    for (const ip of ['93.184.215.14', '8.8.8.8', '2606:4700::1111', '::ffff:8.8.8.8']) {
      expect(isForbiddenAddress(ip), ip).toBe(false)
    }
  })
})

describe('metadata fetched through pinnedFetch', () => {
  const url = () => `http://127.0.0.1:${port}/ok.json`

  it('refuses a loopback server for a chain that is not local, allows it for a local one', async () => {
    const before = hits
    const refused = await fetchMetadata(url(), {
      ipfsGateways: [],
      fetch: pinnedFetch({ allowPrivate: false }),
    })
    expect(refused).toMatchObject({ ok: false, reason: 'metadata_invalid' })
    expect(hits).toBe(before)
    const allowed = await fetchMetadata(url(), {
      ipfsGateways: [],
      local: true,
      fetch: pinnedFetch({ allowPrivate: true }),
    })
    expect(allowed).toMatchObject({ ok: true, json: { name: 'ok' } })
  })

  it('refuses a redirect to loopback from an allowed URL', async () => {
    // The gateway is the operator's own (trusted); where it redirects to is not.
    const gateway = `http://127.0.0.1:${port}/`
    const fetchFn = pinnedFetch({ allowPrivate: false, trustedOrigins: [new URL(gateway).origin] })
    const direct = await fetchMetadata('ipfs://bafyok/x', {
      ipfsGateways: [gateway],
      fetch: async (input, init) => {
        // Route the gateway request to the redirecting path.
        void input
        return fetchFn(`${gateway}to-loopback`, init)
      },
    })
    expect(direct.ok).toBe(false)
    if (!direct.ok) expect(direct.detail).toMatch(/redirect refused/)

    // A redirect to a name that resolves to loopback: refused after one lookup, no connection.
    const { lookup, asked } = lookupOf({ 'rebind.test': ['127.0.0.1'] })
    const viaName = pinnedFetch({
      allowPrivate: false,
      trustedOrigins: [new URL(gateway).origin],
      lookup,
    })
    const before = hits
    const named = await fetchMetadata('ipfs://bafyok/x', {
      ipfsGateways: [gateway],
      fetch: async (input, init) =>
        viaName(String(input).startsWith(gateway) ? `${gateway}to-name` : input, init),
    })
    expect(named).toMatchObject({ ok: false, reason: 'metadata_invalid' })
    expect(asked).toEqual(['rebind.test'])
    expect(hits).toBe(before + 1) // the gateway only
  })

  it('refuses a host name when any of its addresses is loopback or private', async () => {
    for (const addresses of [['127.0.0.1'], ['93.184.215.14', '10.0.0.5'], ['::ffff:127.0.0.1']]) {
      const { lookup, asked } = lookupOf({ 'meta.test': addresses })
      const got = await fetchMetadata('https://meta.test/1.json', {
        ipfsGateways: [],
        fetch: pinnedFetch({ allowPrivate: false, lookup }),
      })
      expect(got, addresses.join()).toMatchObject({ ok: false, reason: 'metadata_invalid' })
      expect(asked).toEqual(['meta.test'])
    }
    // localhost by name is refused before any lookup.
    const { lookup, asked } = lookupOf({})
    const got = await fetchMetadata(`https://localhost:${port}/ok.json`, {
      ipfsGateways: [],
      fetch: pinnedFetch({ allowPrivate: false, lookup }),
    })
    expect(got.ok).toBe(false)
    expect(asked).toEqual([])
  })

  it('connects to the address it resolved and checked, resolving once', async () => {
    // The system resolver does not know pinned.test: only the pinned address can answer.
    const { lookup, asked } = lookupOf({ 'pinned.test': ['127.0.0.1'] })
    const res = await pinnedFetch({ allowPrivate: true, lookup })(
      `http://pinned.test:${port}/ok.json`,
    )
    expect(res.status).toBe(200)
    expect(await res.json()).toEqual({ name: 'ok' })
    expect(asked).toEqual(['pinned.test'])
  })
})
