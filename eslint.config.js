// Lint that guards the architecture as well as the code: isomorphic layers stay free of
// React/three/Colyseus, the client never reaches into the server, the engine imports no feature,
// frame loops do not allocate.
import path from 'node:path'
import js from '@eslint/js'
import tseslint from 'typescript-eslint'
import reactHooks from 'eslint-plugin-react-hooks'
import r3f from '@react-three/eslint-plugin'
import globals from 'globals'

const RENDER_AND_NET = [
  {
    group: ['react', 'react/*', 'react-dom', 'react-dom/*'],
    message: 'isomorphic code must not import React',
  },
  {
    group: ['three', 'three/*', '@react-three/*'],
    message: 'isomorphic code must not import three or R3F',
  },
  { group: ['colyseus.js', '@colyseus/*'], message: 'isomorphic code must not import Colyseus' },
  { group: ['zustand', 'zustand/*'], message: 'isomorphic code must not import client state' },
]
const SERVER = {
  group: ['**/server/**', '**/server'],
  message: 'the client never imports from server/',
}
const CLIENT_LAYERS = {
  group: [
    '**/app/**',
    '**/world/**',
    '**/avatar/**',
    '**/net/**',
    '**/wallet/**',
    '**/spaces/**',
    '**/events/**',
    '**/state/**',
    '**/i18n/**',
  ],
  message: 'src/protocol and src/chain may only import each other',
}

/**
 * Seen from server/rooms (the engine): any server folder but rooms itself, i.e. every feature
 * (server/spaces, server/events, and the next without an edit here) and the storage layers.
 */
const SERVER_FOLDERS = {
  regex: '^\\.\\./(?!rooms/)[\\w-]+/|(^|/)server/(?!rooms/)[\\w-]+/',
  message:
    'server/rooms is the engine: features plug into it through server/features.ts, never imported here',
}

/** src/ folders that are not features: the engine, the shared layers and the app shell. */
const ENGINE = ['world', 'avatar', 'net', 'state']
const SHARED = ['protocol', 'chain', 'i18n']

/**
 * Which features a feature may import. The wallet is the visitor's identity (who is signed in,
 * the sign-in token, what they own): creator spaces exhibit what a wallet owns, events are
 * hosted and moderated by signed-in people, and builder worlds are edited by their signed-in
 * owner and builders. Nothing depends on spaces or events, and the wallet
 * depends on no feature, so the features stay a tree that loads in one order. A new feature
 * depends on none until a line here says why.
 */
export const FEATURE_DEPENDS = {
  spaces: ['wallet'],
  events: ['wallet'],
  builder: ['wallet'],
  gifts: ['wallet'],
  // The panel in VR has the voice mute toggle (the DOM's voice panel cannot be seen in a headset).
  xr: ['voice'],
}

/**
 * What a feature may use of the app shell: the contract, dialogs, text formats, links, and the
 * screen reader's live region.
 */
const APP_KIT = [
  'app/feature',
  'app/Dialog',
  'app/useDialog',
  'app/format',
  'app/router',
  'app/announce',
]

/** An import's target as a path under src/ ('world/collision'), or null outside src/. */
function targetOf(context, source) {
  if (typeof source !== 'string' || !source.startsWith('.')) return null
  const src = path.join(context.cwd, 'src')
  const target = path
    .relative(src, path.resolve(path.dirname(context.filename), source.split('?')[0]))
    .split(path.sep)
    .join('/')
  // Outside src/ (shaders, the server): other rules' business.
  return target.startsWith('..') ? null : target
}

const under = (target, folders) => folders.some((p) => target === p || target.startsWith(`${p}/`))

/** Runs `check(node, target)` on every static, re-exporting and lazy import of a file. */
function importVisitor(context, check) {
  const visit = (node, source) => {
    const target = targetOf(context, source)
    if (target !== null) check(node, source, target)
  }
  const fromSource = (node) => node.source && visit(node, node.source.value)
  return {
    ImportDeclaration: fromSource,
    ExportNamedDeclaration: fromSource,
    ExportAllDeclaration: fromSource,
    ImportExpression: (node) => node.source.type === 'Literal' && visit(node, node.source.value),
  }
}

// The engine (src/world, avatar, net, state) and src/i18n may import only the engine and the
// shared layers: an allow-list, so a new feature folder needs no edit here. Features plug in
// through the app (src/app/features.ts).
const ENGINE_MAY_IMPORT = [...ENGINE, ...SHARED]
const engineImports = {
  meta: {
    type: 'problem',
    schema: [],
    messages: {
      outside:
        "the engine imports no feature or app code: '{{source}}' is in src/{{target}}; " +
        'hand it in from src/app/features.ts instead',
    },
  },
  create(context) {
    return importVisitor(context, (node, source, target) => {
      if (!under(target, ENGINE_MAY_IMPORT))
        context.report({ node, messageId: 'outside', data: { source, target } })
    })
  },
}

