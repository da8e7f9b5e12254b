import { describe, expect, it, vi } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import type { RegistrationCreate } from '../src/features/events/types'

// No request leaves the form itself (the caller sends it); the pickers would search the API.
vi.stubGlobal('fetch', vi.fn(async () => new Response(null, { status: 404 })))
const { default: RegisterForm } = await import('../src/features/events/RegisterForm.vue')

function field(wrapper: ReturnType<typeof mount>, label: string) {
  const found = wrapper.findAll('label').find((l) => l.text().replace(' (skal udfyldes)', '') === label)
  expect(found, `a label "${label}"`).toBeDefined()
  return wrapper.get(`[id="${found!.attributes('for')}"]`)
}

describe('RegisterForm', () => {
  it('registers a company representative unless another type is chosen', async () => {
    const sent: RegistrationCreate[] = []
    const wrapper = mount(RegisterForm, { props: { submit: async (body: RegistrationCreate) => sent.push(body) } })
    const type = field(wrapper, 'Deltagertype')
    expect(type.findAll('option').map((o) => o.text())).toEqual(['Virksomhedsrepræsentant', 'Borger', 'Elev', 'Andet'])
    await field(wrapper, 'Navn').setValue('Anna')
    await wrapper.get('form').trigger('submit')
    await flushPromises()
    await field(wrapper, 'Navn').setValue('Ole')
    await type.setValue('pupil')
    await wrapper.get('form').trigger('submit')
    await flushPromises()
    expect(sent.map((b) => [b.person?.name, b.participant_type])).toEqual([
      ['Anna', 'company_representative'],
      ['Ole', 'pupil'],
    ])
    wrapper.unmount()
  })
})
