// Verified collectibles end to end on the server, against a real anvil with the demo collections
// (the embedded default `npm start` runs): holdings of each standard through the HTTP API, the
// copycat unverified, ERC-721 and ERC-1155 transfers dropping both sides' listings, the watcher
// catching up after an RPC outage, hostile metadata, sign-in, RPC down.
import fs from 'node:fs'
import http from 'node:http'
import net, { type AddressInfo } from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { Contract, JsonRpcProvider, NonceManager, Wallet } from 'ethers'
import { EvmAdapter } from '../src/chain/evm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { parseTrustRegistry } from '../src/chain/registry'
import { buildSiweMessage } from '../src/chain/siwe'
import { ChainUnavailableError, type Collectible } from '../src/chain/types'
import { startServer, type RunningServer } from './app'
import type { ChainServices } from './chain'
import { CollectibleService, type CollectiblesResponse } from './collectibles'
import { testConfig } from './testConfig'
import { freshPgliteDir } from './db/testPglite'
import { captureLogs } from './log'
import { SEED_PLAN, devWallets, mined, type DevAccounts } from './devchain'

let tmp: string
let server: RunningServer
let services: ChainServices
let rpcUrl: string
let accounts: DevAccounts
let deployment: { pixels: string; landmarks: string; souvenirs: string; copycat: string }

beforeAll(async () => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cq-collectibles-'))
  // An initialised empty database, copied (PGlite's initdb in a new folder took about 4 s).
  await freshPgliteDir(tmp)
  server = await startServer(
    testConfig({
      PORT: '0',
      CLIENT: 'none',
      DATA_DIR: tmp,
      ANVIL_PORT: '0',
      CHAIN_POLL_MS: '200',
    }),
  )
  services = await server.chain
  const registry = JSON.parse(fs.readFileSync(path.join(tmp, 'chain/trust-registry.json'), 'utf8'))
  rpcUrl = registry.chains[0].rpcUrls[0]
  const deployed = JSON.parse(fs.readFileSync(path.join(tmp, 'chain/deployment.json'), 'utf8'))
  deployment = deployed
  const [issuer, visitor, friend] = devWallets().map((w) => w.address)
  accounts = { issuer: issuer!, visitor: visitor!, friend: friend! }
}, 300_000)

afterAll(async () => {
  await server?.stop()
  fs.rmSync(tmp, { recursive: true, force: true })
})

/** Like a browser tab: on 429 it waits the Retry-After it was given (the listing route allows
 * 20 at once, then 2 a second, per client, and every request of this file comes from 127.0.0.1). */
async function api(route: string, init?: RequestInit) {
  for (let attempt = 1; ; attempt++) {
    const res = await fetch(new URL(route, server.url), init)
    const body = (await res.json()) as Record<string, unknown>
    if (res.status !== 429 || attempt === 4) return { status: res.status, body }
    await new Promise((r) => setTimeout(r, Number(res.headers.get('retry-after') ?? 5) * 1000))
  }
}

async function holdings(address: string): Promise<CollectiblesResponse> {
  const { status, body } = await api(`/api/collectibles/${address}`)
  expect(status, JSON.stringify(body)).toBe(200)
  return body as unknown as CollectiblesResponse
}

const of = (items: Collectible[], contract: string) =>
  items.filter((i) => i.contract.toLowerCase() === contract.toLowerCase())

async function until<T>(read: () => Promise<T>, ok: (v: T) => boolean, ms = 30_000): Promise<T> {
  const end = Date.now() + ms
  for (;;) {
    const v = await read()
    if (ok(v)) return v
    if (Date.now() > end)
      throw new Error(`timed out; last value ${JSON.stringify(v).slice(0, 500)}`)
    // Slower than the route's 2 a second, so polling never runs into its limit.
    await new Promise((r) => setTimeout(r, 600))
  }
}

