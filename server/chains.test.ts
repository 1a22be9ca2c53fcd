// Several trusted chains at once, and the capabilities EVM-compatible consortium chains lack.
// Two real anvils with different chain ids, each with the demo collections: the first as the
// embedded default runs it (Multicall3, every capability); the second behind a JSON-RPC stand-in
// for a consortium chain's limits (test only, below), which refuses batched requests, eth_getLogs
// spans over 3 blocks, eth_call at any block but "latest", and ERC-165 supportsInterface calls,
// as older FISCO BCOS gateways, BSN nodes and pre-ERC-165 issuers do. The registry turns each
// capability off for that chain, and the listing verifies its collectibles anyway; with any one
// capability left on, the stand-in's refusal shows (so each fallback is needed, and tested).
import fs from 'node:fs'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { parseTrustRegistry, type ChainCapabilities } from '../src/chain/registry'
import { CollectibleService } from './collectibles'
import { startDevChain, devAccounts, type DevChain } from './devchain'
import { startAnvil, type AnvilNode } from './devchain/anvil'
import { seedDevChain, type Deployment } from './devchain/seed'

const SECOND_CHAIN = 5555
const LOG_RANGE = 3

/** What the stand-in refused, by rule: a fallback that was needed and not taken shows here. */
const refused = { batch: 0, logRange: 0, pastBlock: 0, erc165: 0 }
/** While set, the gateway answers every request with 503, as a chain that is down. */
const outage = { on: false }

interface RpcRequest {
  id: unknown
  method: string
  params?: unknown[]
}

/**
 * Test-only stand-in for a consortium chain's JSON-RPC gateway in front of a real anvil: it
 * forwards what such a gateway serves and answers the rest with the JSON-RPC errors those
 * gateways give. Never used outside this file.
 */
function limitedGateway(upstream: string): Promise<{ url: string; close: () => void }> {
  const refuse = (id: unknown, message: string, code = -32000) => ({
    jsonrpc: '2.0',
    id,
    error: { code, message },
  })
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as RpcRequest | RpcRequest[]
      const reply = (status: number, json: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json' })
        res.end(JSON.stringify(json))
      }
      if (outage.on) return reply(503, refuse(null, 'service unavailable'))
      if (Array.isArray(body)) {
        if (body.length > 1) {
          refused.batch++
          return reply(400, refuse(null, 'batch requests are not supported', -32600))
        }
      }
      const one = Array.isArray(body) ? body[0]! : body
      const params = one.params ?? []
      if (one.method === 'eth_getLogs') {
        const f = params[0] as { fromBlock: string; toBlock: string }
        if (Number(f.toBlock) - Number(f.fromBlock) + 1 > LOG_RANGE) {
          refused.logRange++
          return reply(200, refuse(one.id, `block range exceeds ${LOG_RANGE}`, -32005))
        }
      }
      if (one.method === 'eth_call') {
        if (params[1] !== 'latest') {
          refused.pastBlock++
          return reply(200, refuse(one.id, 'historical state is not available'))
        }
        if (String((params[0] as { data?: string }).data).startsWith('0x01ffc9a7')) {
          refused.erc165++
          return reply(200, refuse(one.id, 'execution reverted', 3))
        }
      }
      fetch(upstream, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      })
        .then(async (r) => reply(r.status, await r.json()))
        .catch(() => reply(502, refuse(one.id, 'upstream unavailable')))
    })
  })
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({
        url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
        close: () => server.close(),
      }),
    ),
  )
}

let tmp: string
let first: DevChain
let second: AnvilNode
let secondDeployment: Deployment
let gateway: { url: string; close: () => void }
/** The first chain's registry entry, as the embedded default writes it. */
let firstEntry: Record<string, unknown> & { issuers: { contract: string }[] }

beforeAll(async () => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cq-chains-'))
  first = await startDevChain({ dataDir: path.join(tmp, 'first') })
  second = await startAnvil({ chainId: SECOND_CHAIN })
  secondDeployment = (
    await seedDevChain({ rpcUrl: second.rpcUrl, chainDir: path.join(tmp, 'second') })
  ).deployment
  gateway = await limitedGateway(second.rpcUrl)
  firstEntry = JSON.parse(fs.readFileSync(first.registryPath, 'utf8')).chains[0]
}, 300_000)

afterAll(async () => {
  gateway?.close()
  await Promise.all([first?.stop(), second?.stop()])
  fs.rmSync(tmp, { recursive: true, force: true })
})

