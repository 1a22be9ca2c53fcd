// Deploys the demo contracts on the local chain and mints the demo collectibles, once.
// The issuer (anvil account #0) deploys Multicall3, Block Park Pixels, Cangqiong Landmarks,
// Scenic Souvenirs and a Copycat, then mints to the dev wallet (account #1, "visitor") and to a
// second wallet (account #2, "friend"). `<chainDir>/deployment.json` records the addresses; a
// later start finds code at them on the same chain id and does nothing, so transfers made
// since survive. When the chain state was lost, or the contracts or minted content changed,
// the seed deploys afresh and rewrites the record. Tokens added to the seed later (the landmarks
// with a 3D model, models.ts) are "top-ups": minted into the recorded deployment when missing,
// so an existing chain keeps its contracts and tokens. It also writes the trust registry of the
// local chain (the three real collections, not the copycat) with the metadata hashes pinned.
//
// It is one file because deploying, minting, top-ups and the trust registry all read and write the
// one deployment record and its pins.
import fs from 'node:fs'
import path from 'node:path'
import {
  Contract,
  ContractFactory,
  getAddress,
  HDNodeWallet,
  JsonRpcProvider,
  NonceManager,
  type ContractTransactionResponse,
  type TransactionReceipt,
} from 'ethers'
import { DEV_MNEMONIC } from './anvil'
import { artifactsHash, loadArtifacts } from './compile'
import {
  contentHash,
  copycatTokens,
  landmarkTokens,
  LANDMARKS,
  pixelTokens,
  souvenirContent,
  type SouvenirContent,
} from './content'
import { landmarkModelTokens } from './models'
import { minedReceipt } from './receipt'

/** Text in both UI languages (the same shape as LocalText in src/chain/types.ts). */
export interface LocalText {
  'zh-CN': string
  en: string
}

export interface DevAccounts {
  /** Account #0: deploys and mints. */
  issuer: string
  /** Account #1: the dev wallet visitors sign in with. */
  visitor: string
  /** Account #2: another wallet with a few items. */
  friend: string
}

export interface Deployment {
  chainId: number
  multicall3: string
  pixels: string
  landmarks: string
  souvenirs: string
  copycat: string
  /** The block of the first deployment: scanning logs from here finds every demo token. */
  fromBlock: number
  /** Deployment block per contract. */
  blocks: {
    multicall3: number
    pixels: number
    landmarks: number
    souvenirs: number
    copycat: number
  }
  artifactsHash: string
  contentHash: string
}

/**
 * Who gets what. Token ids are assigned in mint order, starting at 1. Landmarks past
 * LANDMARKS.length (#5, the Lantern Pagoda with its 3D model; #6, the Lantern Keeper, a wearable
 * VRM avatar) are top-ups: see topUpDevChain.
 */
export const SEED_PLAN = {
  visitor: {
    pixels: [1, 2, 3, 4, 5, 6],
    landmarks: [1, 2, 3, 5, 6],
    souvenirs: { ids: [1, 2, 3, 4], amounts: [1, 2, 5, 1] },
    copycat: [1, 2],
  },
  friend: {
    pixels: [7, 8],
    landmarks: [4],
    souvenirs: { ids: [1], amounts: [1] },
    copycat: [] as number[],
  },
} as const

/** The first accounts of a BIP-39 mnemonic on the standard Ethereum path m/44'/60'/0'/0/i. */
export function devWallets(mnemonic = DEV_MNEMONIC, count = 3): HDNodeWallet[] {
  const root = HDNodeWallet.fromPhrase(mnemonic, '', "m/44'/60'/0'/0")
  return Array.from({ length: count }, (_, i) => root.deriveChild(i))
}

export function devAccounts(mnemonic = DEV_MNEMONIC): DevAccounts {
  const [issuer, visitor, friend] = devWallets(mnemonic).map((w) => w.address)
  return { issuer: issuer as string, visitor: visitor as string, friend: friend as string }
}

function readDeployment(file: string): Deployment | null {
  try {
    const d = JSON.parse(fs.readFileSync(file, 'utf8')) as Partial<Deployment>
    const addresses = [d.multicall3, d.pixels, d.landmarks, d.souvenirs, d.copycat]
    if (
      typeof d.chainId !== 'number' ||
      typeof d.fromBlock !== 'number' ||
      typeof d.blocks !== 'object' ||
      !addresses.every((a) => typeof a === 'string' && /^0x[0-9a-fA-F]{40}$/.test(a))
    ) {
      return null
    }
    return d as Deployment
  } catch {
    return null
  }
}

export function writeJsonAtomic(file: string, value: unknown): void {
  fs.mkdirSync(path.dirname(file), { recursive: true })
  const tmp = `${file}.${process.pid}.tmp`
  fs.writeFileSync(tmp, `${JSON.stringify(value, null, 2)}\n`)
  fs.renameSync(tmp, file)
}

