/** The logged-in user: loaded once from GET /api/v1/auth/me, changed by log in and log out. */
import { computed, shallowRef, type ComputedRef, type ShallowRef } from 'vue'
import { api, rememberCsrfToken, unwrap } from '../api/client'
import { ApiError } from '../api/errors'
import type { Me, Role } from '../api/types'
import { hasRole } from './roles'

export interface Auth {
  user: Readonly<ShallowRef<Me | null>>
  role: ComputedRef<Role | null>
  canEdit: ComputedRef<boolean>
  isAdmin: ComputedRef<boolean>
  /** Resolves once the first GET /auth/me has answered (at once after that). */
  ensureLoaded(): Promise<void>
  login(email: string, password: string): Promise<Me>
  logout(): Promise<void>
  /** Forget the user without asking the server (its session has already ended). */
  clear(): void
}

export function createAuth(client = api): Auth {
  const user = shallowRef<Me | null>(null)
  let loaded: Promise<void> | null = null

  function set(me: Me | null): void {
    user.value = me
    rememberCsrfToken(me?.csrf_token ?? null)
  }

  async function fetchMe(): Promise<void> {
    try {
      set(await unwrap(client.GET('/api/v1/auth/me')))
    } catch (error) {
      if (error instanceof ApiError && (error.status === 401 || error.status === 403)) {
        set(null)
        return
      }
      loaded = null // let the next navigation try again
      throw error
    }
  }

  return {
    user,
    role: computed(() => user.value?.role ?? null),
    canEdit: computed(() => hasRole(user.value, 'editor')),
    isAdmin: computed(() => hasRole(user.value, 'admin')),
    ensureLoaded() {
      loaded ??= fetchMe()
      return loaded
    },
    async login(email, password) {
      const me = await unwrap(client.POST('/api/v1/auth/login', { body: { email, password } }))
      set(me)
      loaded = Promise.resolve()
      return me
    },
    async logout() {
      try {
        await unwrap(client.POST('/api/v1/auth/logout'))
      } catch (error) {
        if (!(error instanceof ApiError && error.status === 401)) throw error
      } finally {
        set(null)
      }
    },
    clear() {
      set(null)
    },
  }
}

const auth = createAuth()

export function useAuth(): Auth {
  return auth
}