/** A registry of both chains: the second's issuers are its own deployment's contracts. */
function service(capabilities: Partial<ChainCapabilities>) {
  const role = new Map<string, string>()
  for (const k of ['pixels', 'landmarks', 'souvenirs'] as const)
    role.set(first.deployment[k].toLowerCase(), secondDeployment[k])
  const { multicall3: _none, ...rest } = firstEntry
  const secondEntry = {
    ...rest,
    chainId: SECOND_CHAIN,
    name: { 'zh-CN': '第二条联盟链', en: 'Second consortium chain' },
    rpcUrls: [gateway.url],
    capabilities,
    issuers: firstEntry.issuers.map((i) => ({
      ...i,
      contract: role.get(i.contract.toLowerCase()) ?? i.contract,
    })),
  }
  const registry = parseTrustRegistry(
    { version: 1, chains: [firstEntry, secondEntry] },
    'two-chains.json',
  )
  return new CollectibleService(registry, { ipfsGateways: [], pollMs: 0 })
}

const OFF: Partial<ChainCapabilities> = {
  batchSize: 1,
  logRange: LOG_RANGE,
  pastBlocks: false,
  erc165: false,
}

describe('two chains, one listing', () => {
  it('verifies collectibles from both chains, each labelled with its chain, within each one’s limits', async () => {
    Object.assign(refused, { batch: 0, logRange: 0, pastBlock: 0, erc165: 0 })
    const s = service(OFF)
    try {
      const r = await s.list(devAccounts().visitor)
      expect(r.chains.map((c) => c.chainId)).toEqual([first.chainId, SECOND_CHAIN])
      expect(r.chains[1]!.name.en).toBe('Second consortium chain')
      const verified = (chainId: number) =>
        r.items
          .filter((i) => i.chainId === chainId && i.verified)
          .map((i) => `${i.standard}:${i.name}`)
          .sort()
      // The same demo collections on both chains: the same verified pieces on each, as
      // distinct items (a token is its chain, contract and id).
      expect(verified(first.chainId).length).toBeGreaterThan(2)
      expect(verified(SECOND_CHAIN)).toEqual(verified(first.chainId))
      const secondItems = r.items.filter((i) => i.chainId === SECOND_CHAIN && i.verified)
      expect(secondItems.every((i) => i.platform?.en && i.issuer?.en)).toBe(true)
      expect(secondItems.some((i) => i.standard === 'erc721')).toBe(true)
      expect(refused).toEqual({ batch: 0, logRange: 0, pastBlock: 0, erc165: 0 })
    } finally {
      s.stop()
    }
  })

  it('marks only the chain that is down: its pieces show unverified, the other chain’s verify', async () => {
    const s = service(OFF)
    const visitor = devAccounts().visitor
    try {
      const before = await s.list(visitor)
      const held = before.items.filter((i) => i.chainId === SECOND_CHAIN)
      outage.on = true
      s.invalidate(visitor)
      const during = await s.list(visitor)
      expect(during.chains.map((c) => [c.chainId, Boolean(c.unavailable)])).toEqual([
        [first.chainId, false],
        [SECOND_CHAIN, true],
      ])
      expect(during.chains[1]!.unavailable).toMatch(/unreachable/)
      const onFirst = (r: typeof during) =>
        r.items.filter((i) => i.chainId === first.chainId && i.verified).length
      expect(onFirst(during)).toBe(onFirst(before))
      // What the second chain held last time, shown but not counted as verified.
      const shown = during.items.filter((i) => i.chainId === SECOND_CHAIN)
      expect(shown.map((i) => i.tokenId)).toEqual(held.map((i) => i.tokenId))
      expect(shown.every((i) => !i.verified && i.reasons.join() === 'chain_unavailable')).toBe(true)
      // Back up: the next listing verifies it again.
      outage.on = false
      s.invalidate(visitor)
      const after = await s.list(visitor)
      expect(after.chains.every((c) => !c.unavailable)).toBe(true)
      expect(after.items.filter((i) => i.chainId === SECOND_CHAIN && i.verified).length).toBe(
        held.filter((i) => i.verified).length,
      )
    } finally {
      outage.on = false
      s.stop()
    }
  })

  it.each(Object.keys(OFF) as (keyof ChainCapabilities)[])(
    'needs the %s fallback: left on, the second chain cannot be read as it is',
    async (capability) => {
      Object.assign(refused, { batch: 0, logRange: 0, pastBlock: 0, erc165: 0 })
      const on: Partial<ChainCapabilities> = { ...OFF }
      delete on[capability]
      const s = service(on)
      try {
        const outcome = await s.list(devAccounts().visitor).then(
          (r) => r.items.filter((i) => i.chainId === SECOND_CHAIN && i.verified).length,
          () => 'unavailable',
        )
        // Either the chain could not be read at all, or none of its pieces verifies.
        expect(['unavailable', 0]).toContain(outcome)
        expect(Object.values(refused).reduce((a, b) => a + b, 0)).toBeGreaterThan(0)
      } finally {
        s.stop()
      }
    },
  )
})
