/** The router guard: anonymous users go to /log-ind and come back after logging in. */
import type { LocationQueryValue, NavigationGuard, RouteLocationRaw } from 'vue-router'
import type { Auth } from './useAuth'
import { hasRole } from './roles'

export const LOGIN_ROUTE = 'login'

/** Only a path on this site: "/indsatser/3", never "//evil.example" or "https://…". */
export function safeNext(next: LocationQueryValue | LocationQueryValue[] | undefined): string {
  const value = Array.isArray(next) ? next[0] : next
  if (typeof value !== 'string' || !value.startsWith('/') || value.startsWith('//') || value.startsWith('/\\')) {
    return '/'
  }
  return value
}

export function createAuthGuard(auth: Pick<Auth, 'ensureLoaded' | 'user'>): NavigationGuard {
  return async (to): Promise<boolean | RouteLocationRaw> => {
    try {
      await auth.ensureLoaded()
    } catch {
      // The server did not answer; the login page says so when it is tried.
    }
    const user = auth.user.value
    if (to.meta.public) {
      if (to.name === LOGIN_ROUTE && user) return safeNext(to.query.next)
      return true
    }
    if (!user) {
      return { name: LOGIN_ROUTE, query: to.fullPath === '/' ? {} : { next: to.fullPath } }
    }
    if (to.meta.minRole && !hasRole(user, to.meta.minRole)) return { name: 'overview' }
    return true
  }
}