function signer(index: number) {
  const provider = new JsonRpcProvider(rpcUrl, 31337, { staticNetwork: true })
  return new NonceManager(new Wallet(devWallets()[index]!.privateKey, provider))
}

describe('collectibles API on the local chain', () => {
  it('lists and verifies the holdings of each standard, with the copycat unverified', async () => {
    const r = await holdings(accounts.visitor)
    expect(r.address).toBe(accounts.visitor)
    expect(r.chains).toEqual([expect.objectContaining({ chainId: 31337, local: true })])

    const pixels = of(r.items, deployment.pixels)
    expect(pixels.map((p) => p.tokenId).sort()).toEqual(SEED_PLAN.visitor.pixels.map(String))
    const landmarks = of(r.items, deployment.landmarks)
    expect(landmarks.map((p) => p.tokenId).sort()).toEqual(SEED_PLAN.visitor.landmarks.map(String))
    const souvenirs = of(r.items, deployment.souvenirs)
    expect(souvenirs.map((s) => [s.tokenId, s.balance]).sort()).toEqual(
      SEED_PLAN.visitor.souvenirs.ids.map((id, i) => [
        String(id),
        String(SEED_PLAN.visitor.souvenirs.amounts[i]),
      ]),
    )
    for (const item of [...pixels, ...landmarks, ...souvenirs]) {
      expect(item, `${item.contract} #${item.tokenId}`).toMatchObject({
        verified: true,
        reasons: [],
        checkedAtBlock: r.block,
      })
      expect(item.name.length).toBeGreaterThan(0)
      expect(item.image).toMatch(
        /^(data:image\/svg\+xml;base64,|http:\/\/127\.0\.0\.1:\d+\/ipfs\/)/,
      )
      expect(item.issuer?.en).toBeTruthy()
    }
    expect(pixels.every((p) => p.metadataPinned)).toBe(true)
    // The souvenir images come through this server's local gateway.
    const image = await fetch(souvenirs[0]!.image!)
    expect(image.headers.get('content-type')).toBe('image/svg+xml')
    expect(image.headers.get('content-security-policy')).toContain("default-src 'none'")

    // Two landmarks come with a 3D model, served by the same local gateway: a GLB, and a VRM
    // avatar its owner may wear (`avatar`); the others have none.
    const withModel = r.items.filter((i) => i.model !== null)
    expect(withModel.map((i) => [i.contract, i.tokenId, i.avatar])).toEqual([
      [deployment.landmarks, '5', false],
      [deployment.landmarks, '6', true],
    ])
    expect(r.items.filter((i) => i.avatar)).toHaveLength(1)
    expect(withModel[1]!.model).toMatch(
      /^http:\/\/127\.0\.0\.1:\d+\/ipfs\/bafy[a-z2-7]+\/lantern-keeper\.vrm$/,
    )
    expect(withModel[1]).toMatchObject({ verified: true, metadataPinned: true })
    expect((await fetch(withModel[1]!.model!)).headers.get('content-type')).toBe(
      'model/gltf-binary',
    )
    expect(withModel[0]).toMatchObject({ verified: true, metadataPinned: true })
    expect(withModel[0]!.model).toMatch(
      /^http:\/\/127\.0\.0\.1:\d+\/ipfs\/bafy[a-z2-7]+\/lantern-pagoda\.glb$/,
    )
    const model = await fetch(withModel[0]!.model!)
    expect(model.headers.get('content-type')).toBe('model/gltf-binary')
    expect(model.headers.get('access-control-allow-origin')).toBe('*')
    const bytes = new Uint8Array(await model.arrayBuffer())
    expect(new TextDecoder().decode(bytes.subarray(0, 4))).toBe('glTF')

    const copies = of(r.items, deployment.copycat)
    expect(copies).toHaveLength(SEED_PLAN.visitor.copycat.length)
    for (const c of copies) {
      expect(c.verified).toBe(false)
      expect(c.reasons).toContain('issuer_not_allowlisted')
      expect(c.issuer).toBeNull()
    }
  })

  it('flips verification when a token changes hands', async () => {
    const before = await holdings(accounts.friend)
    const tokenId = SEED_PLAN.visitor.pixels[0]!
    expect(of(before.items, deployment.pixels).some((p) => p.tokenId === String(tokenId))).toBe(
      false,
    )
    const token = { chainId: 31337, contract: deployment.pixels, tokenId: String(tokenId) }
    const held = await services.collectibles.verify(accounts.visitor, token)
    expect(held).toMatchObject({ verified: true, standard: 'erc721', balance: '1' })
    const pixels = new Contract(
      deployment.pixels,
      ['function transferFrom(address from, address to, uint256 tokenId)'],
      signer(1),
    )
    const tx = await pixels.getFunction('transferFrom')(accounts.visitor, accounts.friend, tokenId)
    await mined(tx)
    // The watcher sees the Transfer and drops both cached listings.
    const after = await until(
      () => holdings(accounts.friend),
      (r) => of(r.items, deployment.pixels).some((p) => p.tokenId === String(tokenId)),
    )
    const moved = of(after.items, deployment.pixels).find((p) => p.tokenId === String(tokenId))!
    expect(moved.verified).toBe(true)
    expect(moved.checkedAtBlock).toBeGreaterThan(before.block)
    // A fresh check at the latest block follows the token at once, cache or not.
    const gone = await services.collectibles.verify(accounts.visitor, token)
    expect(gone).toMatchObject({ verified: false, reasons: ['not_owner'] })
    expect(gone.checkedAtBlock).toBeGreaterThan(held.checkedAtBlock)
    expect((await services.collectibles.verify(accounts.friend, token)).verified).toBe(true)
    const copy = { chainId: 31337, contract: deployment.copycat, tokenId: '1' }
    expect((await services.collectibles.verify(accounts.visitor, copy)).reasons).toEqual([
      'issuer_not_allowlisted',
    ])
    const elsewhere = await services.collectibles.verify(accounts.visitor, { ...token, chainId: 1 })
    expect(elsewhere.reasons).toContain('chain_not_trusted')
    const visitor = await holdings(accounts.visitor)
    expect(of(visitor.items, deployment.pixels).some((p) => p.tokenId === String(tokenId))).toBe(
      false,
    )
    // The token's history through the API: issued to the visitor, then to the friend.
    const history = await api(`/api/collectibles/31337/${deployment.pixels}/${tokenId}/history`)
    expect(history.status).toBe(200)
    const moves = history.body.transfers as { from: string; to: string; block: number }[]
    expect(moves.map((m) => m.to)).toEqual([
      accounts.visitor.toLowerCase(),
      accounts.friend.toLowerCase(),
    ])
    expect(moves[1]!.block).toBeGreaterThan(before.block)
    expect((await api(`/api/collectibles/31337/${deployment.copycat}/1/history`)).status).toBe(404)
    // The listing carries the issuer's rules for giving it on.
    expect(moved.circulation).toEqual({
      transferable: true,
      minHoldingDays: 0,
      recipients: 'signed-in',
    })
  })

  it("drops both sides' listings on ERC-1155 TransferSingle and TransferBatch", async () => {
    const ids = SEED_PLAN.visitor.souvenirs.ids
    // What a listing says each souvenir id's balance is ('0': not listed).
    const balances = (r: CollectiblesResponse) =>
      ids.map((id) => of(r.items, deployment.souvenirs).find((s) => s.tokenId === String(id)))
    const amounts = (r: CollectiblesResponse) => balances(r).map((s) => s?.balance ?? '0')
    // Both listings are cached now: only the watcher can make them current before they expire.
    expect(amounts(await holdings(accounts.visitor))).toEqual(['1', '2', '5', '1'])
    expect(amounts(await holdings(accounts.friend))).toEqual(['1', '0', '0', '0'])
    const souvenirs = new Contract(
      deployment.souvenirs,
      [
        'function safeTransferFrom(address from, address to, uint256 id, uint256 value, bytes data)',
        'function safeBatchTransferFrom(address from, address to, uint256[] ids, uint256[] values, bytes data)',
      ],
      signer(1),
    )
    const move = async (fn: string, ...args: unknown[]) =>
      mined(await souvenirs.getFunction(fn)(accounts.visitor, accounts.friend, ...args, '0x'))

    // TransferSingle: 2 of the visitor's 5 of id 3.
    await move('safeTransferFrom', 3, 2)
    const holds = (want: string[]) => (r: CollectiblesResponse) =>
      JSON.stringify(amounts(r)) === JSON.stringify(want)
    await until(() => holdings(accounts.friend), holds(['1', '0', '2', '0']), 90_000)
    await until(() => holdings(accounts.visitor), holds(['1', '2', '3', '1']), 90_000)

    // TransferBatch: 1 of id 2 and the visitor's only id 4.
    await move('safeBatchTransferFrom', [2, 4], [1, 1])
    const friend = await until(() => holdings(accounts.friend), holds(['1', '1', '2', '1']), 90_000)
    await until(() => holdings(accounts.visitor), holds(['1', '1', '3', '0']), 90_000)
    for (const s of balances(friend)) expect(s).toMatchObject({ verified: true, reasons: [] })
  }, 240_000)

  it('shows a token with hostile metadata as unverified text, without its script', async () => {
    const hostile = [
      'javascript:alert(1)',
      'data:application/json,' +
        encodeURIComponent(
          JSON.stringify({
            name: '<img src=x onerror=alert(1)>Free \u202egift',
            description: 'x'.repeat(10_000),
            image: 'javascript:alert(1)',
          }),
        ),
      'data:application/json;base64,' +
        Buffer.from(
          JSON.stringify({
            name: 'svg',
            image:
              'data:image/svg+xml;base64,' +
              Buffer.from(
                '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
              ).toString('base64'),
          }),
        ).toString('base64'),
      'data:application/json,{not json',
    ]
    const copycat = new Contract(
      deployment.copycat,
      ['function mint(address to, string uri) returns (uint256)'],
      signer(0),
    )
    for (const uri of hostile) await mined(await copycat.getFunction('mint')(accounts.friend, uri))
    services.collectibles.invalidate(accounts.friend)
    const r = await holdings(accounts.friend)
    const copies = of(r.items, deployment.copycat)
    expect(copies).toHaveLength(hostile.length)
    for (const c of copies) expect(c.verified).toBe(false)
    const [js, html, svg, broken] = copies.sort((a, b) => Number(a.tokenId) - Number(b.tokenId))
    // A javascript: URI is refused outright: no request is made.
    expect(js!.reasons).toContain('metadata_invalid')
    expect(js!.image).toBeNull()
    expect(html!.name).toBe('<img src=x onerror=alert(1)>Free gift')
    expect(html!.description.length).toBeLessThanOrEqual(2000)
    expect(html!.image).toBeNull()
    // SVG stays an image URL (shown through <img>, which runs no script), never markup.
    expect(svg!.image).toMatch(/^data:image\/svg\+xml;base64,/)
    expect(broken!.reasons).toContain('metadata_invalid')
  })

  it('refuses a malformed address', async () => {
    const { status, body } = await api('/api/collectibles/0x1234')
    expect(status).toBe(400)
    expect(body.error).toBe('bad_address')
  })
})

