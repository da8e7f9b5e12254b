import { afterEach, describe, expect, it, vi } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'

/** Every request the app makes goes through this fetch (the client captures it when created). */
const server = vi.hoisted(() => {
  const state = {
    requests: [] as { method: string; path: string; body: unknown }[],
    tokens: [] as Record<string, unknown>[],
  }
  const json = (status: number, body: unknown) =>
    new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } })
  globalThis.fetch = (async (input: Request) => {
    const path = new URL(input.url).pathname
    const body = input.method === 'GET' || input.method === 'DELETE' ? undefined : await input.clone().json()
    state.requests.push({ method: input.method, path, body })
    if (input.method === 'GET' && path === '/api/v1/tokens') {
      return json(200, { items: state.tokens, total: state.tokens.length, limit: 500, offset: 0 })
    }
    if (input.method === 'POST' && path === '/api/v1/tokens') {
      const created = {
        id: 7,
        name: (body as { name: string }).name,
        prefix: 'a1b2c3d4',
        scopes: (body as { scopes: string[] }).scopes,
        created_by: 'Administrator',
        created_at: '2026-11-26T10:00:00Z',
        expires_at: '2027-11-26T10:00:00Z',
        revoked_at: null,
        last_used_at: null,
      }
      state.tokens = [created]
      return json(201, { ...created, token: 'erh_a1b2c3d4_SuperHemmeligNoegle123' })
    }
    if (input.method === 'DELETE' && path === '/api/v1/tokens/7') {
      state.tokens = state.tokens.map((t) => ({ ...t, revoked_at: '2026-11-26T11:00:00Z' }))
      return new Response(null, { status: 204 })
    }
    return json(404, { status: 404, detail: `no fake for ${input.method} ${path}` })
  }) as typeof fetch
  return state
})

const { default: TokensPanel } = await import('../src/features/admin/TokensPanel.vue')

afterEach(() => {
  server.requests.length = 0
  server.tokens = []
  document.body.innerHTML = ''
})

const RAW = 'erh_a1b2c3d4_SuperHemmeligNoegle123'

async function mountPanel() {
  const wrapper = mount(TokensPanel, { attachTo: document.body })
  await flushPromises()
  return wrapper
}

async function createToken(wrapper: Awaited<ReturnType<typeof mountPanel>>) {
  await wrapper.findAll('button').find((b) => b.text() === 'Opret API-nøgle')!.trigger('click')
  const form = wrapper.find('form')
  const nameLabel = form.findAll('label').find((l) => l.text().startsWith('Navn'))!
  await form.find(`#${nameLabel.attributes('for')}`).setValue('Sagssystemet')
  const casesLabel = form.findAll('label').find((l) => l.text().startsWith('Indsende sager'))!
  await form.find(`#${casesLabel.attributes('for')}`).setValue(true)
  await form.trigger('submit')
  await flushPromises()
}

describe('API tokens', () => {
  it('offers the API’s scopes as checkboxes, admin not for tokens', async () => {
    const wrapper = await mountPanel()
    await wrapper.findAll('button').find((b) => b.text() === 'Opret API-nøgle')!.trigger('click')
    const boxes = wrapper.findAll('input[type="checkbox"]')
    expect(boxes.map((b) => (b.element as HTMLInputElement).value)).toEqual([
      'read',
      'personal:read',
      'write',
      'grants:write',
      'cases:write',
      'admin',
    ])
    expect(boxes.map((b) => (b.element as HTMLInputElement).disabled)).toEqual([false, false, false, false, false, true])
    expect(wrapper.text()).toContain('Der er ingen API-nøgler.')
  })

  it('shows the new token once, with a warning, and forgets it when closed', async () => {
    const wrapper = await mountPanel()
    await createToken(wrapper)

    const post = server.requests.find((r) => r.method === 'POST')
    expect(post?.body).toEqual({ name: 'Sagssystemet', scopes: ['read', 'cases:write'], expires_in_days: 365 })

    const secret = wrapper.find('.secret')
    expect(secret.exists()).toBe(true)
    expect((secret.find('input').element as HTMLInputElement).value).toBe(RAW)
    expect(secret.text()).toContain('Vises kun denne ene gang.')
    expect(secret.text()).toContain('kan ikke vises igen')
    expect(secret.findAll('button').map((b) => b.text())).toContain('Kopiér API-nøgle')
    // Focus goes to the announcement, so keyboard and screen-reader users meet it first.
    expect(document.activeElement?.textContent).toBe('API-nøglen „Sagssystemet“ er oprettet')
    // The list shows the token's prefix, never the token.
    expect(wrapper.find('tbody').text()).toContain('a1b2c3d4')
    expect(wrapper.find('tbody').html()).not.toContain('SuperHemmelig')

    await secret.findAll('button').find((b) => b.text() === 'Jeg har gemt den – luk')!.trigger('click')
    await flushPromises()

    expect(wrapper.find('.secret').exists()).toBe(false)
    expect(wrapper.html()).not.toContain(RAW)
    expect(wrapper.html()).not.toContain('SuperHemmelig')
    expect(document.body.innerHTML).not.toContain('SuperHemmelig')
    expect(wrapper.text()).toContain('API-nøglen „Sagssystemet“ er oprettet. Nøglen vises ikke igen.')
  })

  it('copies the token to the clipboard', async () => {
    const writeText = vi.fn(async () => {})
    Object.defineProperty(navigator, 'clipboard', { value: { writeText }, configurable: true })
    const wrapper = await mountPanel()
    await createToken(wrapper)
    await wrapper.findAll('button').find((b) => b.text() === 'Kopiér API-nøgle')!.trigger('click')
    await flushPromises()
    expect(writeText).toHaveBeenCalledWith(RAW)
    expect(wrapper.find('.secret__copied').text()).toBe('Kopieret til udklipsholderen.')
  })

  it('revokes a token only after confirming', async () => {
    const wrapper = await mountPanel()
    await createToken(wrapper)
    await wrapper.findAll('button').find((b) => b.text() === 'Jeg har gemt den – luk')!.trigger('click')
    await flushPromises()

    await wrapper.findAll('tbody button').find((b) => b.text().startsWith('Tilbagekald'))!.trigger('click')
    const dialog = wrapper.find('dialog')
    expect(dialog.attributes('open')).toBeDefined()
    expect(dialog.text()).toContain('Tilbagekald API-nøglen „Sagssystemet“?')
    expect(server.requests.some((r) => r.method === 'DELETE')).toBe(false)

    await dialog.findAll('button').find((b) => b.text() === 'Tilbagekald nøglen')!.trigger('click')
    await flushPromises()
    expect(server.requests.filter((r) => r.method === 'DELETE').map((r) => r.path)).toEqual(['/api/v1/tokens/7'])
    expect(wrapper.find('dialog').attributes('open')).toBeUndefined()
    expect(wrapper.find('tbody').text()).toContain('Tilbagekaldt')
  })
})
