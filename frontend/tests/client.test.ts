import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import {
  createApiClient,
  csrfMiddleware,
  readCookie,
  rememberCsrfToken,
  setUnauthorizedHandler,
  unwrap,
  unwrapWithEtag,
} from '../src/api/client'
import { ApiError, fieldName } from '../src/api/errors'

const PROBLEM = { 'Content-Type': 'application/problem+json' }
const BASE = 'http://localhost:5173'

function answer(status: number, body: unknown, headers: Record<string, string> = { 'Content-Type': 'application/json' }) {
  return new Response(body === undefined ? null : JSON.stringify(body), { status, headers })
}

/** A client whose fetch records each request and answers with the given response. */
function clientAnswering(response: () => Response) {
  const requests: Request[] = []
  const fetch = vi.fn(async (input: Request) => {
    requests.push(input)
    return response()
  })
  return { client: createApiClient({ baseUrl: BASE, fetch: fetch as unknown as typeof globalThis.fetch }), requests }
}

function clearCookie(): void {
  document.cookie = 'erhverv_csrf=; expires=Thu, 01 Jan 1970 00:00:00 GMT; path=/'
}

describe('ApiError.fromProblem', () => {
  const validation = {
    type: 'https://erhverv.lejre.dk/problems/validation-error',
    title: 'Invalid input',
    status: 422,
    detail: 'body.title: String should have at least 1 character',
    errors: [
      { field: 'body.title', message: 'String should have at least 1 character', type: 'string_too_short' },
      { field: 'targets.2026', message: 'a target must not be negative' },
      { field: 'metric_params.theme', message: 'unknown theme' },
    ],
  }

  it('keeps the problem fields', () => {
    const error = ApiError.fromProblem(422, validation)
    expect(error).toBeInstanceOf(ApiError)
    expect(error).toBeInstanceOf(Error)
    expect(error.status).toBe(422)
    expect(error.type).toBe('https://erhverv.lejre.dk/problems/validation-error')
    expect(error.title).toBe('Invalid input')
    expect(error.detail).toBe('body.title: String should have at least 1 character')
    expect(error.message).toBe('Nogle felter er ikke udfyldt korrekt. Se beskederne ved felterne.')
  })

  it('maps errors to the fields a form names, in Danish where the type is known', () => {
    const { fieldErrors } = ApiError.fromProblem(422, validation)
    expect(fieldErrors.title).toBe('Skal udfyldes.')
    expect(fieldErrors['targets.2026']).toBe('a target must not be negative')
    expect(fieldErrors.targets).toBe('a target must not be negative')
    expect(fieldErrors['body.title']).toBeUndefined()
  })

  it('lists the messages of fields a form does not show', () => {
    const error = ApiError.fromProblem(422, validation)
    expect(error.otherErrors(['title', 'targets'])).toEqual(['metric_params.theme: unknown theme'])
  })

  it('copes with a body that is no problem', () => {
    const error = ApiError.fromProblem(502, 'Bad Gateway')
    expect(error.status).toBe(502)
    expect(error.detail).toBe('Bad Gateway')
    expect(error.errors).toEqual([])
    expect(error.message).toBe('Der opstod en fejl på serveren. Prøv igen senere.')
  })

  it('strips only the request part of a field name', () => {
    expect(fieldName('body.baseline.value')).toBe('baseline.value')
    expect(fieldName('query.year')).toBe('year')
    expect(fieldName('title')).toBe('title')
    expect(fieldName('body')).toBe('body')
  })
})

describe('unwrap', () => {
  it('returns the data of a 2xx answer', async () => {
    const { client } = clientAnswering(() => answer(200, { items: [], total: 0, limit: 50, offset: 0 }))
    const page = await unwrap(client.GET('/api/v1/plans'))
    expect(page.total).toBe(0)
  })

  it('throws an ApiError with the problem of a failed answer', async () => {
    const stale = {
      type: 'https://erhverv.lejre.dk/problems/precondition-failed',
      title: 'Precondition failed',
      status: 412,
      detail: 'The resource has changed since you read it (current ETag "4").',
    }
    const { client } = clientAnswering(() => answer(412, stale, PROBLEM))
    const failure = unwrap(client.PATCH('/api/v1/goals/{goal_id}', { params: { path: { goal_id: 1 }, header: { 'if-match': '"3"' } }, body: {} }))
    await expect(failure).rejects.toBeInstanceOf(ApiError)
    await expect(failure).rejects.toMatchObject({ status: 412, detail: stale.detail, title: 'Precondition failed' })
  })

  it('turns a failed fetch into an ApiError with status 0', async () => {
    const fetch = vi.fn(async () => {
      throw new TypeError('Failed to fetch')
    })
    const client = createApiClient({ baseUrl: BASE, fetch: fetch as unknown as typeof globalThis.fetch })
    await expect(unwrap(client.GET('/api/v1/auth/me'))).rejects.toMatchObject({
      status: 0,
      message: 'Der er ingen forbindelse til serveren. Tjek netværket, og prøv igen.',
    })
  })

  it('gives the ETag with the data', async () => {
    const { client } = clientAnswering(() => answer(200, { id: 7 }, { 'Content-Type': 'application/json', ETag: '"5"' }))
    const result = await unwrapWithEtag(client.GET('/api/v1/goals/{goal_id}', { params: { path: { goal_id: 7 } } }))
    expect(result.etag).toBe('"5"')
    expect(result.data.id).toBe(7)
  })

  it('sends If-Match as given', async () => {
    const { client, requests } = clientAnswering(() => answer(200, { id: 7 }))
    await unwrap(client.PATCH('/api/v1/goals/{goal_id}', { params: { path: { goal_id: 7 }, header: { 'if-match': '"5"' } }, body: { text: 'x' } }))
    expect(requests[0]?.headers.get('If-Match')).toBe('"5"')
  })
})

