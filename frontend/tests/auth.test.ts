import { describe, expect, it, vi } from 'vitest'
import { defineComponent, h, shallowRef } from 'vue'
import { createMemoryHistory, createRouter, type RouteRecordRaw } from 'vue-router'
import type { Me } from '../src/api/types'
import { createApiClient } from '../src/api/client'
import { createAuthGuard, safeNext } from '../src/auth/guard'
import { hasRole } from '../src/auth/roles'
import { createAuth } from '../src/auth/useAuth'
import { navItems } from '../src/router'

const Page = defineComponent({ render: () => h('div') })

function me(role: Me['role']): Me {
  return { kind: 'user', id: 1, name: 'Rita', email: 'rita@lejre.dk', role, scopes: ['read'], csrf_token: 'csrf' }
}

const testRoutes: RouteRecordRaw[] = [
  { path: '/', name: 'overview', component: Page, meta: { nav: 'Overblik' } },
  { path: '/indsatser', name: 'initiatives', component: Page, meta: { nav: 'Indsatser' } },
  { path: '/admin', name: 'admin', component: Page, meta: { nav: 'Admin', minRole: 'admin' } },
  { path: '/log-ind', name: 'login', component: Page, meta: { public: true } },
]

function setup(user: Me | null, loaded: () => Promise<void> = async () => {}) {
  const auth = { user: shallowRef<Me | null>(user), ensureLoaded: vi.fn(loaded) }
  const router = createRouter({ history: createMemoryHistory(), routes: testRoutes })
  router.beforeEach(createAuthGuard(auth))
  return { auth, router }
}

describe('auth guard', () => {
  it('sends an anonymous user to the login page with the way back', async () => {
    const { router, auth } = setup(null)
    await router.push('/indsatser?spor=2')
    expect(auth.ensureLoaded).toHaveBeenCalled()
    expect(router.currentRoute.value.name).toBe('login')
    expect(router.currentRoute.value.query.next).toBe('/indsatser?spor=2')
  })

  it('leaves out the way back to the front page', async () => {
    const { router } = setup(null)
    await router.push('/')
    expect(router.currentRoute.value.fullPath).toBe('/log-ind')
  })

  it('lets an anonymous user see the login page', async () => {
    const { router } = setup(null)
    await router.push('/log-ind')
    expect(router.currentRoute.value.name).toBe('login')
  })

  it('sends a user back where they were going once logged in', async () => {
    const { router, auth } = setup(null)
    await router.push('/indsatser')
    expect(router.currentRoute.value.name).toBe('login')
    auth.user.value = me('viewer')
    await router.replace(safeNext(router.currentRoute.value.query.next))
    expect(router.currentRoute.value.fullPath).toBe('/indsatser')
  })

  it('sends a logged-in user away from the login page', async () => {
    const { router } = setup(me('editor'))
    await router.push('/log-ind?next=/indsatser')
    expect(router.currentRoute.value.fullPath).toBe('/indsatser')
  })

  it('keeps a screen from a role below its minimum', async () => {
    const { router } = setup(me('viewer'))
    await router.push('/admin')
    expect(router.currentRoute.value.name).toBe('overview')
  })

  it('lets the admin open an admin screen', async () => {
    const { router } = setup(me('admin'))
    await router.push('/admin')
    expect(router.currentRoute.value.name).toBe('admin')
  })

  it('treats an unanswered /auth/me as anonymous', async () => {
    const { router } = setup(null, async () => {
      throw new Error('offline')
    })
    await router.push('/indsatser')
    expect(router.currentRoute.value.name).toBe('login')
  })
})

describe('safeNext', () => {
  it('accepts only paths on this site', () => {
    expect(safeNext('/indsatser/3')).toBe('/indsatser/3')
    expect(safeNext('//evil.example/x')).toBe('/')
    expect(safeNext('/\\evil.example')).toBe('/')
    expect(safeNext('https://evil.example')).toBe('/')
    expect(safeNext(undefined)).toBe('/')
    expect(safeNext(['/a', '/b'])).toBe('/a')
  })
})

