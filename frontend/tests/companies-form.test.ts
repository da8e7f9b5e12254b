import { afterEach, describe, expect, it, vi } from 'vitest'
import { flushPromises, mount, type VueWrapper } from '@vue/test-utils'

const server = vi.hoisted(() => {
  const state = { requests: [] as { method: string; path: string; body: unknown }[], answer: null as null | (() => Response) }
  globalThis.fetch = (async (input: Request) => {
    const path = new URL(input.url).pathname
    state.requests.push({ method: input.method, path, body: input.method === 'GET' ? undefined : await input.clone().json() })
    return state.answer ? state.answer() : new Response('{}', { status: 404 })
  }) as typeof fetch
  return state
})

const { default: CompanyForm } = await import('../src/features/companies/CompanyForm.vue')
const { createCompany } = await import('../src/features/companies/useCompanies')
const { cvrMessage } = await import('../src/features/companies/cvr')
const { ApiError } = await import('../src/api/errors')

const problem = (status: number, body: object) => () =>
  new Response(JSON.stringify({ status, ...body }), { status, headers: { 'Content-Type': 'application/problem+json' } })

afterEach(() => {
  server.requests.length = 0
  server.answer = null
  document.body.innerHTML = ''
})

function field(wrapper: VueWrapper, label: string) {
  const element = wrapper.findAll('label').find((l) => l.text().startsWith(label))!
  return wrapper.find(`#${element.attributes('for')}`)
}
function describedText(wrapper: VueWrapper, input: ReturnType<typeof field>): string {
  return (input.attributes('aria-describedby') ?? '').split(' ').map((id) => wrapper.find(`#${id}`).text()).join(' ')
}

async function submitNew(cvr: string) {
  const wrapper = mount(CompanyForm, { props: { create: createCompany }, attachTo: document.body })
  await field(wrapper, 'CVR-nummer').setValue(cvr)
  await field(wrapper, 'Navn').setValue('Testfirma ApS')
  await wrapper.find('form').trigger('submit')
  await flushPromises()
  return wrapper
}

describe('creating a company', () => {
  it('shows the API’s CVR check next to the CVR field, in Danish', async () => {
    server.answer = problem(422, {
      title: 'Invalid input',
      detail: "body.cvr: '12345678' er ikke et gyldigt CVR-nummer: kontrolcifferet passer ikke – tjek, at alle cifre er tastet rigtigt.",
      errors: [{ field: 'body.cvr', message: "'12345678' er ikke et gyldigt CVR-nummer: kontrolcifferet passer ikke – tjek, at alle cifre er tastet rigtigt.", type: 'value_error' }],
    })
    const wrapper = await submitNew('12345678')
    expect(server.requests[0]).toMatchObject({ method: 'POST', path: '/api/v1/companies', body: { cvr: '12345678', name: 'Testfirma ApS' } })
    const cvr = field(wrapper, 'CVR-nummer')
    expect(cvr.attributes('aria-invalid')).toBe('true')
    expect(describedText(wrapper, cvr)).toContain('Ikke et gyldigt CVR-nummer: kontrolcifferet passer ikke')
    expect(document.activeElement).toBe(cvr.element)
    // The summary does not repeat the API's text with the number in it.
    expect(wrapper.text()).not.toContain("'12345678' er ikke")
  })

  it('says at the field which company already has the CVR number (409)', async () => {
    server.answer = problem(409, { title: 'Conflict', detail: "CVR 29189927 is already registered as 'Demo Bager ApS'." })
    const wrapper = await submitNew('29189927')
    expect(describedText(wrapper, field(wrapper, 'CVR-nummer'))).toContain('CVR-nummeret er allerede oprettet (Demo Bager ApS).')
  })

  it('asks for the CVR number before calling the API', async () => {
    const wrapper = await submitNew('  ')
    expect(server.requests).toHaveLength(0)
    expect(describedText(wrapper, field(wrapper, 'CVR-nummer'))).toContain('Skriv virksomhedens CVR-nummer (8 cifre).')
  })

  it('words the other CVR errors', () => {
    const error = (reason: string) =>
      ApiError.fromProblem(422, { errors: [{ field: 'body.cvr', message: `'x' er ikke et gyldigt CVR-nummer: ${reason}.`, type: 'value_error' }] })
    expect(cvrMessage(error('et CVR-nummer har 8 cifre'))).toBe('Ikke et gyldigt CVR-nummer: et CVR-nummer har 8 cifre.')
    expect(cvrMessage(error('et CVR-nummer består af 8 cifre og begynder ikke med 0'))).toBe(
      'Ikke et gyldigt CVR-nummer: et CVR-nummer består af 8 cifre og begynder ikke med 0.',
    )
    expect(cvrMessage(ApiError.fromProblem(422, { errors: [{ field: 'body.name', message: 'x' }] }))).toBeNull()
  })
})

describe('editing a company', () => {
  it('sends only what changed, with the CVR number left out', async () => {
    const company = { id: 3, cvr: '29189927', name: 'Firma ApS', address: 'Vej 1', postal_code: '4320', city: 'Lejre', industry_code: null, founded_on: null, updated_at: '2026-01-01T00:00:00Z' }
    const update = vi.fn(async () => ({}))
    const wrapper = mount(CompanyForm, { props: { company, update } })
    expect(wrapper.text()).toContain('CVR-nummer: 29189927 (kan ikke ændres)')
    await field(wrapper, 'By').setValue('Hvalsø')
    await wrapper.find('form').trigger('submit')
    await flushPromises()
    expect(update).toHaveBeenCalledWith({ city: 'Hvalsø' })
    expect(wrapper.emitted('saved')).toHaveLength(1)
  })
})