describe('sign-in with Ethereum', () => {
  async function message(address: string, nonce?: string) {
    const chain = (await api('/api/chain')).body as {
      siwe: { domain: string; uri: string; chainId: number; statement: string }
    }
    const n = nonce ?? ((await api('/api/auth/nonce', { method: 'POST' })).body.nonce as string)
    return buildSiweMessage({
      domain: chain.siwe.domain,
      address,
      statement: chain.siwe.statement,
      uri: chain.siwe.uri,
      version: '1',
      chainId: chain.siwe.chainId,
      nonce: n,
      issuedAt: new Date().toISOString(),
    })
  }
  const verify = (body: unknown) =>
    api('/api/auth/verify', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    })

  it('opens a session bound to the address that signed, once per nonce', async () => {
    const wallet = devWallets()[1]!
    const text = await message(wallet.address)
    const signature = await wallet.signMessage(text)
    const ok = await verify({ message: text, signature })
    expect(ok.status).toBe(200)
    expect(ok.body.address).toBe(wallet.address)
    const session = await api('/api/auth/session', {
      headers: { authorization: `Bearer ${ok.body.token as string}` },
    })
    expect(session.body.address).toBe(wallet.address)

    const replay = await verify({ message: text, signature })
    expect(replay.status).toBe(401)
    expect(replay.body.error).toBe('nonce_used')

    await api('/api/auth/logout', {
      method: 'POST',
      headers: { authorization: `Bearer ${ok.body.token as string}` },
    })
    const gone = await api('/api/auth/session', {
      headers: { authorization: `Bearer ${ok.body.token as string}` },
    })
    expect(gone.status).toBe(401)
  })

  it('rejects a signature by another wallet, a foreign nonce, a wrong domain and junk', async () => {
    const [, visitor, friend] = devWallets()
    const text = await message(visitor!.address)
    const forged = await verify({ message: text, signature: await friend!.signMessage(text) })
    expect(forged.body.error).toBe('bad_signature')

    const invented = await message(visitor!.address, 'abcdefgh12345678')
    const unknown = await verify({
      message: invented,
      signature: await visitor!.signMessage(invented),
    })
    expect(unknown.body.error).toBe('unknown_nonce')

    const other = (await message(visitor!.address)).replace(/^\S+/, 'evil.example')
    const phished = await verify({ message: other, signature: await visitor!.signMessage(other) })
    expect(phished.body.error).toBe('wrong_domain')

    expect((await verify({ message: 'hello', signature: '0x00' })).body.error).toBe('bad_message')
    const junk = await api('/api/auth/verify', { method: 'POST', body: 'not json' })
    expect(junk.status).toBe(400)
  })
})

