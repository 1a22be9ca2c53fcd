// The PGlite database in a worker thread, so that initdb, migrations and every query run beside
// the server's event loop instead of on it. server/db/database.ts starts it and posts requests:
//   { id, op: 'query', sql, params, tx? }  one statement, inside transaction `tx` if given
//   { id, op: 'begin' }                     opens a transaction; answers its tx number
//   { id, op: 'end', tx, commit }           commits it (commit: true) or rolls it back
//   { id, op: 'close' }
// and it answers { id, result } or { id, error }. Plain JavaScript that imports only PGlite:
// worker threads do not inherit tsx's loader.
import { parentPort, workerData } from 'node:worker_threads'
import { PGlite } from '@electric-sql/pglite'

/** Rolls a transaction back (thrown inside PGlite's transaction callback). */
const ROLLBACK = Symbol('rollback')

/** An error as plain data: its message, name and the Postgres fields PGlite sets (code…). */
function plain(err) {
  if (!(err instanceof Error)) return { name: 'Error', message: String(err), fields: {} }
  const fields = {}
  for (const [key, value] of Object.entries(err)) {
    if (typeof value === 'string' || typeof value === 'number') fields[key] = value
  }
  return { name: err.name, message: err.message, stack: err.stack, fields }
}

const port = parentPort

/** Answers request `id`; a result that cannot cross the thread becomes an error. */
function reply(id, result) {
  try {
    port.postMessage({ id, result })
  } catch (err) {
    port.postMessage({ id, error: plain(err) })
  }
}

let db
try {
  db = await PGlite.create({ dataDir: workerData.dataDir, relaxedDurability: false })
  reply(0, null)
} catch (err) {
  port.postMessage({ id: 0, error: plain(err) })
  port.close()
}

/** Open transactions by number: their PGlite tx and how to end them. */
const open = new Map()
let nextTx = 1

function begin() {
  return new Promise((resolve, reject) => {
    const id = nextTx++
    let opened = false
    // PGlite runs the callback inside BEGIN … COMMIT and holds back db.query until it ends,
    // so plain queries posted meanwhile wait for it as they do with PGlite in one thread.
    db.transaction(
      (tx) =>
        new Promise((commit, rollback) => {
          opened = true
          open.set(id, { tx, commit, rollback })
          resolve(id)
        }),
    ).then(
      () => finish(id, null),
      (err) => (opened ? finish(id, err === ROLLBACK ? null : err) : reject(err)),
    )
  })
}

/** Who waits for transaction `id` to end: set by the 'end' request. */
const ending = new Map()

function finish(id, err) {
  const done = ending.get(id)
  ending.delete(id)
  done?.(err)
}

async function run(m) {
  switch (m.op) {
    case 'query': {
      const q = m.tx === undefined ? db : open.get(m.tx)?.tx
      if (!q) throw new Error('Transaction is closed')
      return (await q.query(m.sql, m.params)).rows
    }
    case 'begin':
      return begin()
    case 'end': {
      const t = open.get(m.tx)
      if (!t) throw new Error('Transaction is closed')
      open.delete(m.tx)
      const ended = new Promise((resolve, reject) =>
        ending.set(m.tx, (err) => (err ? reject(err) : resolve(null))),
      )
      if (m.commit) t.commit()
      else t.rollback(ROLLBACK)
      return ended
    }
    case 'close':
      await db.close()
      return null
    default:
      throw new Error(`unknown request ${String(m.op)}`)
  }
}

if (db) {
  port.on('message', (m) => {
    run(m).then(
      (result) => reply(m.id, result),
      (err) => port.postMessage({ id: m.id, error: plain(err) }),
    )
  })
}
