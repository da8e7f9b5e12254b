/** Staff users (admins only): list, create (a generated password, shown once), change. */
import { api, fetchAllPages, ifMatch, MAX_PAGE, unwrap, unwrapWithEtag } from '../../api/client'
import type { components } from '../../api/schema'
import { useResource } from '../../composables/useResource'

type Schemas = components['schemas']
export type UserRead = Schemas['UserRead']
export type UserCreate = Schemas['UserCreate']
export type UserCreated = Schemas['UserCreated']
export type UserUpdate = Schemas['UserUpdate']

export function useUsers() {
  return useResource(
    (): Promise<UserRead[]> =>
      fetchAllPages((offset) => unwrap(api.GET('/api/v1/users', { params: { query: { limit: MAX_PAGE, offset } } }))),
  )
}

export function createUser(body: UserCreate): Promise<UserCreated> {
  return unwrap(api.POST('/api/v1/users', { body }))
}

/** Change a user: reads the newest version for its ETag, then PATCHes with If-Match. */
export async function updateUser(userId: number, changes: UserUpdate): Promise<UserRead> {
  const { etag } = await unwrapWithEtag(api.GET('/api/v1/users/{user_id}', { params: { path: { user_id: userId } } }))
  return unwrap(
    api.PATCH('/api/v1/users/{user_id}', {
      params: { path: { user_id: userId }, header: ifMatch(etag) },
      body: changes,
    }),
  )
}

/** The first 500 users by name, for choice lists (the audit log's "who"). */
export async function fetchUserOptions(): Promise<UserRead[]> {
  return (await unwrap(api.GET('/api/v1/users', { params: { query: { limit: 500 } } }))).items
}
