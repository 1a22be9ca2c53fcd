// `npm run bench -- chain`: verify 200 holdings of one owner across three collections on anvil.
//
// A fresh local chain (server/devchain) in a temporary folder; the bench mints 80 Block Park
// Pixels (ERC-721 Enumerable), 60 Landmarks (ERC-721 without Enumerable: found through Transfer
// logs) and 60 souvenir ids (ERC-1155) to a new owner, then lists and verifies them cold with
// the server's CollectibleService, the way GET /api/collectibles/:address does:
// - batched: the product's EVM adapter (Multicall3 + JSON-RPC batches);
// - naive, in the same run: one HTTP request per JSON-RPC call and no Multicall3, i.e. one call
//   per token and read (ownerOf / balanceOf, tokenURI, tokenOfOwnerByIndex, supportsInterface).
// Each is run REPEATS times with fresh caches; wallMs is the median of the batched runs.
// Souvenir metadata comes from a local gateway in this process, so metadata reads cost loopback
// HTTP only.
import fs from 'node:fs'
import http from 'node:http'
import os from 'node:os'
import path from 'node:path'
import type { AddressInfo } from 'node:net'
import { Contract, HDNodeWallet, JsonRpcProvider, NonceManager, Wallet } from 'ethers'
import { EvmAdapter } from '../../src/chain/evm'
import { parseTrustRegistry, type TrustRegistry } from '../../src/chain/registry'
import { CollectibleService } from '../../server/collectibles'
import { log } from '../../server/log'
import { DEV_MNEMONIC, mined, startDevChain } from '../../server/devchain'

const COUNTS = { pixels: 80, landmarks: 60, souvenirs: 60 }
const REPEATS = 5
const TARGETS = { wallMs: 1000, rpcRatio: 5 }

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!

function dataUri(json: unknown): string {
  return 'data:application/json;base64,' + Buffer.from(JSON.stringify(json)).toString('base64')
}