describe('roles and navigation', () => {
  it('orders roles viewer < editor < admin', () => {
    expect(hasRole(me('viewer'), 'viewer')).toBe(true)
    expect(hasRole(me('viewer'), 'editor')).toBe(false)
    expect(hasRole(me('editor'), 'editor')).toBe(true)
    expect(hasRole(me('admin'), 'editor')).toBe(true)
    expect(hasRole(me(null), 'viewer')).toBe(false)
    expect(hasRole(null, 'viewer')).toBe(false)
  })

  it('shows each user the screens of their role', () => {
    expect(navItems(me('viewer'), testRoutes).map((i) => i.label)).toEqual(['Overblik', 'Indsatser'])
    expect(navItems(me('admin'), testRoutes).map((i) => i.label)).toEqual(['Overblik', 'Indsatser', 'Admin'])
    expect(navItems(null, testRoutes)).toEqual([])
  })

  it('shows each role the screens it may open, in order', () => {
    const viewer = ['Overblik', 'Indsatser', 'Arrangementer', 'Årshjul', 'Tilskud', 'Sagsbehandling', 'Tilfredshed', 'Virksomheder']
    expect(navItems(me('viewer')).map((i) => i.label)).toEqual(viewer)
    expect(navItems(me('editor')).map((i) => i.label)).toEqual([...viewer, 'Personer'])
    expect(navItems(me('admin')).map((i) => i.label)).toEqual([...viewer, 'Personer', 'Admin'])
  })
})

describe('createAuth', () => {
  function fakeApi(handler: (request: Request) => Response) {
    const requests: Request[] = []
    const fetch = vi.fn(async (request: Request) => {
      requests.push(request)
      return handler(request)
    })
    return { client: createApiClient({ baseUrl: 'http://localhost:5173', fetch: fetch as unknown as typeof globalThis.fetch }), requests }
  }
  const json = (status: number, body: unknown) =>
    new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } })

  it('loads the user once from /auth/me', async () => {
    const { client, requests } = fakeApi(() => json(200, me('editor')))
    const auth = createAuth(client)
    await auth.ensureLoaded()
    await auth.ensureLoaded()
    expect(requests).toHaveLength(1)
    expect(auth.user.value?.name).toBe('Rita')
    expect(auth.role.value).toBe('editor')
    expect(auth.canEdit.value).toBe(true)
    expect(auth.isAdmin.value).toBe(false)
  })

  it('is anonymous when /auth/me answers 401', async () => {
    const { client } = fakeApi(() => json(401, { status: 401, detail: 'Log in first: no valid session.' }))
    const auth = createAuth(client)
    await auth.ensureLoaded()
    expect(auth.user.value).toBeNull()
    expect(auth.canEdit.value).toBe(false)
  })

  it('logs in and out; a viewer may not edit', async () => {
    const { client, requests } = fakeApi((request) =>
      request.url.endsWith('/auth/logout') ? new Response(null, { status: 204 }) : json(200, { ...me('viewer'), csrf_token: 'tok-1' }),
    )
    const auth = createAuth(client)
    await auth.login('rita@lejre.dk', 'hemmelig')
    expect(auth.user.value?.role).toBe('viewer')
    expect(auth.canEdit.value).toBe(false)
    expect(await requests[0]?.clone().json()).toEqual({ email: 'rita@lejre.dk', password: 'hemmelig' })
    await auth.logout()
    expect(requests[1]?.headers.get('X-CSRF-Token')).toBe('tok-1')
    expect(auth.user.value).toBeNull()
  })

  it('passes on a wrong password as an ApiError with the server’s message', async () => {
    const { client } = fakeApi(() => json(401, { status: 401, title: 'Unauthorized', detail: 'Forkert e-mail eller adgangskode.' }))
    const auth = createAuth(client)
    await expect(auth.login('rita@lejre.dk', 'forkert')).rejects.toMatchObject({ status: 401, detail: 'Forkert e-mail eller adgangskode.' })
    expect(auth.user.value).toBeNull()
  })
})