/** Why the recorded deployment cannot be reused, or null when it can. */
async function staleReason(
  provider: JsonRpcProvider,
  d: Deployment | null,
  chainId: number,
  artifacts: string,
  content: string,
): Promise<string | null> {
  if (!d) return 'no deployment recorded'
  if (d.chainId !== chainId) return `recorded for chain ${d.chainId}, running ${chainId}`
  if (d.artifactsHash !== artifacts) return 'the contracts changed'
  if (d.contentHash !== content) return 'the minted content changed'
  const codes = await Promise.all(
    [d.multicall3, d.pixels, d.landmarks, d.souvenirs, d.copycat].map((a) => provider.getCode(a)),
  )
  if (codes.some((c) => c === '0x')) return 'the contracts are not on the chain (state lost)'
  return null
}

export interface SeedResult {
  deployment: Deployment
  /** True when this call deployed and minted; false when the recorded deployment was reused. */
  deployed: boolean
  /** Why it deployed (null when reused). */
  reason: string | null
  /** Whether solc ran (false: artifacts from the cache or not needed). */
  compiled: boolean
  /** Tokens this call added to an earlier seed ("landmarks #5"); empty when none was missing. */
  toppedUp: string[]
}

/** Deploys and mints unless `<chainDir>/deployment.json` describes contracts on this chain. */
export async function seedDevChain(options: {
  rpcUrl: string
  chainDir: string
  mnemonic?: string
  onLog?: (line: string) => void
  /** Tests only: seed as the first release did, without the later tokens. */
  skipTopUps?: boolean
}): Promise<SeedResult> {
  const { rpcUrl, chainDir } = options
  const log = options.onLog ?? (() => {})
  const provider = new JsonRpcProvider(rpcUrl, undefined, { staticNetwork: true })
  provider.pollingInterval = 50
  try {
    const chainId = Number((await provider.getNetwork()).chainId)
    const deploymentFile = path.join(chainDir, 'deployment.json')
    const recorded = readDeployment(deploymentFile)
    const aHash = artifactsHash()
    const cHash = contentHash()
    const reason = await staleReason(provider, recorded, chainId, aHash, cHash)
    const topUp = async (d: Deployment) =>
      options.skipTopUps ? [] : topUpDevChain(provider, d, options.mnemonic, log)
    if (reason === null && recorded) {
      const toppedUp = await topUp(recorded)
      return { deployment: recorded, deployed: false, reason: null, compiled: false, toppedUp }
    }
    log(`deploying the demo collections (${reason})`)
    const { artifacts, compiled } = await loadArtifacts(chainDir)
    const deployment = await deployAndMint(provider, artifacts.contracts, options.mnemonic)
    const full: Deployment = { ...deployment, chainId, artifactsHash: aHash, contentHash: cHash }
    writeJsonAtomic(deploymentFile, full)
    await topUp(full)
    return { deployment: full, deployed: true, reason, compiled, toppedUp: [] }
  } finally {
    provider.destroy()
  }
}

type Abis = Awaited<ReturnType<typeof loadArtifacts>>['artifacts']['contracts']

