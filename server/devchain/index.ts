// The embedded local chain ("devchain") `npm start` runs with no setup and no network: anvil on
// loopback with its state in `<dataDir>/chain/anvil-state.json`, the demo collections deployed
// and minted once (seed.ts), the souvenir files for the local IPFS gateway, and a trust
// registry for the chain. A second start reuses the compiled contracts and the seeded state.
//
// Files under `<dataDir>/chain/`:
//   anvil-state.json           the chain (anvil --state), dumped on stop and every few seconds
//   artifacts-<hash>.json      compiled ABIs and bytecode (compile.ts)
//   deployment.json            contract addresses and deployment blocks (seed.ts)
//   trust-registry.json        the registry of the local chain, rewritten on every start
//   ipfs/<cid>/<file>          souvenir images and metadata, and the 3D models (models.ts),
//                              served at /ipfs/<cid>/<file>
import fs from 'node:fs'
import path from 'node:path'
import { DEV_CHAIN_ID, startAnvil } from './anvil'
import { souvenirContent, writeSouvenirFiles } from './content'
import { writeModelFiles } from './models'
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
export { SEED_PLAN, devAccounts, devWallets, type DevAccounts, type Deployment } from './seed'

export interface DevChainOptions {
  /** The server's data folder; the chain lives in `<dataDir>/chain/`. */
  dataDir: string
  /** RPC port on 127.0.0.1; unset or 0: a free port. */
  port?: number
  /** Progress and anvil's warnings, one line each; default: discarded. */
  onLog?: (line: string) => void
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
  /** Stops anvil; the chain state is dumped to disk first. */
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
  try {
    const seeded = await seedDevChain({ rpcUrl: anvil.rpcUrl, chainDir, onLog: log })
    const ipfsDir = path.join(chainDir, 'ipfs')
    const souvenirs = souvenirContent()
    writeSouvenirFiles(ipfsDir, souvenirs)
    writeModelFiles(ipfsDir)
    const registryPath = path.join(chainDir, 'trust-registry.json')
    writeTrustRegistry(registryPath, devTrustRegistry(seeded.deployment, anvil.rpcUrl, souvenirs))
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
      stop: () => anvil.stop(),
    }
  } catch (err) {
    await anvil.stop()
    throw err
  }
}