export async function chain() {
  const started = performance.now()
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cq-bench-chain-'))
  const dev = await startDevChain({ dataDir: tmp, port: 0 })
  const gateway = http.createServer((req, res) => {
    // Any souvenir id: a small metadata document, like a pinned folder on a real gateway.
    const id = /\/([0-9a-f]{64})\.json$/.exec(req.url ?? '')?.[1]
    if (!id) return void res.writeHead(404).end()
    res.writeHead(200, { 'content-type': 'application/json' })
    res.end(JSON.stringify({ name: `Souvenir ${BigInt('0x' + id)}`, description: 'bench' }))
  })
  await new Promise<void>((r) => gateway.listen(0, '127.0.0.1', r))
  const gatewayUrl = `http://127.0.0.1:${(gateway.address() as AddressInfo).port}/ipfs/`
  try {
    console.log(
      `[chain] local chain ready in ${dev.startup.totalMs} ms (compiled: ${dev.startup.compiled})`,
    )
    const provider = new JsonRpcProvider(dev.rpcUrl, dev.chainId, { staticNetwork: true })
    const root = HDNodeWallet.fromPhrase(DEV_MNEMONIC, '', "m/44'/60'/0'/0")
    const issuer = new NonceManager(new Wallet(root.deriveChild(0).privateKey, provider))
    const owner = root.deriveChild(7).address
    const d = dev.deployment
    const mint721 = ['function mint(address to, string uri) returns (uint256)']
    const pixels = new Contract(d.pixels, mint721, issuer)
    const landmarks = new Contract(d.landmarks, mint721, issuer)
    const souvenirs = new Contract(
      d.souvenirs,
      ['function mintBatch(address to, uint256[] ids, uint256[] amounts)'],
      issuer,
    )
    const mintStart = performance.now()
    const txs = []
    for (let i = 0; i < COUNTS.pixels; i++) {
      txs.push(await pixels.getFunction('mint')(owner, dataUri({ name: `Bench pixel ${i}` })))
    }
    for (let i = 0; i < COUNTS.landmarks; i++) {
      txs.push(await landmarks.getFunction('mint')(owner, dataUri({ name: `Bench landmark ${i}` })))
    }
    const ids = Array.from({ length: COUNTS.souvenirs }, (_, i) => 1000 + i)
    txs.push(
      await souvenirs.getFunction('mintBatch')(
        owner,
        ids,
        ids.map(() => 1),
      ),
    )
    await Promise.all(txs.map((tx) => mined(tx)))
    console.log(`[chain] minted 200 holdings in ${Math.round(performance.now() - mintStart)} ms`)
    provider.destroy()

    const registry: TrustRegistry = parseTrustRegistry(
      JSON.parse(fs.readFileSync(dev.registryPath, 'utf8')),
      dev.registryPath,
    )
    const run = async (mode: 'batched' | 'naive') => {
      const service = new CollectibleService(registry, {
        ipfsGateways: [gatewayUrl],
        pollMs: 0,
        log: log.child({}, { level: 'silent' }),
        ...(mode === 'naive' && {
          makeAdapter: (c) =>
            new EvmAdapter({ chainId: c.chainId, rpcUrls: c.rpcUrls, batch: false }),
        }),
      })
      try {
        const t0 = performance.now()
        const r = await service.list(owner)
        const wallMs = performance.now() - t0
        const rpc = service.rpcCounters()
        return {
          wallMs,
          holdings: r.items.length,
          verified: r.items.filter((i) => i.verified).length,
          ...rpc,
        }
      } finally {
        service.stop()
      }
    }
    // One warm-up of each (JIT, sockets), then the measured runs, alternating.
    await run('batched')
    await run('naive')
    const batched = []
    const naive = []
    for (let i = 0; i < REPEATS; i++) {
      batched.push(await run('batched'))
      naive.push(await run('naive'))
    }
    const b = batched[0]!
    const n = naive[0]!
    for (const r of [...batched, ...naive]) {
      if (r.holdings !== 200) throw new Error(`expected 200 holdings, listed ${r.holdings}`)
    }
    const wallMs = Math.round(median(batched.map((r) => r.wallMs)))
    const naiveWallMs = Math.round(median(naive.map((r) => r.wallMs)))
    const ratio = Math.round((n.requests / b.requests) * 10) / 10
    console.log(
      `[chain] batched: ${wallMs} ms, ${b.requests} HTTP requests (${b.calls} JSON-RPC calls); ` +
        `naive: ${naiveWallMs} ms, ${n.requests} requests; ${ratio}x fewer`,
    )
    return {
      holdings: b.holdings,
      verified: b.verified,
      wallMs,
      rpcRequests: b.requests,
      rpcCalls: b.calls,
      naiveRpcRequests: n.requests,
      naiveWallMs,
      rpcRatio: ratio,
      wallMsRuns: batched.map((r) => Math.round(r.wallMs)),
      targets: {
        wallMs: wallMs <= TARGETS.wallMs,
        rpcRatio: ratio >= TARGETS.rpcRatio,
      },
      targetValues: TARGETS,
      collections: COUNTS,
      totalS: Math.round((performance.now() - started) / 100) / 10,
      notes:
        'Cold listing + verification of one owner on a local anvil (loopback), fresh caches per ' +
        'run, median of ' +
        REPEATS +
        ' runs. rpcRequests counts HTTP requests to the RPC endpoint (a JSON-RPC batch is one; ' +
        'rpcCalls counts the calls inside). The naive baseline sends every JSON-RPC call as its ' +
        'own request and reads each token separately instead of through Multicall3, in the same ' +
        'run. Metadata: data: URIs for the ERC-721s, a loopback gateway for the ERC-1155.',
    }
  } finally {
    gateway.close()
    await dev.stop()
    fs.rmSync(tmp, { recursive: true, force: true })
  }
}
