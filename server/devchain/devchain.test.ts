// The embedded chain with real parts: anvil from npm, contracts compiled by solc-js, in a temp
// data folder. Checks what the verification service will rely on: who owns what after the
// seed, Multicall3, the registry's pinned hashes against the bytes the tokens really point to,
// harmless SVGs, the 3D model and the wearable VRM avatar on the local IPFS folder, that
// stop/start keeps the chain (and transfers) without seeding twice, and that a chain seeded
// before the model and the avatar existed gets them.
import { createHash } from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { Contract, HDNodeWallet, Interface, JsonRpcProvider, id, type BigNumberish } from 'ethers'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { anvilBinary, AnvilNotFoundError, startAnvil } from './anvil'
import { checkVrm } from '../../src/avatar/vrmCheck'
import { erc1155IdHex } from './content'
import { DEV_MNEMONIC, SEED_PLAN, devWallets, mined, startDevChain, type DevChain } from './index'
import { seedDevChain } from './seed'

const ERC721 = [
  'function balanceOf(address) view returns (uint256)',
  'function ownerOf(uint256) view returns (address)',
  'function tokenURI(uint256) view returns (string)',
  'function name() view returns (string)',
  'function symbol() view returns (string)',
  'function supportsInterface(bytes4) view returns (bool)',
  'function tokenOfOwnerByIndex(address,uint256) view returns (uint256)',
  'function transferFrom(address,address,uint256)',
]
const ERC1155 = [
  'function balanceOfBatch(address[],uint256[]) view returns (uint256[])',
  'function uri(uint256) view returns (string)',
  'function supportsInterface(bytes4) view returns (bool)',
]
// The standard Multicall3 ABI subset (as published with mds1/multicall3).
const MULTICALL3 = [
  'function aggregate3((address target, bool allowFailure, bytes callData)[] calls) payable returns ((bool success, bytes returnData)[] returnData)',
  'function getBlockNumber() view returns (uint256 blockNumber)',
]
interface Erc721View {
  balanceOf(owner: string): Promise<bigint>
  ownerOf(tokenId: BigNumberish): Promise<string>
  tokenURI(tokenId: BigNumberish): Promise<string>
  name(): Promise<string>
  symbol(): Promise<string>
  supportsInterface(interfaceId: string): Promise<boolean>
  tokenOfOwnerByIndex(owner: string, index: BigNumberish): Promise<bigint>
}
interface Erc1155View {
  balanceOfBatch(owners: string[], ids: BigNumberish[]): Promise<bigint[]>
  uri(id: BigNumberish): Promise<string>
  supportsInterface(interfaceId: string): Promise<boolean>
}
interface Call3 {
  target: string
  allowFailure: boolean
  callData: string
}
interface Multicall3View {
  aggregate3: { staticCall(calls: Call3[]): Promise<[boolean, string][]> }
  getBlockNumber(): Promise<bigint>
}
const ERC721_ENUMERABLE = '0x780e9d63'
const ERC721_METADATA = '0x5b5e139f'
const ERC1155_ID = '0xd9b67a26'

interface Registry {
  version: number
  chains: {
    chainId: number
    local: boolean
    rpcUrls: string[]
    multicall3: string
    issuers: {
      contract: string
      standard: string
      fromBlock: number
      metadata: { sha256?: Record<string, string>; base?: string }
    }[]
  }[]
}

const sha256 = (b: Uint8Array | string) => createHash('sha256').update(b).digest('hex')
const dataUriBytes = (uri: string, mime: string) => {
  const prefix = `data:${mime};base64,`
  expect(uri.startsWith(prefix)).toBe(true)
  return Buffer.from(uri.slice(prefix.length), 'base64')
}

let dataDir: string
let chain: DevChain | null = null
let provider: JsonRpcProvider
const pids: number[] = []

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}

async function start(): Promise<DevChain> {
  provider?.destroy()
  chain = await startDevChain({ dataDir })
  pids.push(chain.pid)
  provider = new JsonRpcProvider(chain.rpcUrl, undefined, { staticNetwork: true })
  provider.pollingInterval = 50
  return chain
}

async function stop(): Promise<void> {
  provider?.destroy()
  await chain?.stop()
  chain = null
}

function at<T>(address: string, abi: string[]): T {
  return new Contract(address, abi, provider) as unknown as T
}

