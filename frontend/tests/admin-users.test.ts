import { afterEach, describe, expect, it, vi } from 'vitest'
import { flushPromises, mount, type VueWrapper } from '@vue/test-utils'
import { computed, shallowRef } from 'vue'

const server = vi.hoisted(() => {
  const admin = { id: 1, email: 'admin@lejre.dk', name: 'Administrator', role: 'admin', is_active: true, created_at: '2026-01-05T08:00:00Z', updated_at: '2026-01-05T08:00:00Z' }
  const state = {
    requests: [] as { method: string; path: string; body: unknown; ifMatch: string | null }[],
    users: [admin] as Record<string, unknown>[],
    /** The answer to the next POST /users. */
    createAnswer: null as null | (() => Response),
    admin,
  }
  const json = (status: number, body: unknown, type = 'application/json', headers: Record<string, string> = {}) =>
    new Response(JSON.stringify(body), { status, headers: { 'Content-Type': type, ...headers } })
  globalThis.fetch = (async (input: Request) => {
    const path = new URL(input.url).pathname
    const body = input.method === 'GET' ? undefined : await input.clone().json()
    state.requests.push({ method: input.method, path, body, ifMatch: input.headers.get('If-Match') })
    if (input.method === 'GET' && path === '/api/v1/users') {
      return json(200, { items: state.users, total: state.users.length, limit: 500, offset: 0 })
    }
    if (input.method === 'POST' && path === '/api/v1/users') {
      if (state.createAnswer) return state.createAnswer()
      const created = { ...(body as object), id: 8, is_active: true, created_at: '2026-11-26T10:00:00Z', updated_at: '2026-11-26T10:00:00Z' }
      state.users = [...state.users, created]
      return json(201, { ...created, password: 'Kx9-genereret-Adgangskode' })
    }
    const one = /^\/api\/v1\/users\/(\d+)$/.exec(path)
    if (one) {
      const user = state.users.find((u) => u.id === Number(one[1]))!
      if (input.method === 'GET') return json(200, user, 'application/json', { ETag: '"2"' })
      Object.assign(user, body)
      return json(200, user, 'application/json', { ETag: '"3"' })
    }
    return json(404, { status: 404, detail: `no fake for ${input.method} ${path}` })
  }) as typeof fetch
  return state
})

vi.mock('../src/auth/useAuth', () => ({
  useAuth: () => ({
    user: shallowRef({ kind: 'user', id: 1, name: 'Administrator', email: 'admin@lejre.dk', role: 'admin', scopes: [], csrf_token: 'csrf' }),
    canEdit: computed(() => true),
    isAdmin: computed(() => true),
  }),
}))

const { default: UsersPanel } = await import('../src/features/admin/UsersPanel.vue')

afterEach(() => {
  server.requests.length = 0
  server.users = [server.admin]
  server.createAnswer = null
  document.body.innerHTML = ''
})

function field(wrapper: VueWrapper, label: string) {
  const element = wrapper.findAll('label').find((l) => l.text().startsWith(label))
  expect(element, `a label "${label}"`).toBeDefined()
  return wrapper.find(`#${element!.attributes('for')}`)
}

/** The messages an input points to with aria-describedby. */
function description(wrapper: VueWrapper, input: ReturnType<typeof field>): string {
  return (input.attributes('aria-describedby') ?? '')
    .split(' ')
    .filter(Boolean)
    .map((id) => wrapper.find(`#${id}`).text())
    .join(' ')
}

async function openAndFill(wrapper: VueWrapper, email: string) {
  await wrapper.findAll('button').find((b) => b.text() === 'Opret bruger')!.trigger('click')
  const form = wrapper.find('form')
  await field(wrapper, 'Navn').setValue('Karen Kontakt')
  await field(wrapper, 'E-mail').setValue(email)
  await field(wrapper, 'Rolle').setValue('editor')
  await form.trigger('submit')
  await flushPromises()
}

