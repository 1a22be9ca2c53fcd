// Compiles the demo contracts in `contracts/` with solc-js (WebAssembly, in-process: nothing is
// downloaded at run time) and caches the ABI and bytecode in
// `<dataDir>/chain/artifacts-<hash>.json` (and in node_modules/.cache, shared by all data
// folders). The hash covers the contract sources, the solc and OpenZeppelin versions and the
// compiler settings, so a later start reads the cache and never loads the 9 MB compiler; any
// change to them compiles again into a new file.
import { createHash } from 'node:crypto'
import fs from 'node:fs'
import { createRequire } from 'node:module'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import type { JsonFragment } from 'ethers'

export const CONTRACT_NAMES = [
  'Multicall3',
  'BlockParkPixels',
  'CangqiongLandmarks',
  'ScenicSouvenirs',
  'Copycat',
  'VillageSeals',
] as const
export type ContractName = (typeof CONTRACT_NAMES)[number]

export interface Artifact {
  abi: JsonFragment[]
  /** Creation bytecode, 0x-prefixed. */
  bytecode: string
}

export interface Artifacts {
  /** sha256 (hex) of sources + solc version + settings: the cache key. */
  hash: string
  solcVersion: string
  contracts: Record<ContractName, Artifact>
}

/** The repository's `contracts/` folder. */
export const CONTRACTS_DIR = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../../contracts',
)

const require = createRequire(import.meta.url)

// OpenZeppelin 5.7 uses `mcopy`, a Cancun opcode; anvil runs Prague by default, which has it.
const SETTINGS = {
  optimizer: { enabled: true, runs: 200 },
  evmVersion: 'cancun',
  outputSelection: { '*': { '*': ['abi', 'evm.bytecode.object'] } },
} as const

const OZ_PREFIX = '@openzeppelin/contracts/'

function packageVersion(name: string): string {
  const pkg = JSON.parse(fs.readFileSync(require.resolve(`${name}/package.json`), 'utf8')) as {
    version?: unknown
  }
  if (typeof pkg.version !== 'string') throw new Error(`${name}/package.json has no version`)
  return pkg.version
}

function readSources(): Record<string, string> {
  const sources: Record<string, string> = {}
  for (const name of CONTRACT_NAMES) {
    sources[`${name}.sol`] = fs.readFileSync(path.join(CONTRACTS_DIR, `${name}.sol`), 'utf8')
  }
  return sources
}

/**
 * The cache key. OpenZeppelin's sources enter through its package version (a published version
 * never changes), so computing the key reads the contract files and two package.json files.
 */
export function artifactsHash(sources: Record<string, string> = readSources()): string {
  const h = createHash('sha256')
  h.update(
    JSON.stringify({
      solc: packageVersion('solc'),
      openzeppelin: packageVersion('@openzeppelin/contracts'),
      settings: SETTINGS,
      sources: Object.keys(sources)
        .sort()
        .map((name) => [name, sources[name]]),
    }),
  )
  return h.digest('hex')
}

/** Resolves `@openzeppelin/contracts/...` imports from node_modules; nothing else is readable. */
function findImport(importPath: string): { contents: string } | { error: string } {
  if (!importPath.startsWith(OZ_PREFIX) || importPath.split('/').includes('..')) {
    return { error: `import not allowed: ${importPath} (only ${OZ_PREFIX}…)` }
  }
  try {
    const root = path.dirname(require.resolve('@openzeppelin/contracts/package.json'))
    return {
      contents: fs.readFileSync(path.join(root, importPath.slice(OZ_PREFIX.length)), 'utf8'),
    }
  } catch (err) {
    return { error: `cannot read ${importPath}: ${err instanceof Error ? err.message : err}` }
  }
}

interface SolcError {
  severity: 'error' | 'warning' | 'info'
  formattedMessage?: string
  message: string
}
interface SolcOutput {
  errors?: SolcError[]
  contracts?: Record<
    string,
    Record<string, { abi: JsonFragment[]; evm: { bytecode: { object: string } } }>
  >
}
interface Solc {
  version(): string
  compile(input: string, callbacks: { import: typeof findImport }): string
}

