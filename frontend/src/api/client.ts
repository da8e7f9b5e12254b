/** The one API client: generated types, same origin, session cookie, CSRF header, ApiError. */
import createClient, { type Middleware } from 'openapi-fetch'
import { ApiError, toApiError } from './errors'
import type { paths } from './schema'

/** Set by POST /api/v1/auth/login (readable, SameSite=Strict); see api/auth/router.py. */
export const CSRF_COOKIE = 'erhverv_csrf'
export const CSRF_HEADER = 'X-CSRF-Token'
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS'])

export function readCookie(name: string, cookies: string = document.cookie): string | null {
  for (const part of cookies.split(';')) {
    const [key, ...value] = part.trim().split('=')
    if (key === name) return decodeURIComponent(value.join('='))
  }
  return null
}

let csrfFallback: string | null = null

/** The token the login (or /auth/me) answered with, for when the cookie cannot be read. */
export function rememberCsrfToken(token: string | null): void {
  csrfFallback = token
}

export function currentCsrfToken(): string | null {
  return readCookie(CSRF_COOKIE) ?? csrfFallback
}

/** Adds X-CSRF-Token to every unsafe request; the server refuses them without it (403). */
export function csrfMiddleware(getToken: () => string | null = currentCsrfToken): Middleware {
  return {
    onRequest({ request }) {
      if (SAFE_METHODS.has(request.method.toUpperCase())) return undefined
      const token = getToken()
      if (token) request.headers.set(CSRF_HEADER, token)
      return request
    },
  }
}

/**
 * The If-Match header of a change: the ETag from the last read. The API requires it; an ETag
 * not read yet is left out (openapi-fetch sends no header for null), and the API answers 428.
 */
export function ifMatch(etag: string | null): { 'if-match': string } {
  return { 'if-match': etag as string }
}

type UnauthorizedHandler = () => void
let onUnauthorized: UnauthorizedHandler | null = null

/** Called when a request answers 401 (the session ended); the auth state registers it. */
export function setUnauthorizedHandler(handler: UnauthorizedHandler | null): void {
  onUnauthorized = handler
}

const sessionMiddleware: Middleware = {
  onResponse({ request, response }) {
    const path = new URL(request.url, 'http://localhost').pathname
    if (response.status === 401 && !path.startsWith('/api/v1/auth/')) {
      onUnauthorized?.()
    }
    return undefined
  },
}

export function createApiClient(options: { baseUrl?: string; fetch?: typeof fetch } = {}) {
  const client = createClient<paths>({
    baseUrl: options.baseUrl ?? '',
    credentials: 'same-origin',
    headers: { Accept: 'application/json' },
    ...(options.fetch ? { fetch: options.fetch } : {}),
  })
  client.use(csrfMiddleware(), sessionMiddleware)
  return client
}

export const api = createApiClient()

type Result<T> = { data?: T; error?: unknown; response: Response }

/** The data of a 2xx answer; throws ApiError for any other answer or a failed fetch. */
/** The API's largest page. */
export const MAX_PAGE = 500

/** Every page of a list, in order: `fetchPage` reads the page at `offset` (MAX_PAGE rows). */
export async function fetchAllPages<T>(
  fetchPage: (offset: number) => Promise<{ items: T[]; total: number }>,
): Promise<T[]> {
  const items: T[] = []
  for (;;) {
    const page = await fetchPage(items.length)
    items.push(...page.items)
    if (!page.items.length || items.length >= page.total) return items
  }
}

export async function unwrap<T>(request: Promise<Result<T>>): Promise<T> {
  return (await unwrapWithEtag(request)).data
}

/** As unwrap, with the ETag header, for resources that are changed with If-Match. */
export async function unwrapWithEtag<T>(
  request: Promise<Result<T>>,
): Promise<{ data: T; etag: string | null }> {
  let result: Result<T>
  try {
    result = await request
  } catch (error) {
    throw toApiError(error)
  }
  const { response } = result
  if (!response.ok) throw ApiError.fromProblem(response.status, result.error)
  return { data: result.data as T, etag: response.headers.get('ETag') }
}
