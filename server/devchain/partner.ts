// The second local chain `npm start` runs beside the first: a stand-in for another consortium
// chain, so a wallet's listing spans two chains from the first start and one of them can go
// down while the other still verifies. Chain id 5555 (BSN 武汉链's), its own anvil and state,
// and a chain shaped like the older nodes the registry's capabilities exist for: no Multicall3,
// a plain ERC-721 issuer without the Enumerable extension (tokens are found from Transfer logs),
// and in the registry small batches, a short log range, no reads at past blocks and no ERC-165
// questions. Its one collection, Village Seals, is issued on a platform of its own, so the
// "same platform" circulation rule has something to tell apart.
//
// Files under `<dataDir>/chain/partner/`: anvil-state.json and deployment.json, as the first
// chain keeps them (index.ts); the registry entry joins the first chain's trust-registry.json.
import fs from 'node:fs'
import path from 'node:path'
import type { HDNodeWallet } from 'ethers'
import {
  Contract,
  ContractFactory,
  getAddress,
  JsonRpcProvider,
  NonceManager,
  type ContractTransactionResponse,
} from 'ethers'
import { startAnvil, type AnvilNode } from './anvil'
import { artifactsHash, loadArtifacts } from './compile'
import { sealTokens, sha256Hex } from './content'
import { minedReceipt } from './receipt'
import { devWallets, pins, writeJsonAtomic, type LocalText, type RegistryChainJson } from './seed'

export const PARTNER_CHAIN_ID = 5555

/** Who holds which seal (token ids, in mint order from 1). */
export const PARTNER_SEED_PLAN = { visitor: [1, 2, 3], friend: [4] } as const

/** What the partner chain's registry entry declares it cannot do (see ChainCapabilities). */
export const PARTNER_CAPABILITIES = {
  batchSize: 10,
  logRange: 1_000,
  pastBlocks: false,
  erc165: false,
} as const

export interface PartnerDeployment {
  chainId: number
  seals: string
  block: number
  artifactsHash: string
  contentHash: string
}

export interface PartnerChain {
  rpcUrl: string
  chainId: number
  pid: number
  deployment: PartnerDeployment
  /** True when the collection was deployed and minted now. */
  deployed: boolean
  stop(): Promise<void>
}

const PLATFORM: LocalText = { 'zh-CN': '乡村文旅数字平台', en: 'Village Heritage Platform' }

function sealsContentHash(): string {
  return sha256Hex(JSON.stringify(sealTokens().map((t) => t.sha256)))
}

function readDeployment(file: string): PartnerDeployment | null {
  try {
    const d = JSON.parse(fs.readFileSync(file, 'utf8')) as Partial<PartnerDeployment>
    if (
      typeof d.chainId !== 'number' ||
      typeof d.block !== 'number' ||
      typeof d.seals !== 'string' ||
      !/^0x[0-9a-fA-F]{40}$/.test(d.seals)
    ) {
      return null
    }
    return d as PartnerDeployment
  } catch {
    return null
  }
}

/** Starts the partner chain's anvil and seeds it unless its recorded deployment is there. */
export async function startPartnerChain(options: {
  chainDir: string
  port?: number
  onLog?: (line: string) => void
}): Promise<PartnerChain> {
  const log = options.onLog ?? (() => {})
  const dir = path.join(options.chainDir, 'partner')
  fs.mkdirSync(dir, { recursive: true })
  const anvil = await startAnvil({
    stateFile: path.join(dir, 'anvil-state.json'),
    port: options.port ?? 0,
    chainId: PARTNER_CHAIN_ID,
    onLog: (line) => log(`[anvil ${PARTNER_CHAIN_ID}] ${line}`),
  })
  try {
    const { deployment, deployed } = await seedPartner(anvil, options.chainDir, dir, log)
    return {
      rpcUrl: anvil.rpcUrl,
      chainId: anvil.chainId,
      pid: anvil.pid,
      deployment,
      deployed,
      stop: () => anvil.stop(),
    }
  } catch (err) {
    await anvil.stop()
    throw err
  }
}

