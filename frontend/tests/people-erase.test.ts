import { afterEach, describe, expect, it, vi } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import { computed, defineComponent, h, shallowRef } from 'vue'
import { createMemoryHistory, createRouter } from 'vue-router'
import { eventRead, json } from './helpers'

// Set before the app's modules are imported below: the API client captures fetch when it is created.
const server = (() => {
  const person = {
    id: 40,
    name: 'Anne Hansen',
    email: 'anne@firma.dk',
    phone: '12345678',
    company_id: 15,
    anonymised_at: null as string | null,
    updated_at: '2026-11-20T09:00:00Z',
  }
  const event = eventRead({
    id: 5,
    kind: 'workshop',
    title: 'Workshop: CO2-regnskab',
    starts_at: '2026-05-28T11:00:00Z',
    ends_at: '2026-05-28T14:00:00Z',
    location: null,
    status: 'held',
    capacity: null,
    counts: { registered: 0, waitlisted: 0, attended: 1, no_show: 0, cancelled: 0, participants: 1 },
    updated_at: '2026-05-28T15:00:00Z',
  })
  const state = { requests: [] as { method: string; path: string }[], person: { ...person }, fresh: () => ({ ...person }), events: 1 }
  globalThis.fetch = (async (input: Request) => {
    const path = new URL(input.url).pathname
    state.requests.push({ method: input.method, path })
    if (input.method === 'GET' && path === '/api/v1/people/40') return json(state.person, 200, { ETag: '"3"' })
    if (input.method === 'GET' && path === '/api/v1/companies/15') {
      return json({ id: 15, cvr: '29189927', name: 'Firma ApS', address: null, postal_code: null, city: null, industry_code: null, founded_on: null, updated_at: '2026-01-01T00:00:00Z' })
    }
    if (input.method === 'GET' && path === '/api/v1/people/40/registrations') {
      // One row per event the person registered for: the first is the one the tests name.
      const items = Array.from({ length: state.events }, (_, n) => ({
        event: n === 0 ? event : { ...event, id: 100 + n, title: `Arrangement ${n}` },
        registration: { id: 99 + n, event_id: n === 0 ? 5 : 100 + n, person_id: 40, status: 'attended', participant_type: 'company_representative', registered_at: '2026-05-01T08:00:00Z', checked_in_at: '2026-05-28T11:05:00Z', waitlist_position: null, person: state.person },
      }))
      return json({ items, total: items.length, limit: 500, offset: 0 })
    }
    if (input.method === 'POST' && path === '/api/v1/people/40/erase') {
      state.person = { ...state.person, name: null, email: null, phone: null, anonymised_at: '2026-11-26T13:30:00Z' } as never
      return json(state.person, 200, { ETag: '"4"' })
    }
    return json({ status: 404, detail: `no fake for ${input.method} ${path}` }, 404)
  }) as typeof fetch
  return state
})()

vi.mock('../src/auth/useAuth', () => ({
  useAuth: () => ({
    user: shallowRef({ kind: 'user', id: 2, name: 'Rita', email: 'rita@lejre.dk', role: 'editor', scopes: [], csrf_token: 'csrf' }),
    canEdit: computed(() => true),
    isAdmin: computed(() => false),
  }),
}))

const { default: PersonView } = await import('../src/views/PersonView.vue')

const Page = defineComponent({ render: () => h('p', 'side') })

async function mountPerson() {
  const router = createRouter({
    history: createMemoryHistory(),
    routes: [
      { path: '/personer', name: 'people', component: Page },
      { path: '/personer/:id', name: 'person', component: Page },
      { path: '/virksomheder/:id', name: 'company', component: Page },
      { path: '/admin', name: 'admin', component: Page },
    ],
  })
  await router.push('/personer/40')
  const wrapper = mount(PersonView, { props: { id: 40 }, global: { plugins: [router] }, attachTo: document.body })
  await flushPromises()
  return wrapper
}

const erasures = () => server.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/erase'))

afterEach(() => {
  server.requests.length = 0
  server.person = server.fresh()
  server.events = 1
  document.body.innerHTML = ''
})

