import { describe, expect, it, vi } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import { computed, shallowRef } from 'vue'
import { createMemoryHistory, createRouter } from 'vue-router'
import type { DemoStatus, Me } from '../src/api/types'

const demo = vi.hoisted(() => {
  const state = { answer: { present: false, events: 0, companies: 0, people: 0 } as DemoStatus, asked: 0 }
  globalThis.fetch = (async (request: Request) => {
    const path = new URL(request.url).pathname
    if (path === '/api/v1/demo') {
      state.asked += 1
      return new Response(JSON.stringify(state.answer), { status: 200, headers: { 'Content-Type': 'application/json' } })
    }
    return new Response(JSON.stringify({ status: 404 }), { status: 404, headers: { 'Content-Type': 'application/json' } })
  }) as typeof fetch
  return state
})

vi.mock('../src/auth/useAuth', () => {
  const user = shallowRef<Me | null>({ kind: 'user', id: 1, name: 'Rita', email: 'rita@lejre.dk', role: 'viewer', scopes: ['read'], csrf_token: 'c' })
  const role = computed(() => user.value?.role ?? null)
  return { useAuth: () => ({ user, role, canEdit: computed(() => false), isAdmin: computed(() => false), logout: async () => {} }) }
})

const { routes } = await import('../src/router')
const { default: App } = await import('../src/App.vue')
const { demoBannerText } = await import('../src/composables/useDemo')

describe('the demo data banner', () => {
  it('names the counts, in the singular where there is one', () => {
    expect(demoBannerText({ present: true, events: 120, companies: 40, people: 1 })).toBe(
      '120 arrangementer, 40 virksomheder og 1 person er eksempler og tælles ikke med i målene. Fjern dem med erhverv remove-demo.',
    )
    expect(demoBannerText({ present: false, events: 0, companies: 0, people: 0 })).toBe('')
    expect(demoBannerText(null)).toBe('')
  })

  it('is shown on every screen while demo data is loaded, as a status in words, and goes when it is removed', async () => {
    const router = createRouter({ history: createMemoryHistory(), routes })
    await router.push('/findes-ikke')
    const wrapper = mount(App, { global: { plugins: [router] } })
    await flushPromises()
    const banner = () => wrapper.get('[role="status"].demo-banner')
    expect(banner().text()).toBe('')

    demo.answer = { present: true, events: 120, companies: 40, people: 300 }
    await router.push('/findes-heller-ikke')
    await flushPromises()
    expect(banner().text()).toContain(
      'Demodata er indlæst: 120 arrangementer, 40 virksomheder og 300 personer er eksempler og tælles ikke med i målene. Fjern dem med erhverv remove-demo.',
    )

    demo.answer = { present: false, events: 0, companies: 0, people: 0 }
    const asked = demo.asked
    await router.push('/endnu-en-side')
    await flushPromises()
    expect(demo.asked).toBe(asked + 1)
    expect(banner().text()).toBe('')
    wrapper.unmount()
  })
})