describe('chain down', () => {
  it('reports an unreachable RPC as an error with a retry, not as an empty wallet', async () => {
    const registry = parseTrustRegistry(
      JSON.parse(
        fs
          .readFileSync(path.join(tmp, 'chain/trust-registry.json'), 'utf8')
          .replace(/http:\/\/127\.0\.0\.1:\d+/g, 'http://127.0.0.1:9'),
      ),
      'down.json',
    )
    const service = new CollectibleService(registry, { ipfsGateways: [], pollMs: 0 })
    try {
      await expect(service.list(accounts.visitor)).rejects.toBeInstanceOf(ChainUnavailableError)
      await expect(service.list(accounts.visitor)).rejects.toThrow(/unreachable/)
    } finally {
      service.stop()
    }
  })
})

describe('transfer watcher', () => {
  it('drops listings cached before its first poll when a transfer was mined in between', async () => {
    const service = unwatchedService()
    try {
      const tokenId = String(SEED_PLAN.visitor.pixels[1])
      const has = (r: CollectiblesResponse) =>
        of(r.items, deployment.pixels).some((p) => p.tokenId === tokenId)
      expect(has(await service.list(accounts.visitor))).toBe(true)
      expect(has(await service.list(accounts.friend))).toBe(false)
      await movePixel(1, accounts.visitor, accounts.friend, tokenId)
      // The first poll comes after the transfer: it must still see it.
      await service.poll()
      expect(has(await service.list(accounts.visitor))).toBe(false)
      expect(has(await service.list(accounts.friend))).toBe(true)
    } finally {
      service.stop()
    }
  })
  it('still drops a listing when a poll found no new block before the transfer', async () => {
    const service = unwatchedService()
    try {
      // The token the test above moved to the friend goes back to the visitor.
      const tokenId = String(SEED_PLAN.visitor.pixels[1])
      const has = (r: CollectiblesResponse) =>
        of(r.items, deployment.pixels).some((p) => p.tokenId === tokenId)
      expect(has(await service.list(accounts.friend))).toBe(true)
      expect(has(await service.list(accounts.visitor))).toBe(false)
      // Nothing mined since the listings were read: this poll has nothing to scan. It once
      // forgot the listings' block then, and the next poll started after the transfer.
      await service.poll()
      await movePixel(2, accounts.friend, accounts.visitor, tokenId)
      await service.poll()
      expect(has(await service.list(accounts.friend))).toBe(false)
      expect(has(await service.list(accounts.visitor))).toBe(true)
    } finally {
      service.stop()
    }
  })
  it('catches up after failed polls, with transfers mined while the RPC was down', async () => {
    const relay = await rpcRelay(rpcUrl)
    const logs = captureLogs()
    const unhandled: unknown[] = []
    const onUnhandled = (reason: unknown) => unhandled.push(reason)
    process.on('unhandledRejection', onUnhandled)
    const service = unwatchedService({ rpcUrl: relay.url })
    try {
      const tokenId = String(SEED_PLAN.visitor.pixels[2])
      const has = (r: CollectiblesResponse) =>
        of(r.items, deployment.pixels).some((p) => p.tokenId === tokenId)
      const failed = () =>
        logs.entries.filter(
          (e) =>
            e.msg === 'transfer watch failed' &&
            /unreachable/.test((e.error as { message?: string } | undefined)?.message ?? ''),
        )
      // Listings read, then the RPC goes down before the watcher's first poll: the poll fails,
      // and the listings' block must survive it.
      expect(has(await service.list(accounts.visitor))).toBe(true)
      expect(has(await service.list(accounts.friend))).toBe(false)
      relay.down()
      await service.poll()
      expect(failed()).toHaveLength(1)
      await movePixel(1, accounts.visitor, accounts.friend, tokenId)
      relay.up()
      await service.poll()
      expect(has(await service.list(accounts.visitor))).toBe(false)
      expect(has(await service.list(accounts.friend))).toBe(true)

      // Caught up (nothing mined since the listings): the watcher's own position must survive
      // two failed polls.
      await service.poll()
      relay.down()
      await service.poll()
      await service.poll()
      expect(failed()).toHaveLength(3)
      await movePixel(2, accounts.friend, accounts.visitor, tokenId)
      relay.up()
      await service.poll()
      expect(has(await service.list(accounts.friend))).toBe(false)
      expect(has(await service.list(accounts.visitor))).toBe(true)
      expect(unhandled).toEqual([])
    } finally {
      process.off('unhandledRejection', onUnhandled)
      logs.stop()
      service.stop()
      await relay.close()
    }
  }, 120_000)
})

