import { describe, expect, it } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import { eventRead, json, stubFetch } from './helpers'

// Set before the app's modules are imported below: the API client captures fetch when it is created.
const fake = stubFetch((request) => `${request.method} ${new URL(request.url).pathname}`)
const server = { events: 1 }

const visit = eventRead({ id: 7, kind: 'company_visit', title: 'Virksomhedsbesøg', visited_company_id: 15 })

function participation(n: number) {
  const event = eventRead({ id: 100 + n, title: `Arrangement ${n}`, starts_at: `2026-0${1 + (n % 9)}-10T08:00:00Z` })
  const person = { id: 500 + n, name: `Deltager ${n}`, email: null, phone: null, company_id: 15, anonymised_at: null, updated_at: '2026-01-01T00:00:00Z' }
  const registration = { id: 900 + n, event_id: event.id, person_id: person.id, status: 'attended', participant_type: 'company_representative', registered_at: '2026-01-01T08:00:00Z', checked_in_at: null, waitlist_position: null, person }
  return { event, registration }
}

fake.answer = (request) => {
  const url = new URL(request.url)
  if (url.pathname === '/api/v1/events' && url.searchParams.get('visited_company_id') === '15') {
    return json({ items: [visit], total: 1, limit: 500, offset: 0 })
  }
  if (url.pathname === '/api/v1/companies/15/registrations') {
    const items = Array.from({ length: server.events }, (_, n) => participation(n))
    return json({ items, total: items.length, limit: 500, offset: 0 })
  }
  return json({ status: 404, detail: `no fake for ${url.pathname}` }, 404)
}

const { default: CompanyEvents } = await import('../src/features/companies/CompanyEvents.vue')

async function requestsFor(events: number) {
  fake.sent.length = 0
  server.events = events
  const wrapper = mount(CompanyEvents, { props: { companyId: 15, withRegistrations: true } })
  await flushPromises()
  return { sent: [...fake.sent].sort(), text: wrapper.text() }
}

describe("a company's events", () => {
  it('are read in two requests, however many events its people took part in', async () => {
    const one = await requestsFor(1)
    const many = await requestsFor(30)
    expect(one.sent).toEqual(['GET /api/v1/companies/15/registrations', 'GET /api/v1/events'])
    expect(many.sent).toEqual(one.sent)
    expect(one.text).toContain('2 arrangementer')
    expect(many.text).toContain('31 arrangementer')
    expect(many.text).toContain('Arrangement 29')
  })
})
