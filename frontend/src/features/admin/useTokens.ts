/** API tokens for machine clients (admins only): list, create (the token shown once), revoke. */
import { api, fetchAllPages, MAX_PAGE, unwrap } from '../../api/client'
import type { components } from '../../api/schema'
import { useResource } from '../../composables/useResource'

type Schemas = components['schemas']
export type TokenRead = Schemas['TokenRead']
export type TokenCreate = Schemas['TokenCreate']
export type TokenCreated = Schemas['TokenCreated']
export type Scope = Schemas['Scope']
/** The scopes a token may have (not admin: administration is for people, logged in). */
export type TokenScope = TokenCreate['scopes'][number]

export function useTokens() {
  return useResource(
    (): Promise<TokenRead[]> =>
      fetchAllPages((offset) => unwrap(api.GET('/api/v1/tokens', { params: { query: { limit: MAX_PAGE, offset } } }))),
  )
}

export function createToken(body: TokenCreate): Promise<TokenCreated> {
  return unwrap(api.POST('/api/v1/tokens', { body }))
}

export function revokeToken(tokenId: number): Promise<unknown> {
  return unwrap(api.DELETE('/api/v1/tokens/{token_id}', { params: { path: { token_id: tokenId } } }))
}

export type TokenState = 'active' | 'expired' | 'revoked'

export function tokenState(token: Pick<TokenRead, 'revoked_at' | 'expires_at'>, now: Date = new Date()): TokenState {
  if (token.revoked_at) return 'revoked'
  if (token.expires_at && new Date(token.expires_at).getTime() <= now.getTime()) return 'expired'
  return 'active'
}

/** The newest 500 tokens, for choice lists (the audit log's "who"). */
export async function fetchTokenOptions(): Promise<TokenRead[]> {
  return (await unwrap(api.GET('/api/v1/tokens', { params: { query: { limit: 500 } } }))).items
}