/** A collectibles service on the local chain with no timer: the test decides when it polls. */
function unwatchedService(opts: { rpcUrl?: string } = {}) {
  const raw = JSON.parse(fs.readFileSync(path.join(tmp, 'chain/trust-registry.json'), 'utf8'))
  if (opts.rpcUrl) raw.chains[0].rpcUrls = [opts.rpcUrl]
  const registry = parseTrustRegistry(raw, 'registry.json')
  return new CollectibleService(registry, {
    ipfsGateways: [],
    pollMs: 0,
  })
}

/**
 * A loopback TCP relay in front of anvil's RPC that can be cut: while down it resets every
 * connection, open or new, as an endpoint that crashed would.
 */
async function rpcRelay(target: string) {
  const { hostname, port } = new URL(target)
  let up = true
  const open = new Set<net.Socket>()
  const relay = net.createServer((client) => {
    if (!up) return void client.resetAndDestroy()
    const node = net.connect(Number(port), hostname)
    const end = () => {
      client.destroy()
      node.destroy()
      open.delete(client)
    }
    open.add(client)
    client.on('error', end).on('close', end)
    node.on('error', end).on('close', end)
    client.pipe(node).pipe(client)
  })
  await new Promise<void>((ok) => relay.listen(0, '127.0.0.1', ok))
  return {
    url: `http://127.0.0.1:${(relay.address() as AddressInfo).port}`,
    down() {
      up = false
      for (const s of open) s.resetAndDestroy()
    },
    up() {
      up = true
    },
    close() {
      for (const s of open) s.destroy()
      return new Promise((ok) => relay.close(ok))
    },
  }
}

