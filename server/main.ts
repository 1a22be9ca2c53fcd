// `npm start`: starts every part of the product with its embedded default, prints the one URL
// to open, and on Ctrl-C (SIGINT) or SIGTERM stops them all before exiting.
import { ConfigError, loadConfig } from './config'
import { startServer } from './app'
import { logUnhandledRejections } from './background'

async function main() {
  logUnhandledRejections()
  let config
  try {
    config = loadConfig()
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(`[config] ${err.message}`)
      process.exit(2)
    }
    throw err
  }
  const server = await startServer(config)

  let signals = 0
  const shutdown = (signal: string) => {
    signals += 1
    if (signals > 1) {
      console.error(`[server] ${signal} again: exiting now`)
      process.exit(130)
    }
    console.log(`\n[server] ${signal}: stopping…`)
    server.stop().then(
      () => process.exit(0),
      (err) => {
        console.error(err)
        process.exit(1)
      },
    )
  }
  process.on('SIGINT', () => shutdown('SIGINT'))
  process.on('SIGTERM', () => shutdown('SIGTERM'))

  console.log(`\n  苍穹 Cangqiong is running (client: ${config.client})\n\n  Open ${server.url}\n`)
}

main().catch((err: unknown) => {
  console.error('[server] failed to start:', err instanceof Error ? err.message : err)
  process.exit(1)
})
