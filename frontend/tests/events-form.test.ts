import { beforeEach, describe, expect, it, vi } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'

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
    if (url.pathname === '/api/v1/events' && request.method === 'POST') return createAnswer()
    return json({ status: 404 }, 404)
  }),
)

// The client captures fetch when it is created: import the app's modules after the stub.
const { default: EventForm } = await import('../src/features/events/EventForm.vue')
const { createEvent } = await import('../src/composables/useEvents')

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
})