/** Transfers a Block Park Pixel, signed by dev wallet `by`, and waits for it to be mined. */
async function movePixel(by: number, from: string, to: string, tokenId: string) {
  const pixels = new Contract(
    deployment.pixels,
    ['function transferFrom(address from, address to, uint256 tokenId)'],
    signer(by),
  )
  await mined(await pixels.getFunction('transferFrom')(from, to, tokenId))
}

describe('verify', () => {
  it('fetches no metadata for a contract that is not allowlisted', async () => {
    let hits = 0
    const meta = http.createServer((_req, res) => {
      hits++
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"name":"copy"}')
    })
    await new Promise<void>((ok) => meta.listen(0, '127.0.0.1', ok))
    try {
      const uri = `http://127.0.0.1:${(meta.address() as AddressInfo).port}/copy.json`
      const copycat = new Contract(
        deployment.copycat,
        ['function mint(address to, string uri) returns (uint256)'],
        signer(0),
      )
      const tx = await copycat.getFunction('mint')(accounts.visitor, uri)
      const receipt = await mined(tx)
      const minted = receipt.logs.map((l) => l.topics).find((t) => t.length === 4)
      const tokenId = BigInt(minted![3]!).toString()
      const token = { chainId: 31337, contract: deployment.copycat, tokenId }
      const checked = await services.collectibles.verify(accounts.visitor, token)
      expect(checked).toMatchObject({ verified: false, reasons: ['issuer_not_allowlisted'] })
      expect(hits).toBe(0)
    } finally {
      meta.closeAllConnections()
      await new Promise((ok) => meta.close(ok))
    }
  })
})

