import { beforeEach, describe, expect, it, vi } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'

const SERIES = [
  { id: 1, key: 'ivaerksaetteruge-46', name: 'Iværksætteruge 46', description: null, events: 1, updated_at: '2026-01-01T00:00:00Z' },
  { id: 2, key: 'klimaugen-2026', name: 'Klimaugen 2026', description: null, events: 0, updated_at: '2026-01-01T00:00:00Z' },
]

/** The requests the form sends, and a fake API: initiatives, organisations, and the answer to POST /events. */
const sent: { method: string; path: string; body: unknown }[] = []
let createAnswer: () => Response

const json = (body: unknown, status = 200, type = 'application/json') =>
  new Response(JSON.stringify(body), { status, headers: { 'Content-Type': type } })
const problem = (status: number, body: Record<string, unknown>) => json({ status, ...body }, status, 'application/problem+json')

vi.stubGlobal(
  'fetch',
  vi.fn(async (request: Request) => {
    const url = new URL(request.url, 'http://localhost:5173')
    const body = request.method === 'GET' ? null : await request.clone().json()
    sent.push({ method: request.method, path: url.pathname, body })
    if (url.pathname === '/api/v1/plans/2026/initiatives')
      return json({ items: [{ id: 3, code: '3.8', title: 'Samarbejde med erhvervsorganisationer' }], total: 1, limit: 500, offset: 0 })
    if (url.pathname === '/api/v1/organizations') return json({ items: [{ id: 1, name: 'Erhvervshus Sjælland' }], total: 1, limit: 500, offset: 0 })
    if (url.pathname === '/api/v1/event-series' && request.method === 'GET') return json({ items: SERIES, total: SERIES.length, limit: 500, offset: 0 })
    if (url.pathname === '/api/v1/event-series' && request.method === 'POST') {
      const name = (body as { name: string }).name
      if (SERIES.some((s) => s.name.toLowerCase() === name.toLowerCase()))
        return problem(409, { title: 'Series name taken', detail: `Der findes allerede en serie, der hedder »${name}«; vælg den på listen.`, errors: [{ field: 'name', message: 'navnet er i brug' }] })
      return json({ id: 9, key: 'erhvervsugen-2026', name, description: null, events: 0, updated_at: '2026-01-01T00:00:00Z' }, 201)
    }
    if (url.pathname === '/api/v1/events' && request.method === 'POST') return createAnswer()
    return json({ status: 404 }, 404)
  }),
)

// The client captures fetch when it is created: import the app's modules after the stub.
const { default: EventForm } = await import('../src/features/events/EventForm.vue')
const { createEvent } = await import('../src/features/events/useEvents')

async function mountForm() {
  const wrapper = mount(EventForm, {
    props: { event: null, year: 2026, save: (body) => createEvent(body) },
    attachTo: document.body,
  })
  await flushPromises()
  return wrapper
}

type Wrapper = Awaited<ReturnType<typeof mountForm>>

/** The input a label names, found the way a user finds it. */
function field(wrapper: Wrapper, label: string) {
  const found = wrapper.findAll('label').find((l) => l.text().replace(' (skal udfyldes)', '') === label)
  expect(found, `a label "${label}"`).toBeDefined()
  return wrapper.get(`[id="${found!.attributes('for')}"]`)
}

/** The error text an input points to with aria-describedby. */
function errorOf(wrapper: Wrapper, label: string): string {
  const input = field(wrapper, label)
  expect(input.attributes('aria-invalid')).toBe('true')
  const ids = (input.attributes('aria-describedby') ?? '').split(' ')
  return ids.map((id) => wrapper.find(`[id="${id}"].field__error`)).find((el) => el.exists())?.text() ?? ''
}

async function fillAndSubmit(wrapper: Wrapper) {
  await field(wrapper, 'Titel').setValue('Temamøde om eksport')
  await field(wrapper, 'Start').setValue('2026-03-05T17:00')
  await field(wrapper, 'Sted').setValue('Lejre Rådhus')
  await wrapper.get('form').trigger('submit')
  await flushPromises()
}

