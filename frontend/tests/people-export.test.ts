import { afterEach, describe, expect, it, vi } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'

const server = vi.hoisted(() => {
  const state = { requests: [] as string[] }
  globalThis.fetch = (async (input: Request) => {
    const path = new URL(input.url).pathname
    state.requests.push(`${input.method} ${path}`)
    const body = {
      generated_at: '2026-11-26T10:00:00Z',
      person: { id: 40, name: 'Anne Hansen', email: 'anne@firma.dk', phone: null, company_id: null, anonymised_at: null, created_at: '2026-01-01T00:00:00Z', updated_at: '2026-01-01T00:00:00Z' },
      company: null,
      registrations: [],
      audit: [],
    }
    return new Response(JSON.stringify(body), {
      status: 200,
      headers: { 'Content-Type': 'application/json', 'Content-Disposition': 'attachment; filename="person-40.json"' },
    })
  }) as typeof fetch
  return state
})

const { default: PersonGdpr } = await import('../src/features/people/PersonGdpr.vue')
const { filenameOf } = await import('../src/features/people/usePeople')

const person = { id: 40, name: 'Anne Hansen', email: 'anne@firma.dk', phone: null, company_id: null, anonymised_at: null, updated_at: '2026-01-01T00:00:00Z' }

afterEach(() => {
  vi.restoreAllMocks()
  server.requests.length = 0
})

describe('exporting a person’s data', () => {
  it('downloads the API’s JSON as the file it names, and says so', async () => {
    const blobs: Blob[] = []
    vi.spyOn(URL, 'createObjectURL').mockImplementation((blob) => {
      blobs.push(blob as Blob)
      return 'blob:fake'
    })
    vi.spyOn(URL, 'revokeObjectURL').mockImplementation(() => {})
    const clicked: { href: string; download: string }[] = []
    vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) {
      clicked.push({ href: this.href, download: this.download })
    })
    const erase = vi.fn()
    const wrapper = mount(PersonGdpr, { props: { person, registrationCount: 0, erase } })

    await wrapper.findAll('button').find((b) => b.text() === 'Eksportér personens data')!.trigger('click')
    await flushPromises()

    expect(server.requests).toEqual(['GET /api/v1/people/40/export'])
    expect(clicked).toEqual([{ href: 'blob:fake', download: 'person-40.json' }])
    const saved = JSON.parse(await blobs[0]!.text())
    expect(saved.person.name).toBe('Anne Hansen')
    expect(blobs[0]!.type).toBe('application/json')
    expect(wrapper.find('[role="status"]').text()).toBe(
      'Filen person-40.json er hentet med alt, vi har om Anne Hansen. Eksporten er noteret i revisionsloggen.',
    )
    expect(erase).not.toHaveBeenCalled()
  })

  it('reads the file name from Content-Disposition', () => {
    expect(filenameOf('attachment; filename="person-7.json"', 'x.json')).toBe('person-7.json')
    expect(filenameOf(null, 'person-7.json')).toBe('person-7.json')
  })
})