describe('erasing a person', () => {
  it('asks first, naming the person and saying what happens and that it cannot be undone', async () => {
    const wrapper = await mountPerson()
    expect(wrapper.find('h1').text()).toBe('Anne Hansen')
    const dialog = wrapper.find('dialog')
    expect(dialog.attributes('open')).toBeUndefined()

    const eraseButton = wrapper.findAll('button').find((b) => b.text() === 'Slet (anonymisér) personen')!
    ;(eraseButton.element as HTMLButtonElement).focus()
    await eraseButton.trigger('click')
    await flushPromises()

    expect(dialog.attributes('open')).toBeDefined()
    const title = wrapper.find(`#${dialog.attributes('aria-labelledby')}`)
    expect(title.text()).toBe('Slet (anonymisér) Anne Hansen?')
    const description = wrapper.find(`#${dialog.attributes('aria-describedby')}`).text()
    expect(description).toContain('Anne Hansen (anne@firma.dk) bliver anonymiseret')
    expect(description).toContain('Navn, e-mailadresse og telefonnummer slettes.')
    expect(description).toContain('Den ene tilmelding bliver stående uden navn')
    expect(description).toContain('Det kan ikke fortrydes.')
    // Focus is in the dialog, on the safe choice.
    expect(document.activeElement?.textContent?.trim()).toBe('Nej, behold personen')
    expect(erasures()).toHaveLength(0)
  })

  it('does nothing when cancelled, with the button or with Escape', async () => {
    const wrapper = await mountPerson()
    const open = async () => {
      await wrapper.findAll('button').find((b) => b.text() === 'Slet (anonymisér) personen')!.trigger('click')
      await flushPromises()
    }
    await open()
    await wrapper.find('dialog').findAll('button').find((b) => b.text() === 'Nej, behold personen')!.trigger('click')
    await flushPromises()
    expect(wrapper.find('dialog').attributes('open')).toBeUndefined()
    expect(document.activeElement?.textContent?.trim()).toBe('Slet (anonymisér) personen')

    await open()
    // Escape makes the browser fire `cancel` on a modal dialog.
    wrapper.find('dialog').element.dispatchEvent(new Event('cancel', { cancelable: true }))
    await flushPromises()
    expect(wrapper.find('dialog').attributes('open')).toBeUndefined()

    expect(erasures()).toHaveLength(0)
    expect(wrapper.find('h1').text()).toBe('Anne Hansen')
  })

  it('erases after confirming and shows the result', async () => {
    const wrapper = await mountPerson()
    await wrapper.findAll('button').find((b) => b.text() === 'Slet (anonymisér) personen')!.trigger('click')
    await flushPromises()
    expect(erasures()).toHaveLength(0)

    await wrapper.find('dialog').findAll('button').find((b) => b.text() === 'Ja, anonymisér Anne Hansen')!.trigger('click')
    await flushPromises()

    expect(erasures()).toEqual([{ method: 'POST', path: '/api/v1/people/40/erase' }])
    expect(wrapper.find('dialog').attributes('open')).toBeUndefined()
    const result = wrapper.find('.erased')
    expect(result.find('h2').text()).toBe('Anne Hansen er slettet (anonymiseret)')
    expect(result.text()).toContain('Anonymiseret 26. nov. 2026 kl. 14.30')
    expect(result.text()).toContain('Person nr. 40 står nu uden navn, e-mail og telefonnummer')
    expect(document.activeElement).toBe(result.find('h2').element)
    expect(wrapper.find('h1').text()).toBe('Anonymiseret person (nr. 40)')
    // Nothing left to erase or edit.
    expect(wrapper.findAll('button').map((b) => b.text())).not.toContain('Slet (anonymisér) personen')
    expect(wrapper.findAll('button').map((b) => b.text())).not.toContain('Redigér person')
  })
})

describe("a person's page", () => {
  it('reads the registrations in one request, however many events the person took part in', async () => {
    const reads = () => server.requests.filter((r) => r.method === 'GET').map((r) => r.path).sort()
    await mountPerson()
    const withOne = reads()
    server.requests.length = 0
    document.body.innerHTML = ''
    server.events = 30
    const wrapper = await mountPerson()
    expect(reads()).toEqual(withOne)
    expect(withOne.filter((path) => path.endsWith('/registrations'))).toEqual(['/api/v1/people/40/registrations'])
    expect(wrapper.text()).toContain('Arrangement 29')
  })
})