describe('EventForm with the API’s validation errors', () => {
  beforeEach(() => {
    sent.length = 0
  })

  it('shows a 422 problem’s field error next to its field, in Danish', async () => {
    createAnswer = () =>
      problem(422, {
        type: 'https://erhverv.lejre.dk/problems/validation-error',
        title: 'Invalid input',
        detail: 'body.location: String should have at most 300 characters',
        errors: [{ field: 'body.location', message: 'String should have at most 300 characters', type: 'string_too_long' }],
      })
    const wrapper = await mountForm()
    await fillAndSubmit(wrapper)

    const post = sent.find((r) => r.method === 'POST')
    expect(post?.body).toMatchObject({ title: 'Temamøde om eksport', starts_at: '2026-03-05T16:00:00.000Z', ends_at: '2026-03-05T18:00:00.000Z' })
    expect(errorOf(wrapper, 'Sted')).toBe('Teksten er for lang.')
    expect(field(wrapper, 'Titel').attributes('aria-invalid')).toBe('false')
    expect(wrapper.get('[role="alert"]').text()).toContain('Nogle felter er ikke udfyldt korrekt. Se beskederne ved felterne.')
    expect(wrapper.emitted('saved')).toBeUndefined()
    wrapper.unmount()
  })

  it('puts a rule between fields, which the API names on the body, at the field it concerns', async () => {
    createAnswer = () =>
      problem(422, {
        title: 'Invalid input',
        detail: 'body: Value error, ends_at is before starts_at: an event cannot end before it starts',
        errors: [{ field: 'body', message: 'Value error, ends_at is before starts_at: an event cannot end before it starts', type: 'value_error' }],
      })
    const wrapper = await mountForm()
    await fillAndSubmit(wrapper)
    expect(errorOf(wrapper, 'Slut')).toBe('Slut kan ikke være før start.')
    expect(wrapper.get('[role="alert"]').text()).not.toContain('ends_at')
    wrapper.unmount()
  })

  it('lists an error of a field it does not show at the top', async () => {
    createAnswer = () =>
      problem(422, { title: 'Invalid input', detail: 'x', errors: [{ field: 'body.plan_key', message: 'Extra inputs are not permitted', type: 'extra_forbidden' }] })
    const wrapper = await mountForm()
    await fillAndSubmit(wrapper)
    expect(wrapper.get('[role="alert"] li').text()).toBe('plan_key: Feltet kendes ikke.')
    wrapper.unmount()
  })

  it('emits the created event when the API accepts it', async () => {
    createAnswer = () => json({ id: 42, title: 'Temamøde om eksport' }, 201)
    const wrapper = await mountForm()
    await fillAndSubmit(wrapper)
    expect(wrapper.emitted('saved')?.[0]?.[0]).toMatchObject({ id: 42 })
    expect(wrapper.find('[role="alert"]').exists()).toBe(false)
    wrapper.unmount()
  })

  it('sends the expected number of participants, and leaves it out (null) when empty', async () => {
    createAnswer = () => json({ id: 43, title: 'Temamøde om eksport' }, 201)
    sent.length = 0
    const wrapper = await mountForm()
    expect(field(wrapper, 'Forventet antal deltagere').element.tagName).toBe('INPUT')
    await field(wrapper, 'Pladser').setValue('40')
    await field(wrapper, 'Forventet antal deltagere').setValue('25')
    await fillAndSubmit(wrapper)
    expect(sent.find((r) => r.method === 'POST')?.body).toMatchObject({ capacity: 40, expected_participants: 25 })
    wrapper.unmount()

    sent.length = 0
    const empty = await mountForm()
    await fillAndSubmit(empty)
    expect(sent.find((r) => r.method === 'POST')?.body).toMatchObject({ expected_participants: null })
    empty.unmount()
  })

  it('asks for a whole number of expected participants', async () => {
    sent.length = 0
    const wrapper = await mountForm()
    await field(wrapper, 'Forventet antal deltagere').setValue('mange')
    await fillAndSubmit(wrapper)
    expect(errorOf(wrapper, 'Forventet antal deltagere')).toBe('Skriv et helt tal, eller lad feltet stå tomt (så bruges antal pladser).')
    expect(sent.find((r) => r.method === 'POST')).toBeUndefined()
    wrapper.unmount()
  })

  it('picks the series from the list and sends its id', async () => {
    createAnswer = () => json({ id: 44, title: 'Temamøde om eksport' }, 201)
    sent.length = 0
    const wrapper = await mountForm()
    const select = field(wrapper, 'Serie')
    expect(select.findAll('option').map((o) => o.text())).toEqual(['Ingen serie', 'Iværksætteruge 46', 'Klimaugen 2026'])
    await select.setValue('2')
    await fillAndSubmit(wrapper)
    expect(sent.find((r) => r.method === 'POST' && r.path === '/api/v1/events')?.body).toMatchObject({ series_id: 2 })
    wrapper.unmount()
  })

  it('adds a new series by its name and chooses it', async () => {
    createAnswer = () => json({ id: 45, title: 'Temamøde om eksport' }, 201)
    sent.length = 0
    const wrapper = await mountForm()
    await wrapper.findAll('button').find((b) => b.text() === 'Ny serie')!.trigger('click')
    await field(wrapper, 'Navn på den nye serie').setValue('Erhvervsugen 2026')
    await wrapper.findAll('button').find((b) => b.text() === 'Opret serie')!.trigger('click')
    await flushPromises()
    expect(sent.find((r) => r.method === 'POST' && r.path === '/api/v1/event-series')?.body).toEqual({ name: 'Erhvervsugen 2026' })
    expect((field(wrapper, 'Serie').element as HTMLSelectElement).selectedOptions[0]?.text).toBe('Erhvervsugen 2026')
    expect(wrapper.text()).toContain('Serien Erhvervsugen 2026 er oprettet og valgt.')
    await fillAndSubmit(wrapper)
    expect(sent.find((r) => r.method === 'POST' && r.path === '/api/v1/events')?.body).toMatchObject({ series_id: 9 })
    wrapper.unmount()
  })

  it('says in Danish that a series of that name exists', async () => {
    const wrapper = await mountForm()
    await wrapper.findAll('button').find((b) => b.text() === 'Ny serie')!.trigger('click')
    await field(wrapper, 'Navn på den nye serie').setValue('klimaugen 2026')
    await wrapper.findAll('button').find((b) => b.text() === 'Opret serie')!.trigger('click')
    await flushPromises()
    expect(wrapper.get('.series__error').text()).toBe('Der findes allerede en serie, der hedder »klimaugen 2026«; vælg den på listen.')
    expect(field(wrapper, 'Navn på den nye serie').attributes('aria-invalid')).toBe('true')
    wrapper.unmount()
  })

  it('checks that the pupils are part of the door count', async () => {
    sent.length = 0
    const wrapper = await mountForm()
    await field(wrapper, 'Deltagere talt').setValue('400')
    await field(wrapper, 'Heraf elever').setValue('401')
    await fillAndSubmit(wrapper)
    expect(errorOf(wrapper, 'Heraf elever')).toContain('ikke flere end dem')
    expect(sent.find((r) => r.method === 'POST')).toBeUndefined()
    wrapper.unmount()
  })
})
