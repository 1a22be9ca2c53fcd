// Vite builds the browser client; Vitest runs unit and server tests with the same config.
import os from 'node:os'
import { fileURLToPath } from 'node:url'
import { configDefaults, defineConfig } from 'vitest/config'
import react from '@vitejs/plugin-react'
import { scenesPlugin } from './scripts/vite-plugin-scenes'

/**
 * @pmndrs/xr imports its headset emulator (iwer, its dev UI and about 6 MB of synthetic rooms)
 * on demand. The client never asks for it (src/xr/XrSession.tsx: `emulate: false`; the e2e
 * tests bring their own), so the build gets a stub instead of shipping those chunks.
 */
const noXrEmulator = {
  name: 'no-xr-emulator',
  enforce: 'pre' as const,
  resolveId(source: string, importer: string | undefined) {
    if (source === './emulate.js' && importer?.includes('@pmndrs/xr'))
      return fileURLToPath(new URL('./src/xr/noEmulator.ts', import.meta.url))
    return null
  },
}

export default defineConfig({
  plugins: [react(), scenesPlugin(), noXrEmulator],
  build: {
    target: 'es2022',
    sourcemap: true,
    chunkSizeWarningLimit: 1500,
  },
  // Pre-bundle the heavy dependencies at dev start, so the first page load does not
  // discover them one by one and reload.
  optimizeDeps: {
    include: [
      'react',
      'react-dom/client',
      'react/jsx-runtime',
      'three',
      '@react-three/fiber',
      '@react-three/drei',
      'zustand',
    ],
  },
  worker: { format: 'es' },
  test: {
    environment: 'node',
    testTimeout: 30_000,
    // A ceiling, not an expectation: a beforeAll starts real parts (PGlite's WASM, a server with
    // anvil and Janus), which took over 60 s once on two cores shared with a bench and a browser
    // suite (CI run 23: events.test and spaces/store.test on PGlite).
    hookTimeout: 180_000,
    pool: 'forks',
    // Three files at a time even on two cores: most server tests wait on timers, sockets and
    // child processes, not the CPU (the whole run took 470 s one at a time, 274–290 s two at a
    // time, 238 s three at a time, idle).
    maxWorkers: Math.max(3, os.availableParallelism() - 1),
    projects: [
      {
        // Plain unit tests start nothing and share one module graph per worker: re-importing
        // three, React and the protocol for each of 70 files cost more CPU than their tests
        // (95 CPU-s isolated, 44 shared, on two cores that the server tests also want).
        extends: true,
        test: {
          name: 'unit',
          include: ['src/**/*.test.ts', 'tests/**/*.test.ts'],
          exclude: [...configDefaults.exclude, 'tests/session.test.ts'],
          isolate: false,
        },
      },
      {
        // Tests that start servers, child processes and databases keep a fresh module graph
        // each: module-level state (logs, limits, stores) must not carry from file to file.
        extends: true,
        test: {
          name: 'server',
          include: ['server/**/*.test.ts', 'tests/session.test.ts'],
        },
      },
    ],
  },
})
