// The JavaScript the first page (Overblik) loads: the entry script of dist/index.html and the
// chunks it preloads (its static imports), gzipped. Budget: 150 KB. Run after `npm run build`.
import { readFileSync } from 'node:fs'
import { gzipSync } from 'node:zlib'
import { join } from 'node:path'

const BUDGET_KB = 150
const dist = new URL('../dist/', import.meta.url).pathname
const html = readFileSync(join(dist, 'index.html'), 'utf8')
const files = [
  ...html.matchAll(/<script[^>]+type="module"[^>]+src="([^"]+)"/g),
  ...html.matchAll(/<link[^>]+rel="modulepreload"[^>]+href="([^"]+)"/g),
].map((match) => match[1])

let total = 0
for (const file of files) {
  const bytes = readFileSync(join(dist, file))
  const gzipped = gzipSync(bytes).length
  total += gzipped
  console.log(`${file}  ${(bytes.length / 1024).toFixed(1)} KB, gzip ${(gzipped / 1024).toFixed(1)} KB`)
}
console.log(`Overblik JavaScript: ${(total / 1024).toFixed(1)} KB gzipped (budget ${BUDGET_KB} KB)`)
if (total / 1024 > BUDGET_KB) {
  console.error('Over budget.')
  process.exit(1)
}