async function deployAndMint(
  provider: JsonRpcProvider,
  contracts: Abis,
  mnemonic?: string,
): Promise<Omit<Deployment, 'chainId' | 'artifactsHash' | 'contentHash'>> {
  const [issuerWallet, visitorWallet, friendWallet] = devWallets(mnemonic)
  // One signer for every transaction: with anvil's instant mining, letting ethers ask for the
  // nonce per transaction races ("nonce too low"); NonceManager counts locally.
  const issuer = new NonceManager((issuerWallet as HDNodeWallet).connect(provider))
  const visitor = (visitorWallet as HDNodeWallet).address
  const friend = (friendWallet as HDNodeWallet).address
  const souvenirs = souvenirContent()

  const deploy = async (name: keyof Abis, args: unknown[]) => {
    const { abi, bytecode } = contracts[name]
    const contract = await new ContractFactory(abi, bytecode, issuer).deploy(...args)
    const tx = contract.deploymentTransaction()
    const receipt = tx ? await minedReceipt(provider, tx) : null
    if (!receipt || receipt.status !== 1 || !receipt.contractAddress) {
      throw new Error(`deploying ${name} failed`)
    }
    return { address: getAddress(receipt.contractAddress), block: receipt.blockNumber }
  }
  const multicall3 = await deploy('Multicall3', [])
  const pixels = await deploy('BlockParkPixels', [])
  const landmarks = await deploy('CangqiongLandmarks', [])
  const scenic = await deploy('ScenicSouvenirs', [souvenirs.uri])
  const copycat = await deploy('Copycat', ['Block Park Pixels', 'BPPX'])

  const pixelsC = new Contract(pixels.address, contracts.BlockParkPixels.abi, issuer)
  const landmarksC = new Contract(landmarks.address, contracts.CangqiongLandmarks.abi, issuer)
  const scenicC = new Contract(scenic.address, contracts.ScenicSouvenirs.abi, issuer)
  const copycatC = new Contract(copycat.address, contracts.Copycat.abi, issuer)

  // Sent one after another (each waits only for the node to accept it), mined as they arrive.
  const sent: ContractTransactionResponse[] = []
  const send = async (p: Promise<ContractTransactionResponse>) => sent.push(await p)
  const pixelUris = pixelTokens().map((t) => t.uri)
  const landmarkUris = landmarkTokens().map((t) => t.uri)
  const copycatUris = copycatTokens().map((t) => t.uri)
  const mint721 = async (c: Contract, uris: string[], to: string, ids: readonly number[]) => {
    for (const id of ids) await send(c.getFunction('mint')(to, uris[id - 1]))
  }
  // Mint order = token id order: ids 1…6 to the visitor, then 7, 8 to the friend.
  await mint721(pixelsC, pixelUris, visitor, SEED_PLAN.visitor.pixels)
  await mint721(pixelsC, pixelUris, friend, SEED_PLAN.friend.pixels)
  // Landmarks past the first release's are minted by topUpDevChain, after these.
  const firstLandmarks = (ids: readonly number[]) => ids.filter((i) => i <= landmarkUris.length)
  await mint721(landmarksC, landmarkUris, visitor, firstLandmarks(SEED_PLAN.visitor.landmarks))
  await mint721(landmarksC, landmarkUris, friend, firstLandmarks(SEED_PLAN.friend.landmarks))
  await mint721(copycatC, copycatUris, visitor, SEED_PLAN.visitor.copycat)
  const v = SEED_PLAN.visitor.souvenirs
  await send(scenicC.getFunction('mintBatch')(visitor, [...v.ids], [...v.amounts]))
  const f = SEED_PLAN.friend.souvenirs
  await send(scenicC.getFunction('mintBatch')(friend, [...f.ids], [...f.amounts]))
  const receipts = await Promise.all(sent.map((tx) => minedReceipt(provider, tx)))
  const failed = receipts.findIndex((r: TransactionReceipt | null) => !r || r.status !== 1)
  if (failed >= 0) throw new Error(`mint transaction ${failed} failed`)

  return {
    multicall3: multicall3.address,
    pixels: pixels.address,
    landmarks: landmarks.address,
    souvenirs: scenic.address,
    copycat: copycat.address,
    fromBlock: multicall3.block,
    blocks: {
      multicall3: multicall3.block,
      pixels: pixels.block,
      landmarks: landmarks.block,
      souvenirs: scenic.block,
      copycat: copycat.block,
    },
  }
}

// ---- top-ups: tokens added after the first release of the seed --------------------------------

const LANDMARKS_TOP_UP_ABI = [
  'function mint(address to, string uri) returns (uint256)',
  'function ownerOf(uint256 tokenId) view returns (address)',
  'function tokenURI(uint256 tokenId) view returns (string)',
]

/** Every landmark token, first release and later ones, in token id order (id = index + 1). */
export function allLandmarkTokens() {
  return [...landmarkTokens(), ...landmarkModelTokens()]
}

async function exists(c: Contract, tokenId: number): Promise<boolean> {
  try {
    await c.getFunction('ownerOf').staticCall(tokenId)
    return true
  } catch {
    return false
  }
}

/**
 * Mints the landmarks past the first release (#5…) into a deployment that lacks them, in id
 * order, to the wallet SEED_PLAN names. Idempotent: a token that is there with the same URI is
 * left alone. A token id taken by something else (a chain someone minted on by hand) is skipped
 * with a log line, never an error: the dev chain must still start. Returns what it minted.
 */
