// `npm run bench -- <section>`: the one benchmark entry point. Each section measures in this
// run (with its own baseline where it compares) and writes bench/results/<section>.json.
import fs from 'node:fs'
import path from 'node:path'
import { sections } from './sections'

async function main() {
  const names = process.argv.slice(2)
  const known = Object.keys(sections)
  if (names.length === 0 || names.some((n) => !(n in sections))) {
    console.error(`usage: npm run bench -- <section> [...]\nsections: ${known.join(', ')}`)
    process.exit(2)
  }
  fs.mkdirSync('bench/results', { recursive: true })
  for (const name of names) {
    console.log(`==> bench ${name}`)
    const started = Date.now()
    const result = await sections[name]!()
    const file = path.join('bench', 'results', `${name}.json`)
    fs.writeFileSync(file, JSON.stringify(result, null, 2) + '\n')
    console.log(JSON.stringify(result, null, 2))
    console.log(`wrote ${file} in ${((Date.now() - started) / 1000).toFixed(1)} s`)
  }
}

main().catch((err: unknown) => {
  console.error(err)
  process.exit(1)
})