// A feature (any src/ folder that is not the engine, a shared layer or the app) may import the
// engine, the shared layers, the app's kit, itself, and the features FEATURE_DEPENDS names.
const featureImports = {
  meta: {
    type: 'problem',
    schema: [],
    messages: {
      feature:
        "src/{{own}} may not import the feature src/{{other}} ('{{source}}'): add it to " +
        'FEATURE_DEPENDS in eslint.config.js with the reason, or move what both need to the engine',
      app:
        "src/{{own}} may use only the app's kit ({{kit}}), not '{{source}}': the app imports " +
        'the features, not the other way round',
    },
  },
  create(context) {
    const own = targetOf(context, `./${path.basename(context.filename)}`)?.split('/')[0]
    if (!own || own.includes('.') || [...ENGINE, ...SHARED, 'app'].includes(own)) return {}
    const allowed = [...ENGINE, ...SHARED, own, ...(FEATURE_DEPENDS[own] ?? [])]
    return importVisitor(context, (node, source, target) => {
      if (under(target, allowed)) return
      const other = target.split('/')[0]
      if (other === 'app') {
        if (!under(target, APP_KIT))
          context.report({ node, messageId: 'app', data: { own, source, kit: APP_KIT.join(', ') } })
      } else if (!other.includes('.')) {
        context.report({ node, messageId: 'feature', data: { own, other, source } })
      }
    })
  },
}

const cangqiong = { rules: { 'engine-imports': engineImports, 'feature-imports': featureImports } }

export default tseslint.config(
  {
    ignores: [
      'dist/',
      'node_modules/',
      'bench/results/',
      'test-results/',
      'playwright-report/',
      'data/',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.browser, ...globals.node } },
    rules: {
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
      eqeqeq: ['error', 'always', { null: 'ignore' }],
    },
  },
  {
    files: ['src/**/*.{ts,tsx}'],
    plugins: { 'react-hooks': reactHooks, '@react-three': r3f },
    rules: {
      'react-hooks/rules-of-hooks': 'error',
      'react-hooks/exhaustive-deps': 'error',
      '@react-three/no-new-in-loop': 'error',
      '@react-three/no-clone-in-loop': 'error',
      'no-restricted-imports': ['error', { patterns: [SERVER] }],
    },
  },
  {
    files: [
      'src/world/**/*.{ts,tsx}',
      'src/avatar/**/*.{ts,tsx}',
      'src/net/**/*.{ts,tsx}',
      'src/state/**/*.{ts,tsx}',
      'src/i18n/**/*.{ts,tsx}',
    ],
    plugins: { cangqiong },
    rules: { 'cangqiong/engine-imports': 'error' },
  },
  {
    files: ['src/**/*.{ts,tsx}'],
    plugins: { cangqiong },
    rules: { 'cangqiong/feature-imports': 'error' },
  },
  {
    // A dropped promise in the server is an unhandled rejection waiting for a Redis or database
    // outage, and Node ends the process on one: every promise is awaited or handled.
    files: ['server/**/*.ts'],
    ignores: ['server/**/*.test.ts'],
    languageOptions: { parserOptions: { projectService: true } },
    rules: {
      '@typescript-eslint/no-floating-promises': ['error', { ignoreVoid: false }],
      // Colyseus awaits room hooks (an async onJoin may override a sync one).
      '@typescript-eslint/no-misused-promises': [
        'error',
        { checksVoidReturn: { inheritedMethods: false } },
      ],
    },
  },
  {
    // The server logs through server/log.ts (levels, JSON lines, request and room ids); a bare
    // console line has none of that and is missed by whoever reads the JSON.
    files: ['server/**/*.ts'],
    ignores: ['server/**/*.test.ts'],
    rules: { 'no-console': 'error' },
  },
  {
    files: ['src/protocol/**/*.ts', 'src/chain/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [SERVER, CLIENT_LAYERS, ...RENDER_AND_NET] }],
    },
  },
  {
    // waitForFunction(fn, arg, options): options passed second are the page function's argument,
    // and the wait has no time limit at all.
    files: ['e2e/**/*.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector:
            "CallExpression[callee.property.name='waitForFunction'][arguments.length=2][arguments.1.type='Identifier'][arguments.1.name=/^[A-Z_]+$/]",
          message:
            'waitForFunction(fn, arg, options): pass the options third (fn, undefined, WAIT)',
        },
        {
          selector:
            "CallExpression[callee.property.name='waitForFunction'][arguments.length=2] > ObjectExpression.arguments:nth-child(2):has(> Property[key.name='timeout'])",
          message:
            'waitForFunction(fn, arg, options): pass the options third (fn, undefined, WAIT)',
        },
      ],
    },
  },
  {
    // Every spec's `test` is e2e/test.ts's, whose fixture runs axe-core on each page it opens.
    files: ['e2e/**/*.spec.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            {
              name: '@playwright/test',
              importNames: ['test', 'expect'],
              message: "import test and expect from './test': its fixture runs axe on every page",
            },
          ],
        },
      ],
    },
  },
  {
    // The world room is the engine: features (server/spaces, server/events…) plug into it at one
    // composition point, server/features.ts, and the rooms never import them.
    files: ['server/rooms/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [SERVER_FOLDERS] }] },
  },
)
