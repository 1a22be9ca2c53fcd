// Tests only: a separate process that uses the database the way a server process would, so
// tests can kill it (-9) or race it. Run as `node --import tsx server/db/testChild.ts <mode>`
// with DATA_DIR and optionally DATABASE_URL set.
//   commit-loop: commits layouts to one space until killed, printing `committed v<N>` after
//                each commit resolved; layout N holds exhibitsFor(N, $TAG).
//   open:        opens the database, prints `opened`, and waits for stdin to close.
import { getAddress } from 'ethers'
import { openDatabase } from './database'
import { migrate } from './migrations'
import { SpaceStore, type Exhibit } from '../spaces/store'

export const CHILD_SPACE = 'durable-plot'
export const CHILD_WORLD = 'block-park-village'
export const CHILD_OWNER = getAddress(`0x${'0'.repeat(38)}a1`)

/** The exhibits commit N writes: 1–4 of them, each naming N and the writer's tag. */
export function exhibitsFor(n: number, tag: string): Exhibit[] {
  return Array.from({ length: (n % 4) + 1 }, (_, k) => ({
    id: `00000000-0000-4000-8000-${(n * 16 + k).toString(16).padStart(12, '0')}`,
    chainId: 31337,
    contract: '0x5FbDB2315678afecb367f032d93F642f64180aa3',
    tokenId: String(n),
    standard: 'erc721' as const,
    placement: { kind: 'free' as const, x: n % 1000, y: 0, z: k, rotY: 0, scale: 1 },
    title: `v${n} #${k} ${tag}`,
    issuer: null,
    addedBy: CHILD_OWNER,
    addedAt: n,
  }))
}

async function main(mode: string | undefined) {
  const db = await openDatabase({
    dataDir: process.env.DATA_DIR!,
    databaseUrl: process.env.DATABASE_URL || undefined,
  })
  if (mode === 'open') {
    process.stdout.write('opened\n')
    process.stdin.resume()
    await new Promise((resolve) => process.stdin.on('end', resolve))
    await db.close()
    return
  }
  if (mode !== 'commit-loop') throw new Error(`unknown mode ${mode}`)
  // Never outlive the test: stop when it stops reading, and after a minute in any case.
  process.stdout.on('error', () => process.exit(1))
  setTimeout(() => process.exit(1), 60_000).unref()
  await migrate(db)
  const store = new SpaceStore(db)
  const owner = CHILD_OWNER.toLowerCase()
  await store.assign(CHILD_SPACE, CHILD_WORLD, owner)
  let { version } = await store.layout(CHILD_SPACE)
  for (;;) {
    const next = version + 1
    ;({ version } = await store.commitLayout(
      CHILD_SPACE,
      owner,
      exhibitsFor(next, process.env.TAG ?? ''),
      {
        baseVersion: version,
        note: 'place',
      },
    ))
    // stdout to a pipe is synchronous on Linux: the line is out before the next commit starts.
    process.stdout.write(`committed v${version}\n`)
    // Yield so that timers and a broken stdout get their turn between commits (PGlite in this
    // thread used to settle its promises without returning to the event loop).
    await new Promise((resolve) => setImmediate(resolve))
  }
}

if (process.argv[1]?.endsWith('testChild.ts')) {
  main(process.argv[2]).catch((err: unknown) => {
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`)
    process.exit(1)
  })
}