function contracts(c: DevChain) {
  return {
    pixels: at<Erc721View>(c.deployment.pixels, ERC721),
    landmarks: at<Erc721View>(c.deployment.landmarks, ERC721),
    copycat: at<Erc721View>(c.deployment.copycat, ERC721),
    souvenirs: at<Erc1155View>(c.deployment.souvenirs, ERC1155),
    multicall: at<Multicall3View>(c.deployment.multicall3, MULTICALL3),
  }
}

async function holdings(c: DevChain) {
  const k = contracts(c)
  const { visitor, friend } = c.accounts
  const souvenirIds = [...SEED_PLAN.visitor.souvenirs.ids, ...SEED_PLAN.friend.souvenirs.ids]
  const souvenirOwners = [
    ...SEED_PLAN.visitor.souvenirs.ids.map(() => visitor),
    ...SEED_PLAN.friend.souvenirs.ids.map(() => friend),
  ]
  return {
    pixels: [await k.pixels.balanceOf(visitor), await k.pixels.balanceOf(friend)],
    landmarks: [await k.landmarks.balanceOf(visitor), await k.landmarks.balanceOf(friend)],
    copycat: [await k.copycat.balanceOf(visitor), await k.copycat.balanceOf(friend)],
    souvenirs: [...(await k.souvenirs.balanceOfBatch(souvenirOwners, souvenirIds))] as bigint[],
  }
}

const SEEDED = {
  pixels: [6n, 2n],
  landmarks: [5n, 1n],
  copycat: [2n, 0n],
  souvenirs: [1n, 2n, 5n, 1n, 1n],
}

// A fresh clone's first start compiles the contracts with solc-js (25 s on an idle 2-core
// machine, beside nothing). Once, in a fresh clone with other test files running, this hook
// passed 90 s; the cause is not known yet (see the session notes), so it gets more room.
beforeAll(async () => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cq-devchain-'))
  await start()
}, 240_000)

afterAll(async () => {
  await stop()
  fs.rmSync(dataDir, { recursive: true, force: true })
})