describe('creating a user', () => {
  it('shows the API’s 422 for the e-mail next to the e-mail field', async () => {
    server.createAnswer = () =>
      new Response(
        JSON.stringify({
          type: 'https://erhverv.lejre.dk/problems/validation-error',
          title: 'Invalid input',
          status: 422,
          detail: 'body.email: value is not a valid email address: An email address must have an @-sign.',
          errors: [{ field: 'body.email', message: 'value is not a valid email address: An email address must have an @-sign.', type: 'value_error' }],
        }),
        { status: 422, headers: { 'Content-Type': 'application/problem+json' } },
      )
    const wrapper = mount(UsersPanel, { attachTo: document.body })
    await flushPromises()
    await openAndFill(wrapper, 'karen.lejre.dk')

    expect(server.requests.find((r) => r.method === 'POST')?.body).toEqual({ name: 'Karen Kontakt', email: 'karen.lejre.dk', role: 'editor' })
    const email = field(wrapper, 'E-mail')
    expect(email.attributes('aria-invalid')).toBe('true')
    expect(description(wrapper, email)).toBe('Skriv en gyldig e-mailadresse, f.eks. navn@lejre.dk. Adressen mangler @.')
    // Only the e-mail is marked; the name is fine.
    expect(field(wrapper, 'Navn').attributes('aria-invalid')).toBe('false')
    expect(wrapper.find('[role="alert"]').text()).toContain('Nogle felter er ikke udfyldt korrekt')
    expect(document.activeElement).toBe(email.element)
    expect(wrapper.find('.secret').exists()).toBe(false)
  })

  it('says at the e-mail field that a user with the e-mail exists (409)', async () => {
    server.createAnswer = () =>
      new Response(JSON.stringify({ status: 409, title: 'Conflict', detail: 'A user with e-mail karen@lejre.dk exists already.' }), {
        status: 409,
        headers: { 'Content-Type': 'application/problem+json' },
      })
    const wrapper = mount(UsersPanel, { attachTo: document.body })
    await flushPromises()
    await openAndFill(wrapper, 'karen@lejre.dk')
    expect(description(wrapper, field(wrapper, 'E-mail'))).toBe('Der findes allerede en bruger med denne e-mailadresse.')
  })

  it('shows the generated password once, then only that the user exists', async () => {
    const wrapper = mount(UsersPanel, { attachTo: document.body })
    await flushPromises()
    await openAndFill(wrapper, 'karen@lejre.dk')

    const secret = wrapper.find('.secret')
    expect(secret.find('h3').text()).toBe('Karen Kontakt er oprettet som redaktør')
    expect((secret.find('input').element as HTMLInputElement).value).toBe('Kx9-genereret-Adgangskode')
    expect(secret.text()).toContain('Vises kun denne ene gang.')
    expect(wrapper.find('tbody').text()).toContain('karen@lejre.dk')

    await secret.findAll('button').find((b) => b.text() === 'Jeg har gemt den – luk')!.trigger('click')
    await flushPromises()
    expect(wrapper.html()).not.toContain('Kx9-genereret-Adgangskode')
    expect(wrapper.text()).toContain('Karen Kontakt er oprettet. Adgangskoden vises ikke igen.')
  })
})

describe('changing users', () => {
  it('changes a role with If-Match, and never offers to change your own account', async () => {
    server.users = [server.admin, { id: 3, email: 'viggo@lejre.dk', name: 'Viggo', role: 'viewer', is_active: true, created_at: '2026-02-01T08:00:00Z', updated_at: '2026-02-01T08:00:00Z' }]
    const wrapper = mount(UsersPanel, { attachTo: document.body })
    await flushPromises()
    const rows = wrapper.findAll('tbody tr')
    expect(rows[0]!.find('select').exists()).toBe(false)
    expect(rows[0]!.text()).toContain('(dig)')

    await field(wrapper, 'Rolle for Viggo').setValue('editor')
    await wrapper.findAll('button').find((b) => b.text().startsWith('Gem rolle'))!.trigger('click')
    await flushPromises()
    const patch = server.requests.find((r) => r.method === 'PATCH')
    expect(patch).toMatchObject({ path: '/api/v1/users/3', body: { role: 'editor' }, ifMatch: '"2"' })
    expect(wrapper.text()).toContain('Viggo er nu redaktør.')
  })

  it('deactivates only after confirming', async () => {
    server.users = [server.admin, { id: 3, email: 'viggo@lejre.dk', name: 'Viggo', role: 'viewer', is_active: true, created_at: '2026-02-01T08:00:00Z', updated_at: '2026-02-01T08:00:00Z' }]
    const wrapper = mount(UsersPanel, { attachTo: document.body })
    await flushPromises()
    await wrapper.findAll('button').find((b) => b.text() === 'Deaktivér Viggo')!.trigger('click')
    const dialog = wrapper.find('dialog')
    expect(dialog.attributes('open')).toBeDefined()
    expect(wrapper.find(`#${dialog.attributes('aria-labelledby')}`).text()).toBe('Deaktivér Viggo?')
    expect(server.requests.some((r) => r.method === 'PATCH')).toBe(false)
    await dialog.findAll('button').find((b) => b.text() === 'Deaktivér Viggo')!.trigger('click')
    await flushPromises()
    expect(server.requests.find((r) => r.method === 'PATCH')?.body).toEqual({ is_active: false })
    expect(wrapper.find('tbody').text()).toContain('Deaktiveret')
  })
})
