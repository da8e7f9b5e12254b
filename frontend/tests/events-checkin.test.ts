import { beforeEach, describe, expect, it, vi } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import { createMemoryHistory, createRouter } from 'vue-router'
import type { EventRead, RegistrationDetail } from '../src/features/events/types'
import { eventRead, json } from './helpers'

/** The requests the screen sends, and a fake API answering them. */
const sent: { method: string; path: string; body: unknown }[] = []
let checkInAnswer: () => Response


const EVENT: EventRead = eventRead({
  counts: { registered: 2, waitlisted: 1, attended: 1, no_show: 0, cancelled: 1, participants: 1 },
})

function registration(id: number, name: string, status: RegistrationDetail['status'], companyId: number | null = null): RegistrationDetail {
  return {
    id,
    event_id: 7,
    person_id: 100 + id,
    status,
    participant_type: 'company_representative',
    registered_at: '2026-11-01T08:00:00Z',
    checked_in_at: status === 'attended' ? '2026-12-03T06:55:00Z' : null,
    waitlist_position: status === 'waitlisted' ? 1 : null,
    person: { id: 100 + id, name, email: null, phone: null, company_id: companyId, anonymised_at: null, updated_at: '2026-11-01T08:00:00Z' },
  }
}

const REGISTRATIONS = [
  registration(1, 'Anna Hansen', 'registered', 5),
  registration(2, 'Bo Jensen', 'registered'),
  registration(3, 'Camilla Holm', 'attended'),
  registration(4, 'Dan Dahl', 'waitlisted'),
  registration(5, 'Eva Ebbe', 'cancelled'),
]

vi.stubGlobal(
  'fetch',
  vi.fn(async (request: Request) => {
    const url = new URL(request.url, 'http://localhost:5173')
    const body = request.method === 'GET' ? null : await request.clone().json()
    sent.push({ method: request.method, path: url.pathname, body })
    if (url.pathname === '/api/v1/events/7') return json(EVENT, 200, { ETag: '"3"' })
    if (url.pathname === '/api/v1/events/7/registrations') return json({ items: REGISTRATIONS, total: 5, limit: 500, offset: 0 })
    if (url.pathname === '/api/v1/companies/5') return json({ id: 5, cvr: '12345674', name: 'Hansen Tømrer ApS' })
    if (url.pathname === '/api/v1/events/7/check-in') return checkInAnswer()
    return json({ status: 404 }, 404)
  }),
)

// The client captures fetch when it is created: import the app's modules after the stub.
const { default: CheckInView } = await import('../src/views/CheckInView.vue')

async function mountDoor() {
  const router = createRouter({
    history: createMemoryHistory(),
    routes: [
      { path: '/arrangementer/:id/indtjekning', name: 'event-check-in', component: CheckInView },
      { path: '/arrangementer/:id', name: 'event', component: { render: () => null } },
    ],
  })
  await router.push('/arrangementer/7/indtjekning')
  const wrapper = mount(CheckInView, { props: { id: 7 }, global: { plugins: [router] }, attachTo: document.body })
  await flushPromises()
  return wrapper
}

const count = (wrapper: Awaited<ReturnType<typeof mountDoor>>) => wrapper.get('.door__count').text()

describe('CheckInView', () => {
  beforeEach(() => {
    sent.length = 0
    checkInAnswer = () => json({ checked_in: [1], already: [] })
  })

  it('counts the checked-in among those with a seat and lists them by name', async () => {
    const wrapper = await mountDoor()
    expect(count(wrapper)).toBe('1 af 3 tjekket ind')
    expect(wrapper.findAll('#door-list .door__name').map((n) => n.text())).toEqual(['Anna Hansen', 'Bo Jensen', 'Camilla Holm'])
    expect(wrapper.get('#door-list').text()).toContain('Hansen Tømrer ApS')
    expect(wrapper.get('.door__waiting').text()).toContain('Dan Dahl')
    expect(wrapper.text()).not.toContain('Eva Ebbe')
    wrapper.unmount()
  })

  it('checks a person in with one tap and updates the count and the confirmation at once', async () => {
    const wrapper = await mountDoor()
    const button = wrapper.findAll('#door-list button').find((b) => b.text() === 'Tjek ind Anna Hansen')!
    await button.trigger('click')
    await flushPromises()

    expect(sent.filter((r) => r.method === 'POST')).toEqual([{ method: 'POST', path: '/api/v1/events/7/check-in', body: { person_ids: [101] } }])
    expect(count(wrapper)).toBe('2 af 3 tjekket ind')
    expect(wrapper.get('[role="status"].door__message').text()).toBe('Anna Hansen er tjekket ind. 2 af 3 tjekket ind.')
    const row = wrapper.findAll('#door-list .door__row').find((r) => r.text().includes('Anna Hansen'))!
    expect(row.classes()).toContain('door__row--in')
    expect(row.get('.door__state').text()).toMatch(/^✓ Tjekket ind kl\. \d\d\.\d\d$/)
    expect(row.get('button').text()).toBe('Fortryd indtjekning af Anna Hansen')
    wrapper.unmount()
  })

  it('filters as you type by company, and Enter checks in the one match', async () => {
    const wrapper = await mountDoor()
    await wrapper.get('#door-search').setValue('tømrer')
    expect(wrapper.findAll('#door-list .door__name').map((n) => n.text())).toEqual(['Anna Hansen'])
    await wrapper.get('#door-search').trigger('keydown', { key: 'Enter' })
    await flushPromises()
    expect(count(wrapper)).toBe('2 af 3 tjekket ind')
    expect((wrapper.get('#door-search').element as HTMLInputElement).value).toBe('')
    wrapper.unmount()
  })

  it('leaves the count alone and says why when the check-in fails', async () => {
    checkInAnswer = () =>
      new Response(JSON.stringify({ status: 409, title: 'Conflict', detail: 'The event is cancelled.' }), {
        status: 409,
        headers: { 'Content-Type': 'application/problem+json' },
      })
    const wrapper = await mountDoor()
    await wrapper.findAll('#door-list button').find((b) => b.text() === 'Tjek ind Bo Jensen')!.trigger('click')
    await flushPromises()
    expect(count(wrapper)).toBe('1 af 3 tjekket ind')
    expect(wrapper.get('[role="alert"]').text()).toContain('Ændringen er i konflikt med eksisterende data.')
    wrapper.unmount()
  })
})