/** Compiles the contracts. Throws with solc's messages when a source does not compile. */
export async function compileContracts(
  sources: Record<string, string> = readSources(),
): Promise<Artifacts> {
  // Loaded only here: the compiler is a 9 MB WebAssembly module that takes a while to start.
  const solc = (await import('solc')).default as Solc
  const input = {
    language: 'Solidity',
    sources: Object.fromEntries(
      Object.entries(sources).map(([name, content]) => [name, { content }]),
    ),
    settings: SETTINGS,
  }
  const output = JSON.parse(
    solc.compile(JSON.stringify(input), { import: findImport }),
  ) as SolcOutput
  const errors = (output.errors ?? []).filter((e) => e.severity === 'error')
  if (errors.length > 0) {
    throw new Error(
      `solc ${solc.version()} could not compile contracts/:\n` +
        errors.map((e) => e.formattedMessage ?? e.message).join('\n'),
    )
  }
  const contracts = {} as Record<ContractName, Artifact>
  for (const name of CONTRACT_NAMES) {
    const out = output.contracts?.[`${name}.sol`]?.[name]
    if (!out || !out.evm.bytecode.object) throw new Error(`solc produced no bytecode for ${name}`)
    contracts[name] = { abi: out.abi, bytecode: `0x${out.evm.bytecode.object}` }
  }
  return { hash: artifactsHash(sources), solcVersion: solc.version(), contracts }
}

function isArtifacts(value: unknown, hash: string): value is Artifacts {
  if (typeof value !== 'object' || value === null) return false
  const v = value as Partial<Artifacts>
  if (v.hash !== hash || typeof v.contracts !== 'object' || v.contracts === null) return false
  const contracts = v.contracts as Partial<Record<ContractName, Partial<Artifact>>>
  return CONTRACT_NAMES.every((name) => {
    const a = contracts[name]
    return !!a && Array.isArray(a.abi) && typeof a.bytecode === 'string' && a.bytecode.length > 2
  })
}

export interface LoadedArtifacts {
  artifacts: Artifacts
  /** False when read from a cache. */
  compiled: boolean
  path: string
}

/**
 * A second, machine-wide cache next to the installed packages (like Vite's node_modules/.vite):
 * the key covers everything that goes into the output, so every data folder, including the
 * tests' temporary ones, can share it and compile only once per change of the sources.
 */
export function sharedArtifactsDir(): string | null {
  try {
    const solcDir = path.dirname(require.resolve('solc/package.json'))
    return path.join(solcDir, '..', '.cache', 'cangqiong-devchain')
  } catch {
    return null
  }
}

function readCached(file: string, hash: string): Artifacts | null {
  try {
    const cached: unknown = JSON.parse(fs.readFileSync(file, 'utf8'))
    return isArtifacts(cached, hash) ? cached : null
  } catch {
    return null // missing or unreadable
  }
}

/** Writes through a temporary name and renames, so a crash never leaves half a file. */
function writeCached(file: string, artifacts: Artifacts): void {
  fs.mkdirSync(path.dirname(file), { recursive: true })
  const tmp = `${file}.${process.pid}.tmp`
  fs.writeFileSync(tmp, JSON.stringify(artifacts))
  fs.renameSync(tmp, file)
}

/**
 * The artifacts for the current sources: from `<chainDir>/artifacts-<hash>.json`, else from the
 * shared cache (copied into chainDir), else compiled and written to both.
 */
export async function loadArtifacts(chainDir: string): Promise<LoadedArtifacts> {
  const sources = readSources()
  const hash = artifactsHash(sources)
  const name = `artifacts-${hash}.json`
  const file = path.join(chainDir, name)
  const own = readCached(file, hash)
  if (own) return { artifacts: own, compiled: false, path: file }
  const sharedDir = sharedArtifactsDir()
  const shared = sharedDir ? readCached(path.join(sharedDir, name), hash) : null
  const artifacts = shared ?? (await compileContracts(sources))
  writeCached(file, artifacts)
  if (!shared && sharedDir) {
    try {
      writeCached(path.join(sharedDir, name), artifacts)
    } catch {
      // A read-only node_modules: the data folder's copy is enough.
    }
  }
  return { artifacts, compiled: !shared, path: file }
}

/** The ABIs of the demo contracts (for the seed and tests; verification uses standard ABIs). */
export async function devchainAbis(
  chainDir: string,
): Promise<Record<ContractName, JsonFragment[]>> {
  const { artifacts } = await loadArtifacts(chainDir)
  const abis = {} as Record<ContractName, JsonFragment[]>
  for (const name of CONTRACT_NAMES) abis[name] = artifacts.contracts[name].abi
  return abis
}