describe('devchain', () => {
  it('deploys the demo collections and mints them to the dev wallets', async () => {
    const c = chain as DevChain
    expect(c.chainId).toBe(31337)
    expect(c.startup.deployed).toBe(true)
    expect(Number((await provider.getNetwork()).chainId)).toBe(31337)
    expect(c.accounts.visitor).toBe(
      HDNodeWallet.fromPhrase(DEV_MNEMONIC, '', "m/44'/60'/0'/0/1").address,
    )
    expect(c.accounts.visitor).toBe('0x70997970C51812dc3A010C7d01b50e0d17dc79C8')
    expect(await holdings(c)).toEqual(SEEDED)

    const k = contracts(c)
    expect(await k.pixels.name()).toBe('Block Park Pixels')
    expect(await k.pixels.symbol()).toBe('BPPX')
    expect(await k.copycat.name()).toBe('Block Park Pixels') // the fake copies the name
    expect(await k.landmarks.symbol()).toBe('CQLM')
    expect(await k.pixels.supportsInterface(ERC721_ENUMERABLE)).toBe(true)
    expect(await k.landmarks.supportsInterface(ERC721_ENUMERABLE)).toBe(false)
    expect(await k.landmarks.supportsInterface(ERC721_METADATA)).toBe(true)
    expect(await k.souvenirs.supportsInterface(ERC1155_ID)).toBe(true)
    expect(await k.pixels.tokenOfOwnerByIndex(c.accounts.visitor, 0)).toBe(1n)
    expect(await k.landmarks.ownerOf(4)).toBe(c.accounts.friend)
    expect(await k.landmarks.ownerOf(5)).toBe(c.accounts.visitor)
    expect(await k.landmarks.ownerOf(6)).toBe(c.accounts.visitor)
    expect(c.deployment.fromBlock).toBeGreaterThanOrEqual(0)
  })

  it('answers Multicall3.aggregate3 and getBlockNumber with the standard ABI', async () => {
    const c = chain as DevChain
    const k = contracts(c)
    const erc721 = new Interface(ERC721)
    const calls = [
      {
        target: c.deployment.pixels,
        allowFailure: false,
        callData: erc721.encodeFunctionData('balanceOf', [c.accounts.visitor]),
      },
      {
        target: c.deployment.landmarks,
        allowFailure: false,
        callData: erc721.encodeFunctionData('ownerOf', [1]),
      },
      {
        // A token that does not exist: reverts, reported as a failure.
        target: c.deployment.landmarks,
        allowFailure: true,
        callData: erc721.encodeFunctionData('ownerOf', [999]),
      },
    ]
    const results = await k.multicall.aggregate3.staticCall(calls)
    expect(results.map((r) => r[0])).toEqual([true, true, false])
    expect(erc721.decodeFunctionResult('balanceOf', results[0]![1])[0]).toBe(6n)
    expect(erc721.decodeFunctionResult('ownerOf', results[1]![1])[0]).toBe(c.accounts.visitor)
    await expect(
      k.multicall.aggregate3.staticCall([{ ...calls[2]!, allowFailure: false }]),
    ).rejects.toThrow(/Multicall3: call failed/)
    expect(await k.multicall.getBlockNumber()).toBe(BigInt(await provider.getBlockNumber()))
  })

  it('writes a trust registry whose pinned hashes match the bytes the tokens point to', async () => {
    const c = chain as DevChain
    const k = contracts(c)
    const reg = JSON.parse(fs.readFileSync(c.registryPath, 'utf8')) as Registry
    expect(reg.version).toBe(1)
    const ch = reg.chains[0]!
    expect(ch).toMatchObject({ chainId: 31337, local: true, rpcUrls: [c.rpcUrl] })
    expect(ch.multicall3).toBe(c.deployment.multicall3)
    const byContract = new Map(ch.issuers.map((i) => [i.contract, i]))
    expect(byContract.has(c.deployment.copycat)).toBe(false)
    expect([...byContract.keys()].sort()).toEqual(
      [c.deployment.pixels, c.deployment.landmarks, c.deployment.souvenirs].sort(),
    )

    for (const [address, contract, count] of [
      [c.deployment.pixels, k.pixels, 8],
      [c.deployment.landmarks, k.landmarks, 6],
    ] as const) {
      const issuer = byContract.get(address)!
      expect(issuer.standard).toBe('erc721')
      expect(issuer.fromBlock).toBeGreaterThanOrEqual(c.deployment.fromBlock)
      expect(Object.keys(issuer.metadata.sha256!)).toHaveLength(count)
      for (let id = 1; id <= count; id++) {
        const bytes = dataUriBytes(await contract.tokenURI(id), 'application/json')
        expect(issuer.metadata.sha256![String(id)]).toBe(sha256(bytes))
        const meta = JSON.parse(bytes.toString('utf8')) as { name: string; image: string }
        expect(meta.name).toMatch(/[\u4e00-\u9fff].* [A-Z]/) // both languages
        dataUriBytes(meta.image, 'image/svg+xml')
      }
    }

    const souvenirs = byContract.get(c.deployment.souvenirs)!
    expect(souvenirs.standard).toBe('erc1155')
    const base = souvenirs.metadata.base!
    expect(base).toMatch(/^ipfs:\/\/bafy[a-z2-7]+\/$/)
    const template = await k.souvenirs.uri(1)
    expect(template).toBe(`${base}{id}.json`)
    for (const id of [1, 2, 3, 4]) {
      const uri = template.replace('{id}', erc1155IdHex(id))
      const file = path.join(c.ipfsDir, uri.slice('ipfs://'.length))
      const bytes = fs.readFileSync(file)
      expect(souvenirs.metadata.sha256![String(id)]).toBe(sha256(bytes))
      const meta = JSON.parse(bytes.toString('utf8')) as { image: string }
      expect(meta.image).toMatch(/^ipfs:\/\/bafy[a-z2-7]+\/[a-z-]+\.svg$/)
      expect(fs.existsSync(path.join(c.ipfsDir, meta.image.slice('ipfs://'.length)))).toBe(true)
    }
  })

  it('gives the visitor a landmark whose 3D model is a GLB on the local IPFS folder', async () => {
    const c = chain as DevChain
    const meta = JSON.parse(
      dataUriBytes(await contracts(c).landmarks.tokenURI(5), 'application/json').toString(),
    ) as { name: string; animation_url: string }
    expect(meta.name).toMatch(/Lantern Pagoda/)
    expect(meta.animation_url).toMatch(/^ipfs:\/\/bafy[a-z2-7]+\/lantern-pagoda\.glb$/)
    const glb = fs.readFileSync(path.join(c.ipfsDir, meta.animation_url.slice('ipfs://'.length)))
    expect(glb.toString('latin1', 0, 4)).toBe('glTF')
    expect(glb.readUInt32LE(4)).toBe(2)
    expect(glb.readUInt32LE(8)).toBe(glb.length)
  })

  it('gives the visitor a landmark that is a wearable VRM avatar, dressed apart', async () => {
    const c = chain as DevChain
    const meta = JSON.parse(
      dataUriBytes(await contracts(c).landmarks.tokenURI(6), 'application/json').toString(),
    ) as {
      name: string
      animation_url: string
      properties: { files: { uri: string; type: string }[] }
    }
    expect(meta.name).toMatch(/Lantern Keeper/)
    expect(meta.animation_url).toMatch(/^ipfs:\/\/bafy[a-z2-7]+\/lantern-keeper\.vrm$/)
    expect(meta.properties.files).toEqual([{ uri: meta.animation_url, type: 'model/gltf-binary' }])
    const vrm = fs.readFileSync(path.join(c.ipfsDir, meta.animation_url.slice('ipfs://'.length)))
    const check = checkVrm(new Uint8Array(vrm))
    expect(check).toMatchObject({ ok: true, version: '1.0', name: meta.name })
    // Its own folder: the pagoda's folder (and so its pinned metadata) is as it was.
    const pagoda = JSON.parse(
      dataUriBytes(await contracts(c).landmarks.tokenURI(5), 'application/json').toString(),
    ) as { animation_url: string }
    expect(pagoda.animation_url.split('/')[2]).not.toBe(meta.animation_url.split('/')[2])
    // Dressed in lantern red, not the test avatar's blue shirt (vertex colours in the BIN).
    const bin = vrm.subarray(20 + vrm.readUInt32LE(12) + 8)
    const floats = new Float32Array(
      bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.length - (bin.length % 4)),
    )
    const has = (rgb: number[]) =>
      floats.some((_, i) => rgb.every((v, j) => Math.abs(floats[i + j]! - v) < 1e-6))
    expect(has([0.78, 0.19, 0.17, 1])).toBe(true)
    expect(has([0.16, 0.42, 0.75, 1])).toBe(false)
  })

  it('draws SVGs with no scripts, event handlers or links', async () => {
    const c = chain as DevChain
    const k = contracts(c)
    const svgs: string[] = []
    for (const [contract, count] of [
      [k.pixels, 8],
      [k.landmarks, 6],
      [k.copycat, 2],
    ] as const) {
      for (let id = 1; id <= count; id++) {
        const meta = JSON.parse(
          dataUriBytes(await contract.tokenURI(id), 'application/json').toString('utf8'),
        ) as { image: string }
        svgs.push(dataUriBytes(meta.image, 'image/svg+xml').toString('utf8'))
      }
    }
    for (const dir of fs.readdirSync(c.ipfsDir)) {
      for (const f of fs.readdirSync(path.join(c.ipfsDir, dir))) {
        if (f.endsWith('.svg')) svgs.push(fs.readFileSync(path.join(c.ipfsDir, dir, f), 'utf8'))
      }
    }
    expect(svgs).toHaveLength(20)
    for (const svg of svgs) {
      expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true)
      expect(svg).not.toMatch(/<script/i)
      expect(svg).not.toMatch(/\son[a-z]+\s*=/i)
      expect(svg).not.toMatch(/href|javascript:|<foreignObject/i)
      expect(new Set(svg.match(/<\/?([a-zA-Z]+)/g))).toEqual(new Set(['<svg', '<rect', '</svg']))
    }
  })

  it('keeps the chain and transfers across stop/start without seeding again', async () => {
    const before = chain as DevChain
    const firstPid = before.pid
    // The visitor gives pixel #6 to the friend.
    const visitorWallet = devWallets()[1]!.connect(provider)
    const pixels = new Contract(before.deployment.pixels, ERC721, visitorWallet)
    await mined(
      await pixels.getFunction('transferFrom')(before.accounts.visitor, before.accounts.friend, 6),
    )
    const deploymentFile = path.join(dataDir, 'chain', 'deployment.json')
    const recorded = fs.readFileSync(deploymentFile, 'utf8')
    await stop()
    expect(alive(firstPid)).toBe(false)

    const after = await start()
    expect(after.startup).toMatchObject({ deployed: false, compiled: false })
    expect(after.deployment).toEqual(before.deployment)
    expect(fs.readFileSync(deploymentFile, 'utf8')).toBe(recorded)
    expect(await holdings(after)).toEqual({ ...SEEDED, pixels: [5n, 3n] })
    expect(await contracts(after).pixels.ownerOf(6)).toBe(after.accounts.friend)
    // Transfer logs survive the restart: a non-enumerable collection is listed from them.
    const logs = await provider.getLogs({
      address: after.deployment.landmarks,
      topics: [id('Transfer(address,address,uint256)')],
      fromBlock: after.deployment.fromBlock,
      toBlock: 'latest',
    })
    expect(logs).toHaveLength(6)
  })

  it('adds the later tokens to a chain seeded before them, once, keeping the rest', async () => {
    const oldDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cq-devchain-old-'))
    try {
      // A chain as the first release of the seed left it: no landmark #5 or #6.
      const chainDir = path.join(oldDir, 'chain')
      fs.mkdirSync(chainDir, { recursive: true })
      const anvil = await startAnvil({
        stateFile: path.join(chainDir, 'anvil-state.json'),
        port: 0,
        chainId: 31337,
      })
      pids.push(anvil.pid)
      const old = await seedDevChain({ rpcUrl: anvil.rpcUrl, chainDir, skipTopUps: true })
      const oldUris: string[] = []
      {
        const p = new JsonRpcProvider(anvil.rpcUrl, undefined, { staticNetwork: true })
        const landmarks = new Contract(old.deployment.landmarks, ERC721, p)
        await expect(landmarks.getFunction('ownerOf')(5)).rejects.toThrow()
        for (let i = 1; i <= 4; i++) oldUris.push(await landmarks.getFunction('tokenURI')(i))
        p.destroy()
      }
      await anvil.stop()
      const recorded = fs.readFileSync(path.join(chainDir, 'deployment.json'), 'utf8')

      for (const expected of [['landmarks #5', 'landmarks #6'], []]) {
        const c = await startDevChain({ dataDir: oldDir })
        pids.push(c.pid)
        try {
          expect(c.startup).toMatchObject({ deployed: false, toppedUp: expected })
          expect(fs.readFileSync(path.join(chainDir, 'deployment.json'), 'utf8')).toBe(recorded)
          const p = new JsonRpcProvider(c.rpcUrl, undefined, { staticNetwork: true })
          const landmarks = new Contract(c.deployment.landmarks, ERC721, p)
          expect(c.deployment.landmarks).toBe(old.deployment.landmarks)
          expect(await landmarks.getFunction('ownerOf')(5)).toBe(c.accounts.visitor)
          expect(await landmarks.getFunction('ownerOf')(6)).toBe(c.accounts.visitor)
          for (let i = 1; i <= 4; i++) {
            expect(await landmarks.getFunction('tokenURI')(i)).toBe(oldUris[i - 1])
          }
          await expect(landmarks.getFunction('ownerOf')(7)).rejects.toThrow()
          p.destroy()
        } finally {
          await c.stop()
        }
      }
    } finally {
      fs.rmSync(oldDir, { recursive: true, force: true })
    }
  }, 90_000)

  it('starts a fresh chain and seeds again when the state file is unreadable', async () => {
    await stop()
    const stateFile = path.join(dataDir, 'chain', 'anvil-state.json')
    fs.writeFileSync(stateFile, fs.readFileSync(stateFile, 'utf8').slice(0, 1000))
    const c = await start()
    expect(c.startup.discardedState).toMatch(/anvil-state\.json\.unreadable-\d+$/)
    expect(c.startup.deployed).toBe(true)
    expect(c.startup.reason).toMatch(/state lost/)
    expect(await holdings(c)).toEqual(SEEDED)
  })

  it('leaves no anvil process behind after stop', async () => {
    await stop()
    expect(pids.length).toBeGreaterThanOrEqual(3)
    for (const pid of pids) expect(alive(pid)).toBe(false)
  })

  it('explains a missing anvil binary', () => {
    expect(() => anvilBinary({ ANVIL_BIN: '/nonexistent/anvil' })).toThrow(AnvilNotFoundError)
    expect(() => anvilBinary({ ANVIL_BIN: '/nonexistent/anvil' })).toThrow(/ANVIL_BIN/)
    expect(fs.existsSync(anvilBinary({}))).toBe(true)
  })
})