// Hand-assembled hostile contracts (no compiler needed). GREEDY claims ERC-721 Enumerable
// (supportsInterface: true for anything), says every wallet holds 2^255 tokens, numbers them
// index + 1 and reverts tokenURI. BURNER is the same but burns all its gas on anything but
// supportsInterface and tokenURI.
const GREEDY =
  '60003560e01c806301ffc9a71460315780632f745c5914603c578063c87b56dd14604b57600160ff1b6000' +
  '5260206000f35b600160005260206000f35b60243560010160005260206000f35b600080fd'
const BURNER =
  '60003560e01c806301ffc9a71460285780632f745c59146033578063c87b56dd146042575b6024565b6001' +
  '60005260206000f35b60243560010160005260206000f35b600080fd'

/** Creation code that returns `runtime`, first emitting Transfer(0, to, 1) if `to` is given. */
function creation(runtime: string, to?: string): string {
  const len = runtime.length / 2
  const emit = to
    ? '6001' +
      '73' +
      to.slice(2).toLowerCase() +
      '6000' +
      '7f' +
      TRANSFER_TOPIC.slice(2) +
      '60006000a4'
    : ''
  const copyLen = 3 + 3 + 2 + 1 + 3 + 2 + 1
  const word = (n: number) => n.toString(16).padStart(4, '0')
  const offset = emit.length / 2 + copyLen
  return (
    '0x' +
    emit +
    '61' +
    word(len) +
    '61' +
    word(offset) +
    '600039' +
    '61' +
    word(len) +
    '6000f3' +
    runtime
  )
}
const TRANSFER_TOPIC = '0xddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef'