async function seedPartner(
  anvil: AnvilNode,
  chainDir: string,
  dir: string,
  log: (line: string) => void,
): Promise<{ deployment: PartnerDeployment; deployed: boolean }> {
  const provider = new JsonRpcProvider(anvil.rpcUrl, undefined, { staticNetwork: true })
  provider.pollingInterval = 50
  try {
    const file = path.join(dir, 'deployment.json')
    const recorded = readDeployment(file)
    const aHash = artifactsHash()
    const cHash = sealsContentHash()
    if (
      recorded &&
      recorded.chainId === anvil.chainId &&
      recorded.artifactsHash === aHash &&
      recorded.contentHash === cHash &&
      (await provider.getCode(recorded.seals)) !== '0x'
    ) {
      return { deployment: recorded, deployed: false }
    }
    log(`deploying Village Seals on chain ${anvil.chainId}`)
    // The artifacts cache is the first chain's: both chains run the same compiled contracts.
    const { artifacts } = await loadArtifacts(chainDir)
    const { abi, bytecode } = artifacts.contracts.VillageSeals
    const [issuerWallet, visitorWallet, friendWallet] = devWallets()
    const issuer = new NonceManager((issuerWallet as HDNodeWallet).connect(provider))
    const contract = await new ContractFactory(abi, bytecode, issuer).deploy()
    const deployTx = contract.deploymentTransaction()
    const receipt = deployTx ? await minedReceipt(provider, deployTx) : null
    if (!receipt || receipt.status !== 1 || !receipt.contractAddress) {
      throw new Error('deploying VillageSeals failed')
    }
    const seals = getAddress(receipt.contractAddress)
    const c = new Contract(seals, abi, issuer)
    const uris = sealTokens().map((t) => t.uri)
    const holders = [
      ...PARTNER_SEED_PLAN.visitor.map((id) => [id, visitorWallet] as const),
      ...PARTNER_SEED_PLAN.friend.map((id) => [id, friendWallet] as const),
    ].sort((a, b) => a[0] - b[0])
    const sent: ContractTransactionResponse[] = []
    for (const [id, to] of holders) {
      sent.push(await c.getFunction('mint')((to as HDNodeWallet).address, uris[id - 1]))
    }
    const receipts = await Promise.all(sent.map((tx) => minedReceipt(provider, tx)))
    if (receipts.some((r) => r.status !== 1)) throw new Error('minting Village Seals failed')
    const deployment: PartnerDeployment = {
      chainId: anvil.chainId,
      seals,
      block: receipt.blockNumber,
      artifactsHash: aHash,
      contentHash: cHash,
    }
    writeJsonAtomic(file, deployment)
    return { deployment, deployed: true }
  } finally {
    provider.destroy()
  }
}

/** The partner chain's entry in the development trust registry. */
export function partnerRegistryChain(d: PartnerDeployment, rpcUrl: string): RegistryChainJson {
  return {
    chainId: d.chainId,
    kind: 'evm',
    local: true,
    name: { 'zh-CN': '本地联盟链', en: 'Local consortium chain' },
    rpcUrls: [rpcUrl],
    capabilities: { ...PARTNER_CAPABILITIES },
    issuers: [
      {
        contract: d.seals,
        standard: 'erc721',
        name: { 'zh-CN': '乡村印章', en: 'Village Seals' },
        issuer: { 'zh-CN': '桃花村村委会', en: 'Peach Blossom Village Committee' },
        platform: PLATFORM,
        fromBlock: d.block,
        metadata: { sha256: pins(sealTokens()) },
        // Seals go to anyone signed in, at once.
        circulation: { transferable: true, recipients: 'signed-in' },
      },
    ],
  }
}