describe('CSRF middleware', () => {
  beforeEach(() => {
    clearCookie()
    rememberCsrfToken(null)
  })
  afterEach(() => {
    clearCookie()
    rememberCsrfToken(null)
  })

  it('reads a cookie by name', () => {
    expect(readCookie('erhverv_csrf', 'a=1; erhverv_csrf=tok%3Den; b=2')).toBe('tok=en')
    expect(readCookie('erhverv_csrf', 'a=1')).toBeNull()
  })

  it('sends the CSRF cookie as X-CSRF-Token on unsafe requests', async () => {
    document.cookie = 'erhverv_csrf=abc123; path=/'
    const { client, requests } = clientAnswering(() => answer(201, { id: 1 }))
    await unwrap(client.POST('/api/v1/goals/{goal_id}/measurements', { params: { path: { goal_id: 1 } }, body: { measured_on: '2026-11-26', value: 3 } }))
    await unwrap(client.DELETE('/api/v1/measurements/{measurement_id}', { params: { path: { measurement_id: 1 } } }))
    expect(requests.map((r) => [r.method, r.headers.get('X-CSRF-Token')])).toEqual([
      ['POST', 'abc123'],
      ['DELETE', 'abc123'],
    ])
  })

  it('sends no token on safe requests', async () => {
    document.cookie = 'erhverv_csrf=abc123; path=/'
    const { client, requests } = clientAnswering(() => answer(200, { items: [], total: 0, limit: 50, offset: 0 }))
    await unwrap(client.GET('/api/v1/plans'))
    expect(requests[0]?.headers.get('X-CSRF-Token')).toBeNull()
  })

  it('falls back to the token the login answered with', async () => {
    rememberCsrfToken('from-login')
    const { client, requests } = clientAnswering(() => answer(204, undefined, {}))
    await unwrap(client.POST('/api/v1/auth/logout'))
    expect(requests[0]?.headers.get('X-CSRF-Token')).toBe('from-login')
  })

  it('takes the token from the function it is given', async () => {
    const middleware = csrfMiddleware(() => 'given')
    const request = new Request(`${BASE}/api/v1/plans`, { method: 'PATCH' })
    const onRequest = middleware.onRequest
    expect(onRequest).toBeDefined()
    const result = await onRequest!({ request, schemaPath: '/api/v1/plans', params: {}, options: {} as never, id: '1' })
    expect((result as Request).headers.get('X-CSRF-Token')).toBe('given')
  })
})

describe('401 handling', () => {
  afterEach(() => setUnauthorizedHandler(null))

  it('tells the app when a session has ended', async () => {
    const handler = vi.fn()
    setUnauthorizedHandler(handler)
    const { client } = clientAnswering(() => answer(401, { status: 401, title: 'Unauthorized', detail: 'Log in first: no valid session.' }, PROBLEM))
    await expect(unwrap(client.GET('/api/v1/plans'))).rejects.toMatchObject({ status: 401 })
    expect(handler).toHaveBeenCalledTimes(1)
  })

  it('leaves the auth endpoints to the login flow', async () => {
    const handler = vi.fn()
    setUnauthorizedHandler(handler)
    const { client } = clientAnswering(() => answer(401, { status: 401, detail: 'Forkert e-mail eller adgangskode.' }, PROBLEM))
    await expect(unwrap(client.POST('/api/v1/auth/login', { body: { email: 'a@b.dk', password: 'x' } }))).rejects.toMatchObject({
      status: 401,
      detail: 'Forkert e-mail eller adgangskode.',
    })
    expect(handler).not.toHaveBeenCalled()
  })
})