async function deploy(code: string): Promise<string> {
  const wallet = signer(2)
  const tx = await wallet.sendTransaction({ data: code })
  const receipt = await mined(tx)
  return receipt!.contractAddress!
}

function registryWith(issuers: { contract: string; standard: 'erc721' }[]) {
  const raw = JSON.parse(fs.readFileSync(path.join(tmp, 'chain/trust-registry.json'), 'utf8'))
  const text = (s: string) => ({ 'zh-CN': s, en: s })
  raw.chains[0].issuers = [
    ...issuers.map((i) => ({ ...i, name: text('x'), issuer: text('x'), platform: text('x') })),
    ...raw.chains[0].issuers,
  ]
  return parseTrustRegistry(raw, 'hostile.json')
}

describe('hostile contracts', () => {
  it('reads at most 200 tokens of a contract claiming 2^255, and caps the listing bytes', async () => {
    const greedy = await deploy(creation(GREEDY))
    const service = new CollectibleService(
      registryWith([{ contract: greedy, standard: 'erc721' }]),
      { ipfsGateways: [], pollMs: 0 },
    )
    const small = new CollectibleService(registryWith([{ contract: greedy, standard: 'erc721' }]), {
      ipfsGateways: [],
      pollMs: 0,
      maxListingBytes: 20_000,
    })
    try {
      const owner = Wallet.createRandom().address
      const r = await service.list(owner)
      const mine = of(r.items, greedy)
      expect(mine).toHaveLength(200)
      expect(mine.every((i) => !i.verified && i.reasons.includes('metadata_unavailable'))).toBe(
        true,
      )
      const cut = await small.list(owner)
      expect(cut.truncated).toBe(true)
      expect(JSON.stringify(cut.items).length).toBeLessThanOrEqual(20_000)
      expect(cut.items.length).toBeGreaterThan(0)
    } finally {
      service.stop()
      small.stop()
    }
  }, 120_000)

  it('keeps verifying the other tokens when contracts burn all their gas', async () => {
    const burners = [
      await deploy(creation(BURNER)),
      await deploy(creation(BURNER)),
      await deploy(creation(BURNER)),
    ]
    const service = new CollectibleService(
      registryWith(burners.map((contract) => ({ contract, standard: 'erc721' as const }))),
      { ipfsGateways: [], pollMs: 0 },
    )
    try {
      const r = await service.list(accounts.friend)
      for (const b of burners) expect(of(r.items, b)).toEqual([])
      const pixels = of(r.items, deployment.pixels)
      expect(pixels.length).toBeGreaterThan(0)
      expect(pixels.every((p) => p.verified)).toBe(true)
    } finally {
      service.stop()
    }
  }, 120_000)

  it('looks at no more than 50 contracts that sent a wallet tokens', async () => {
    const owner = Wallet.createRandom().address
    const wallet = signer(2)
    const txs = []
    for (let i = 0; i < 60; i++)
      txs.push(await wallet.sendTransaction({ data: creation(GREEDY, owner) }))
    await Promise.all(txs.map((t) => mined(t)))
    const registry = registryWith([])
    const service = new CollectibleService(registry, {
      ipfsGateways: [],
      pollMs: 0,
      makeAdapter: (c) =>
        new EvmAdapter({
          chainId: c.chainId,
          rpcUrls: c.rpcUrls,
          multicall3: c.multicall3,
          maxTokensPerContract: 1,
        }),
    })
    try {
      const r = await service.list(owner)
      const contracts = new Set(r.items.map((i) => i.contract))
      expect(contracts.size).toBe(50)
    } finally {
      service.stop()
    }
  }, 180_000)
})
