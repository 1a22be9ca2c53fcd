// The lint rules that guard the architecture must actually fire: lint small snippets as if they
// lived at the given paths and check which rules report. The server's logging rule is here too:
// its files are linted type-aware, and one ESLint in one process builds the TypeScript program
// once for both (in a file of its own it built it again: 18 s of CPU in the unit run).
import { ESLint } from 'eslint'
import { describe, expect, it } from 'vitest'
import { FEATURE_DEPENDS } from '../eslint.config.js'

const eslint = new ESLint({ cwd: process.cwd() })

async function rulesFor(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath })
  return (result?.messages ?? []).map((m) => m.ruleId ?? m.message)
}

describe('architecture lint', () => {
  it('keeps React, three and Colyseus out of src/protocol and src/chain', async () => {
    for (const [file, mod] of [
      ['src/protocol/x.ts', 'three'],
      ['src/protocol/x.ts', 'react'],
      ['src/chain/x.ts', '@react-three/fiber'],
      ['src/chain/x.ts', 'colyseus.js'],
      ['src/protocol/x.ts', '@colyseus/schema'],
    ] as const) {
      expect(await rulesFor(file, `import '${mod}'\n`), `${file} importing ${mod}`).toContain(
        'no-restricted-imports',
      )
    }
  })

  it('lets src/protocol and src/chain use each other and plain libraries', async () => {
    expect(await rulesFor('src/chain/x.ts', `import '../protocol/y'\nimport 'zod'\n`)).toEqual([])
  })

  it('keeps client layers out of the isomorphic code', async () => {
    expect(await rulesFor('src/protocol/x.ts', `import '../state/y'\n`)).toContain(
      'no-restricted-imports',
    )
  })

  it('never lets the client import from server/', async () => {
    expect(await rulesFor('src/app/x.ts', `import '../../server/app'\n`)).toContain(
      'no-restricted-imports',
    )
    expect(
      await rulesFor('src/world/deep/x.ts', `import '../../../server/rooms/WorldRoom'\n`),
    ).toContain('no-restricted-imports')
  })

  it('keeps features and the app out of the engine (world, avatar, net, state)', async () => {
    for (const [file, mod] of [
      ['src/world/x.tsx', '../spaces/Spaces'],
      ['src/world/hd/x.ts', '../../events/collider'],
      ['src/net/x.ts', '../wallet/store'],
      ['src/state/x.ts', '../events/store'],
      ['src/avatar/x.ts', '../app/router'],
      // A feature that does not exist yet needs no edit of the rule.
      ['src/world/x.ts', '../voice/channel'],
      // The text helpers sit beside the engine and import no feature either.
      ['src/i18n/x.ts', '../spaces/strings'],
    ] as const) {
      expect(await rulesFor(file, `import '${mod}'\n`), `${file} importing ${mod}`).toContain(
        'cangqiong/engine-imports',
      )
    }
    // A lazy import is an import too.
    expect(
      await rulesFor('src/world/x.ts', `export const l = () => import('../spaces/Spaces')\n`),
    ).toContain('cangqiong/engine-imports')
  })

  it('lets the engine use itself, the isomorphic layers and text helpers', async () => {
    const code = [
      "import '../collision'",
      "import '../../state/world'",
      "import '../../net/featureBinding'",
      "import '../../protocol/scene'",
      "import '../../i18n'",
      "import '../../../shaders/voxel-seam.glsl?raw'",
      "import 'three'",
      '',
    ].join('\n')
    expect(await rulesFor('src/world/hd/x.ts', code)).toEqual([])
  })

  it('lets the app import features, and features import the engine', async () => {
    expect(await rulesFor('src/app/x.ts', `import '../spaces/y'\nimport '../events/z'\n`)).toEqual(
      [],
    )
    expect(
      await rulesFor(
        'src/spaces/x.ts',
        `import '../world/collision'\nimport '../net/featureBinding'\n`,
      ),
    ).toEqual([])
  })

  it('lets a feature import only the features it declares, and only the app kit', async () => {
    for (const [file, mod, rule] of [
      ['src/events/x.ts', '../spaces/collider', 'feature'],
      ['src/wallet/x.tsx', '../events/store', 'feature'],
      ['src/spaces/deep/x.ts', '../../events/Stage', 'feature'],
      // A new feature depends on none until FEATURE_DEPENDS says why.
      ['src/voice/x.ts', '../wallet/store', 'feature'],
      ['src/spaces/x.ts', '../app/WorldHud', 'app'],
      ['src/events/x.ts', '../app/features', 'app'],
    ] as const) {
      const [result] = await eslint.lintText(`export const l = () => import('${mod}')\n`, {
        filePath: file,
      })
      const messages = (result?.messages ?? []).filter(
        (m) => m.ruleId === 'cangqiong/feature-imports',
      )
      expect(
        messages.map((m) => m.messageId),
        `${file} importing ${mod}`,
      ).toEqual([rule])
    }
    const allowed = [
      "import '../wallet/store'",
      "import '../app/router'",
      "import '../app/Dialog'",
      "import '../world/boxes'",
      "import '../i18n'",
      "import './layout'",
      '',
    ].join('\n')
    expect(await rulesFor('src/events/x.ts', allowed)).toEqual([])
    expect(await rulesFor('src/main.tsx', `import './app/App'\nimport './spaces/x'\n`)).toEqual([])
  })

  it('keeps the declared feature dependencies a tree', () => {
    const visiting = new Set<string>()
    const depth = (name: string): number => {
      expect(visiting.has(name), `a cycle through ${name}`).toBe(false)
      visiting.add(name)
      const deps = FEATURE_DEPENDS[name] ?? []
      const d = Math.max(0, ...deps.map((n) => depth(n) + 1))
      visiting.delete(name)
      return d
    }
    for (const name of Object.keys(FEATURE_DEPENDS)) expect(depth(name)).toBeGreaterThan(0)
  })

  it('makes the server await or handle every promise', async () => {
    const code = [
      'async function work() {}',
      'export function f() {',
      '  void work()',
      '  work()',
      '  work().catch(() => {})',
      '  setInterval(async () => work(), 1000)',
      '}',
      '',
    ].join('\n')
    // Linted as an existing server file: the rule needs the file in the TypeScript project.
    const rules = await rulesFor('server/background.ts', code)
    expect(rules.filter((r) => r === '@typescript-eslint/no-floating-promises')).toHaveLength(2)
    expect(rules).toContain('@typescript-eslint/no-misused-promises')
  }, 120_000) // type-aware: builds the TypeScript program first

  it('flags allocation inside frame loops', async () => {
    const code = [
      "import { useFrame } from '@react-three/fiber'",
      "import { Vector3 } from 'three'",
      'export function C() {',
      '  useFrame(() => {',
      '    const v = new Vector3()',
      '    v.clone()',
      '  })',
      '  return null',
      '}',
      '',
    ].join('\n')
    const rules = await rulesFor('src/world/x.tsx', code)
    expect(rules).toContain('@react-three/no-new-in-loop')
    expect(rules).toContain('@react-three/no-clone-in-loop')
  })

  it('keeps server features out of server/rooms but for the composition point', async () => {
    // Test-file paths: the type-aware server rules need real files, this rule does not.
    for (const mod of ['../spaces/room', '../events/handlers', '../../server/spaces/service']) {
      expect(await rulesFor('server/rooms/x.test.ts', `import '${mod}'\n`), mod).toContain(
        'no-restricted-imports',
      )
    }
    const engine = ['../features', '../log', '../../src/protocol/spaces', './WorldState']
    const imports = engine.map((m) => `import '${m}'\n`).join('')
    expect(await rulesFor('server/rooms/x.test.ts', imports)).toEqual([])
    expect(await rulesFor('server/x.test.ts', `import './spaces/room'\n`)).toEqual([])
  })
})

// The server logs only through server/log.ts: lint refuses a bare console call in server code
// (it would bypass levels, JSON lines and the request and room ids), and lets tests use one.
describe('server logging lint', () => {
  // Linted as existing server files: their type-aware rules need the file in the TypeScript
  // project. The first lint of a server file builds the program: minutes on a busy machine.
  const BUILD_MS = 600_000

  it(
    'refuses console in server code, rooms and the entry point included',
    async () => {
      const code = [
        "import { log } from './log'",
        "log.info({ n: 1 }, 'fine')",
        "console.log('x')",
        "console.error('x')",
        "console.warn('x')",
        '',
      ].join('\n')
      expect(await rulesFor('server/background.ts', code)).toEqual([
        'no-console',
        'no-console',
        'no-console',
      ])
      expect(await rulesFor('server/rooms/WorldRoom.ts', "console.error('x')\n")).toEqual([
        'no-console',
      ])
      expect(await rulesFor('server/main.ts', "console.error('x')\n")).toEqual(['no-console'])
    },
    BUILD_MS,
  )

  it('lets server tests use console', async () => {
    expect(await rulesFor('server/background.test.ts', "console.log('x')\n")).toEqual([])
  })
})
