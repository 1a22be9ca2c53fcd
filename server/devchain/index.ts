// The embedded local chain ("devchain") `npm start` runs with no setup and no network: anvil on
// loopback with its state in `<dataDir>/chain/anvil-state.json`, the demo collections deployed
// and minted once (seed.ts), the souvenir files for the local IPFS gateway, and a trust
// registry for the chain. A second start reuses the compiled contracts and the seeded state.
//
// Files under `<dataDir>/chain/`:
//   anvil-state.json           the chain (anvil --state), dumped on stop and every few seconds
//   artifacts-<hash>.json      compiled ABIs and bytecode (compile.ts)
//   deployment.json            contract addresses and deployment blocks (seed.ts)
//   trust-registry.json        the registry of the local chains, rewritten on every start
//   partner/                   the second local chain, when started (partner.ts)
//   ipfs/<cid>/<file>          souvenir images and metadata, the 3D models and the avatar (models.ts),
//                              served at /ipfs/<cid>/<file>
import fs from 'node:fs'
import path from 'node:path'
import { DEV_CHAIN_ID, startAnvil } from './anvil'
import { souvenirContent, writeSouvenirFiles } from './content'
import { avatarContent, writeModelFiles } from './models'
import { partnerRegistryChain, startPartnerChain, type PartnerChain } from './partner'
import {
  devAccounts,
  devTrustRegistry,
  seedDevChain,
  writeTrustRegistry,
  type DevAccounts,
  type Deployment,
} from './seed'

export { DEV_CHAIN_ID, DEV_MNEMONIC, anvilBinary, AnvilNotFoundError } from './anvil'
export { devchainAbis, type ContractName } from './compile'
export { mined, minedReceipt } from './receipt'
export {
  PARTNER_CAPABILITIES,
  PARTNER_CHAIN_ID,
  PARTNER_SEED_PLAN,
  type PartnerChain,
} from './partner'
export { SEED_PLAN, devAccounts, devWallets, type DevAccounts, type Deployment } from './seed'

export interface DevChainOptions {
  /** The server's data folder; the chain lives in `<dataDir>/chain/`. */
  dataDir: string
  /** RPC port on 127.0.0.1; unset or 0: a free port. */
  port?: number
  /** Progress and anvil's warnings, one line each; default: discarded. */
  onLog?: (line: string) => void
  /**
   * Also start the second local chain (partner.ts, chain id 5555) and list it in the registry.
   * `npm start` does (DEV_CHAINS=2, its default); most tests need one chain and leave it off.
   */
  partner?: boolean
}

export interface DevChain {
  rpcUrl: string
  chainId: number
  /** anvil's process id (a child of this process, in its process group). */
  pid: number
  deployment: Pick<
    Deployment,
    'multicall3' | 'pixels' | 'landmarks' | 'souvenirs' | 'copycat' | 'fromBlock'
  >
  /** `<dataDir>/chain/trust-registry.json`. */
  registryPath: string
  /** Root of the local IPFS content: `<ipfsDir>/<cid>/<path>` is `ipfs://<cid>/<path>`. */
  ipfsDir: string
  accounts: DevAccounts
  /** The second local chain, when `partner` was asked for. */
  partner: PartnerChain | null
  /** What this start did and how long it took. */
  startup: {
    /** True when the contracts were deployed and minted now (first start, or state lost). */
    deployed: boolean
    /** Why it deployed: no record, state lost, contracts or content changed; null if reused. */
    reason: string | null
    /** When the state file was unreadable, where it was moved to. */
    discardedState: string | null
    /** True when solc ran now. */
    compiled: boolean
    /** Tokens added now to a chain seeded by an earlier version ("landmarks #5"). */
    toppedUp: string[]
    anvilMs: number
    seedMs: number
    totalMs: number
  }
  /** Stops anvil (both, with the partner); the chain state is dumped to disk first. */
  stop(): Promise<void>
}

export function chainDirOf(dataDir: string): string {
  return path.join(dataDir, 'chain')
}

/** Starts anvil, seeds it if needed, writes the registry and the souvenir files. */
export async function startDevChain(options: DevChainOptions): Promise<DevChain> {
  const t0 = performance.now()
  const log = options.onLog ?? (() => {})
  const chainDir = chainDirOf(options.dataDir)
  fs.mkdirSync(chainDir, { recursive: true })
  const anvil = await startAnvil({
    stateFile: path.join(chainDir, 'anvil-state.json'),
    port: options.port ?? 0,
    chainId: DEV_CHAIN_ID,
    onLog: (line) => log(`[anvil] ${line}`),
  })
  const t1 = performance.now()
  let partner: PartnerChain | null = null
  try {
    const seeded = await seedDevChain({ rpcUrl: anvil.rpcUrl, chainDir, onLog: log })
    // After the first seed: it compiles the contracts (once) that the partner deploys too.
    if (options.partner) partner = await startPartnerChain({ chainDir, onLog: log })
    const ipfsDir = path.join(chainDir, 'ipfs')
    const souvenirs = souvenirContent()
    writeSouvenirFiles(ipfsDir, souvenirs)
    writeModelFiles(ipfsDir)
    writeModelFiles(ipfsDir, avatarContent())
    const registryPath = path.join(chainDir, 'trust-registry.json')
    const registry = devTrustRegistry(seeded.deployment, anvil.rpcUrl, souvenirs)
    if (partner) registry.chains.push(partnerRegistryChain(partner.deployment, partner.rpcUrl))
    writeTrustRegistry(registryPath, registry)
    const t2 = performance.now()
    const d = seeded.deployment
    return {
      rpcUrl: anvil.rpcUrl,
      chainId: anvil.chainId,
      pid: anvil.pid,
      deployment: {
        multicall3: d.multicall3,
        pixels: d.pixels,
        landmarks: d.landmarks,
        souvenirs: d.souvenirs,
        copycat: d.copycat,
        fromBlock: d.fromBlock,
      },
      registryPath,
      ipfsDir,
      accounts: devAccounts(),
      partner,
      startup: {
        deployed: seeded.deployed,
        reason: seeded.reason,
        discardedState: anvil.discardedState,
        compiled: seeded.compiled,
        toppedUp: seeded.toppedUp,
        anvilMs: Math.round(t1 - t0),
        seedMs: Math.round(t2 - t1),
        totalMs: Math.round(t2 - t0),
      },
      stop: async () => {
        await Promise.all([anvil.stop(), partner?.stop()])
      },
    }
  } catch (err) {
    await Promise.all([anvil.stop(), partner?.stop()])
    throw err
  }
}
