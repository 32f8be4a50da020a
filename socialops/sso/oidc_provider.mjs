// Start a reference OpenID Connect provider (panva's oidc-provider, OpenID Certified) for
// socialops' single sign-on tests. Reads its clients and accounts as JSON from the
// environment, prints one line "READY {json}" with its issuer, closes on SIGTERM.
import path from 'node:path'
import { pathToFileURL } from 'node:url'

const installDir = process.env.SOCIALOPS_OIDC_PROVIDER_DIR
const entry = path.join(installDir, 'node_modules', 'oidc-provider', 'lib', 'index.js')
const { default: Provider } = await import(pathToFileURL(entry).href)

const port = Number(process.env.SOCIALOPS_OIDC_PORT)
const issuer = `http://127.0.0.1:${port}`
const clients = JSON.parse(process.env.SOCIALOPS_OIDC_CLIENTS)
// { "<login name>": { "email": "...", "email_verified": true, "name": "..." } }
const accounts = JSON.parse(process.env.SOCIALOPS_OIDC_ACCOUNTS)

const provider = new Provider(issuer, {
  clients,
  claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'] },
  cookies: { keys: [process.env.SOCIALOPS_OIDC_COOKIE_KEY] },
  features: { devInteractions: { enabled: true } },
  pkce: { required: () => true },
  async findAccount (ctx, id) {
    const account = accounts[id]
    if (!account) return undefined
    return { accountId: id, async claims () { return { sub: id, ...account } } }
  },
})
// The tests run over plain HTTP on loopback.
provider.proxy = true

const server = provider.listen(port, '127.0.0.1', () => {
  console.log('READY ' + JSON.stringify({ issuer }))
})
const stop = () => server.close(() => process.exit(0))
process.on('SIGTERM', stop)
process.on('SIGINT', stop)