export async function topUpDevChain(
  provider: JsonRpcProvider,
  deployment: Deployment,
  mnemonic: string | undefined,
  log: (line: string) => void,
): Promise<string[]> {
  const [issuerWallet, visitorWallet, friendWallet] = devWallets(mnemonic)
  const issuer = (issuerWallet as HDNodeWallet).connect(provider)
  const landmarks = new Contract(deployment.landmarks, LANDMARKS_TOP_UP_ABI, issuer)
  // Asked of the node directly: ethers' short-lived request cache could still hold the count
  // from before a deployment that just happened ("nonce too low").
  let nonce = Number(await provider.send('eth_getTransactionCount', [issuer.address, 'pending']))
  const tokens = allLandmarkTokens()
  const minted: string[] = []
  for (let id = LANDMARKS.length + 1; id <= tokens.length; id++) {
    const uri = tokens[id - 1]!.uri
    const to = (SEED_PLAN.visitor.landmarks as readonly number[]).includes(id)
      ? (visitorWallet as HDNodeWallet).address
      : (friendWallet as HDNodeWallet).address
    if (await exists(landmarks, id)) {
      if ((await landmarks.getFunction('tokenURI').staticCall(id)) !== uri) {
        log(`landmark #${id} exists with other metadata: the demo token was not added`)
      }
      continue
    }
    // Ids are sequential and never burnt: the next mint is #id only when #id-1 exists.
    if (!(await exists(landmarks, id - 1))) {
      log(`landmark #${id - 1} is missing: landmark #${id} was not added`)
      break
    }
    const tx = await landmarks.getFunction('mint')(to, uri, { nonce: nonce++ })
    const receipt = await minedReceipt(provider, tx)
    if (!receipt || receipt.status !== 1) throw new Error(`minting landmark #${id} failed`)
    log(`added landmark #${id} to the demo collections`)
    minted.push(`landmarks #${id}`)
  }
  return minted
}

// ---- the trust registry of the local chain --------------------------------------------------

export interface RegistryIssuerJson {
  contract: string
  standard: 'erc721' | 'erc1155'
  name: LocalText
  issuer: LocalText
  platform: LocalText
  fromBlock: number
  metadata: { sha256?: Record<string, string>; base?: string }
  circulation?: {
    transferable: boolean
    minHoldingDays?: number
    recipients?: 'signed-in' | 'same-platform'
  }
}

export interface RegistryChainJson {
  chainId: number
  kind: 'evm'
  local: boolean
  name: LocalText
  rpcUrls: string[]
  multicall3?: string
  capabilities?: { batchSize?: number; logRange?: number; pastBlocks?: boolean; erc165?: boolean }
  discoverFromBlock?: number
  issuers: RegistryIssuerJson[]
}

export interface RegistryJson {
  version: 1
  chains: RegistryChainJson[]
}

const PLATFORM: LocalText = { 'zh-CN': '苍穹', en: 'Cangqiong' }

/** The registry's metadata pins of a collection's tokens, by token id (1…). */
export function pins(tokens: { sha256: string }[]): Record<string, string> {
  return Object.fromEntries(tokens.map((t, i) => [String(i + 1), t.sha256]))
}

/**
 * The registry file for the local chain, in the shape src/chain/registry.ts reads. The copycat
 * is deliberately absent; `discoverFromBlock` lets the server list its tokens as unverified.
 */
export function devTrustRegistry(
  deployment: Deployment,
  rpcUrl: string,
  souvenirs: SouvenirContent = souvenirContent(),
): RegistryJson {
  return {
    version: 1,
    chains: [
      {
        chainId: deployment.chainId,
        kind: 'evm',
        local: true,
        name: { 'zh-CN': '本地开发链', en: 'Local development chain' },
        rpcUrls: [rpcUrl],
        multicall3: deployment.multicall3,
        discoverFromBlock: deployment.fromBlock,
        issuers: [
          {
            contract: deployment.pixels,
            standard: 'erc721',
            name: { 'zh-CN': '区块乐园像素藏品', en: 'Block Park Pixels' },
            issuer: { 'zh-CN': '区块乐园工作室', en: 'Block Park Studio' },
            platform: PLATFORM,
            fromBlock: deployment.blocks.pixels,
            metadata: { sha256: pins(pixelTokens()) },
            // Pixels may be given to anyone signed in, at once.
            circulation: { transferable: true, recipients: 'signed-in' },
          },
          {
            contract: deployment.landmarks,
            standard: 'erc721',
            name: { 'zh-CN': '苍穹地标', en: 'Cangqiong Landmarks' },
            issuer: { 'zh-CN': '苍穹城建档案馆', en: 'Cangqiong City Archive' },
            platform: PLATFORM,
            fromBlock: deployment.blocks.landmarks,
            metadata: { sha256: pins(allLandmarkTokens()) },
            // The archive's landmarks stay with whoever they were issued to.
            circulation: { transferable: false },
          },
          {
            contract: deployment.souvenirs,
            standard: 'erc1155',
            name: { 'zh-CN': '景区纪念品', en: 'Scenic Souvenirs' },
            issuer: { 'zh-CN': '苍穹景区管理处', en: 'Cangqiong Scenic Area Office' },
            platform: PLATFORM,
            fromBlock: deployment.blocks.souvenirs,
            metadata: { base: souvenirs.base, sha256: souvenirs.sha256 },
            // Souvenirs go on after a week in their first holder's hands, to fellow holders.
            circulation: { transferable: true, minHoldingDays: 7, recipients: 'same-platform' },
          },
        ],
      },
    ],
  }
}

export function writeTrustRegistry(file: string, registry: RegistryJson): void {
  writeJsonAtomic(file, registry)
}
