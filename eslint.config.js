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

// The engine (src/world, avatar, net, state) may import only itself, the isomorphic layers and
// the app's text helpers: an allow-list, so a new feature folder needs no edit here. Features
// plug in through the app (src/app/features.ts).
const ENGINE_MAY_IMPORT = ['world', 'avatar', 'net', 'state', 'protocol', 'chain', 'app/i18n']
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
    const src = path.join(context.cwd, 'src')
    const check = (node, source) => {
      if (typeof source !== 'string' || !source.startsWith('.')) return
      const target = path
        .relative(src, path.resolve(path.dirname(context.filename), source.split('?')[0]))
        .split(path.sep)
        .join('/')
      // Outside src/ (shaders, the server): other rules' business.
      if (target.startsWith('..')) return
      const allowed = ENGINE_MAY_IMPORT.some((p) => target === p || target.startsWith(`${p}/`))
      if (!allowed) context.report({ node, messageId: 'outside', data: { source, target } })
    }
    const fromSource = (node) => node.source && check(node, node.source.value)
    return {
      ImportDeclaration: fromSource,
      ExportNamedDeclaration: fromSource,
      ExportAllDeclaration: fromSource,
      ImportExpression: (node) => node.source.type === 'Literal' && check(node, node.source.value),
    }
  },
}

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
    ],
    plugins: { cangqiong: { rules: { 'engine-imports': engineImports } } },
    rules: { 'cangqiong/engine-imports': 'error' },
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
    // The world room is the engine: features (server/spaces, server/events…) plug into it at one
    // composition point, server/features.ts, and the rooms never import them.
    files: ['server/rooms/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [SERVER_FOLDERS] }] },
  },
)
