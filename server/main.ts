// `npm start`: starts every part of the product with its embedded default, prints the one URL
// to open, and on Ctrl-C (SIGINT) or SIGTERM stops them all before exiting.
import { ConfigError, loadConfig } from './config'
import { startServer } from './app'
import { logUnhandledRejections } from './background'
import { cleanText } from '../src/protocol/messages'

/** A thrown value as one short log line: its text may come from a visitor. */
function describeError(err: unknown): string {
  const text = err instanceof Error ? `${err.name}: ${err.message}` : `thrown ${typeof err}`
  return cleanText(text, 300)
}

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
  // Last line of defence, not the fix: rooms refuse bad input and log their own faults. Whatever
  // still escapes is logged and the process keeps serving every other room and visitor
  // (rejections: logUnhandledRejections above).
  process.on('uncaughtException', (err) =>
    console.error(`[server] uncaught: ${describeError(err)}`),
  )

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
