import { describe, expect, it, vi } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import { computed, shallowRef } from 'vue'
import { createMemoryHistory, createRouter } from 'vue-router'
import type { Me } from '../src/api/types'

vi.hoisted(() => {
  globalThis.fetch = (async () =>
    new Response(JSON.stringify({ status: 404, detail: 'not faked' }), { status: 404, headers: { 'Content-Type': 'application/json' } })) as typeof fetch
})

function me(role: Me['role']): Me {
  return { kind: 'user', id: 1, name: 'Rita', email: 'rita@lejre.dk', role, scopes: ['read'], csrf_token: 'csrf' }
}

vi.mock('../src/auth/useAuth', () => {
  const user = shallowRef<Me | null>(null)
  const role = computed(() => user.value?.role ?? null)
  const auth = {
    user,
    role,
    canEdit: computed(() => role.value === 'editor' || role.value === 'admin'),
    isAdmin: computed(() => role.value === 'admin'),
    logout: async () => {},
  }
  return { useAuth: () => auth }
})

const { routes, navItems } = await import('../src/router')
const { createAuthGuard } = await import('../src/auth/guard')
const { default: App } = await import('../src/App.vue')
const { useAuth } = await import('../src/auth/useAuth')

function guardedRouter(user: Me) {
  const router = createRouter({ history: createMemoryHistory(), routes })
  router.beforeEach(createAuthGuard({ user: shallowRef(user), ensureLoaded: async () => {} }))
  return router
}

describe('who sees Virksomheder, Personer and Admin', () => {
  it('lists the screens by role', () => {
    const labels = (role: Me['role']) => navItems(me(role)).map((item) => item.label)
    expect(labels('viewer')).toContain('Virksomheder')
    expect(labels('viewer')).not.toContain('Personer')
    expect(labels('viewer')).not.toContain('Admin')
    expect(labels('editor')).toEqual(expect.arrayContaining(['Virksomheder', 'Personer']))
    expect(labels('editor')).not.toContain('Admin')
    expect(labels('admin')).toEqual(expect.arrayContaining(['Virksomheder', 'Personer', 'Admin']))
  })

  it('keeps an editor out of /admin, and a viewer out of /personer and /virksomheder/ny', async () => {
    const editor = guardedRouter(me('editor'))
    await editor.push('/admin?fane=noegler')
    expect(editor.currentRoute.value.name).toBe('overview')

    const viewer = guardedRouter(me('viewer'))
    await viewer.push('/personer/40')
    expect(viewer.currentRoute.value.name).toBe('overview')
    await viewer.push('/virksomheder/ny')
    expect(viewer.currentRoute.value.name).toBe('overview')
    await viewer.push('/virksomheder/17')
    expect(viewer.currentRoute.value.name).toBe('company')
    expect(viewer.currentRoute.value.params.id).toBe('17')
  })

  it('lets an admin open /admin', async () => {
    const admin = guardedRouter(me('admin'))
    await admin.push('/admin')
    expect(admin.currentRoute.value.name).toBe('admin')
  })

  it('shows no Admin link in the menu to an editor, and shows it to an admin', async () => {
    for (const [role, expected] of [
      ['editor', false],
      ['admin', true],
    ] as const) {
      ;(useAuth().user as { value: Me | null }).value = me(role)
      const router = createRouter({ history: createMemoryHistory(), routes })
      await router.push('/findes-ikke')
      const wrapper = mount(App, { global: { plugins: [router] } })
      await flushPromises()
      const links = wrapper.findAll('nav[aria-label="Hovedmenu"] a').map((a) => a.text())
      expect(links).toContain('Personer')
      expect(links.includes('Admin')).toBe(expected)
      wrapper.unmount()
    }
  })
})
