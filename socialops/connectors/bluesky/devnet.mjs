// Start the reference AT Protocol network (@atproto/dev-env) for socialops' tests.
// Prints one line "READY {json}" with the service URLs, closes on SIGTERM.
import path from 'node:path'
import { pathToFileURL } from 'node:url'

const devenvDir = process.env.SOCIALOPS_ATPROTO_DEVENV
const entry = path.join(devenvDir, 'node_modules', '@atproto', 'dev-env', 'dist', 'index.js')
const { TestNetwork } = await import(pathToFileURL(entry).href)

const port = (name, fallback) => Number(process.env[name] || fallback)
const network = await TestNetwork.create({
  dbPostgresSchema: process.env.SOCIALOPS_ATPROTO_SCHEMA,
  pds: { port: port('SOCIALOPS_ATPROTO_PDS_PORT', 2583), hostname: 'localhost' },
  bsky: {
    port: port('SOCIALOPS_ATPROTO_BSKY_PORT', 2584),
    publicUrl: `http://localhost:${port('SOCIALOPS_ATPROTO_BSKY_PORT', 2584)}`,
  },
  plc: { port: port('SOCIALOPS_ATPROTO_PLC_PORT', 2582) },
})
console.log('READY ' + JSON.stringify({
  pds: network.pds.url, bsky: network.bsky.url, plc: network.plc.url,
}))

const stop = async () => {
  await network.close()
  process.exit(0)
}
process.on('SIGTERM', stop)
process.on('SIGINT', stop)
