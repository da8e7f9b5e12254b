import { beforeEach, describe, expect, it, vi } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import { defineComponent, h, shallowRef } from 'vue'
import { createMemoryHistory, createRouter } from 'vue-router'
import { ApiError } from '../src/api/errors'

const login = vi.fn()
vi.mock('../src/auth/useAuth', () => ({
  useAuth: () => ({ user: shallowRef(null), login }),
}))

const { default: LoginView } = await import('../src/views/LoginView.vue')

const Page = defineComponent({ render: () => h('p', 'side') })

async function mountLogin(path = '/log-ind?next=/indsatser/3') {
  const router = createRouter({
    history: createMemoryHistory(),
    routes: [
      { path: '/log-ind', name: 'login', component: LoginView },
      { path: '/:rest(.*)*', component: Page },
    ],
  })
  await router.push(path)
  const wrapper = mount(LoginView, { global: { plugins: [router] } })
  return { wrapper, router }
}

function labelled(wrapper: ReturnType<typeof mount>, text: string) {
  const label = wrapper.findAll('label').find((l) => l.text().startsWith(text))
  expect(label, `a label "${text}"`).toBeDefined()
  return wrapper.find(`#${label!.attributes('for')}`)
}

describe('LoginView', () => {
  beforeEach(() => {
    login.mockReset()
  })

  it('has labelled e-mail and password fields', async () => {
    const { wrapper } = await mountLogin()
    expect(labelled(wrapper, 'E-mail').attributes('type')).toBe('email')
    expect(labelled(wrapper, 'Adgangskode').attributes('type')).toBe('password')
    expect(labelled(wrapper, 'Adgangskode').attributes('autocomplete')).toBe('current-password')
  })

  it('asks for what is missing without calling the server', async () => {
    const { wrapper } = await mountLogin()
    await wrapper.find('form').trigger('submit')
    expect(login).not.toHaveBeenCalled()
    const email = labelled(wrapper, 'E-mail')
    expect(email.attributes('aria-invalid')).toBe('true')
    const describedBy = email.attributes('aria-describedby') ?? ''
    expect(wrapper.find(`#${describedBy}`).text()).toContain('Skriv din e-mailadresse.')
  })

  it('shows the server’s message for a wrong password and clears the password', async () => {
    login.mockImplementation(async () => {
      throw ApiError.fromProblem(401, { status: 401, title: 'Unauthorized', detail: 'Forkert e-mail eller adgangskode.' })
    })
    const { wrapper, router } = await mountLogin()
    await labelled(wrapper, 'E-mail').setValue('rita@lejre.dk')
    await labelled(wrapper, 'Adgangskode').setValue('forkert')
    await wrapper.find('form').trigger('submit')
    await flushPromises()
    expect(login).toHaveBeenCalledWith('rita@lejre.dk', 'forkert')
    expect(wrapper.find('[role="alert"]').text()).toBe('Forkert e-mail eller adgangskode.')
    expect((labelled(wrapper, 'Adgangskode').element as HTMLInputElement).value).toBe('')
    expect(router.currentRoute.value.name).toBe('login')
  })

  it('goes back to the page that asked for the login', async () => {
    login.mockResolvedValue({})
    const { wrapper, router } = await mountLogin()
    await labelled(wrapper, 'E-mail').setValue(' rita@lejre.dk ')
    await labelled(wrapper, 'Adgangskode').setValue('rigtig')
    await wrapper.find('form').trigger('submit')
    await flushPromises()
    expect(login).toHaveBeenCalledWith('rita@lejre.dk', 'rigtig')
    expect(router.currentRoute.value.fullPath).toBe('/indsatser/3')
  })
})
