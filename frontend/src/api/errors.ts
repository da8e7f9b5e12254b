/** RFC 9457 problem+json answers as one typed error the views can show. */

export interface FieldError {
  /** The field the message concerns, without the request part ("title", "baseline.value"). */
  field: string
  message: string
}

/** Danish messages for the statuses a staff user meets; the API's own text is English. */
const STATUS_MESSAGES: Record<number, string> = {
  0: 'Der er ingen forbindelse til serveren. Tjek netværket, og prøv igen.',
  400: 'Forespørgslen kunne ikke behandles.',
  401: 'Du er ikke logget ind, eller din session er udløbet. Log ind igen.',
  403: 'Du har ikke adgang til at gøre dette.',
  404: 'Det, du leder efter, findes ikke (længere).',
  409: 'Ændringen er i konflikt med eksisterende data.',
  412: 'En anden har ændret dette, siden du hentede det. Hent den nyeste udgave, og prøv igen.',
  413: 'Filen eller forespørgslen er for stor.',
  422: 'Nogle felter er ikke udfyldt korrekt. Se beskederne ved felterne.',
  428: 'Siden mangler versionsoplysninger. Hent den igen, og prøv igen.',
  429: 'For mange forsøg. Vent lidt, og prøv igen.',
}

/** Danish wording for pydantic's common validation error types. */
const TYPE_MESSAGES: Record<string, string> = {
  missing: 'Skal udfyldes.',
  string_too_short: 'Skal udfyldes.',
  string_too_long: 'Teksten er for lang.',
  int_parsing: 'Skal være et helt tal.',
  int_type: 'Skal være et helt tal.',
  float_parsing: 'Skal være et tal.',
  float_type: 'Skal være et tal.',
  date_from_datetime_parsing: 'Skal være en dato.',
  date_parsing: 'Skal være en dato.',
  date_type: 'Skal være en dato.',
  greater_than_equal: 'Værdien er for lille.',
  less_than_equal: 'Værdien er for stor.',
  enum: 'Vælg en af mulighederne.',
  extra_forbidden: 'Feltet kendes ikke.',
  too_short: 'Der er for få værdier.',
  too_long: 'Der er for mange værdier.',
}

const REQUEST_PARTS = new Set(['body', 'query', 'path', 'header'])

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** "body.baseline.value" → "baseline.value": forms name their fields without the request part. */
export function fieldName(raw: string): string {
  const parts = raw.split('.')
  if (parts.length > 1 && REQUEST_PARTS.has(parts[0] ?? '')) parts.shift()
  return parts.join('.')
}

function fieldErrorsOf(body: Record<string, unknown>): FieldError[] {
  const errors = body.errors
  if (!Array.isArray(errors)) return []
  return errors.filter(isRecord).map((entry) => {
    const type = typeof entry.type === 'string' ? entry.type : ''
    // A validator's own (Danish) message comes prefixed by pydantic's "Value error, ".
    const message = typeof entry.message === 'string' ? entry.message.replace(/^Value error, /, '') : ''
    return {
      field: fieldName(typeof entry.field === 'string' ? entry.field : ''),
      message: TYPE_MESSAGES[type] ?? message,
    }
  })
}

export class ApiError extends Error {
  override readonly name = 'ApiError'
  readonly status: number
  readonly type: string
  readonly title: string
  /** The server's explanation (often English); `message` holds the Danish text to show. */
  readonly detail: string
  readonly errors: FieldError[]

  constructor(status: number, options: Partial<Pick<ApiError, 'type' | 'title' | 'detail' | 'errors'>> = {}) {
    super(STATUS_MESSAGES[status] ?? (status >= 500 ? 'Der opstod en fejl på serveren. Prøv igen senere.' : 'Forespørgslen mislykkedes.'))
    this.status = status
    this.type = options.type ?? 'about:blank'
    this.title = options.title ?? ''
    this.detail = options.detail ?? ''
    this.errors = options.errors ?? []
  }

  /** Build from a non-2xx answer's status and its (parsed) body, problem+json or not. */
  static fromProblem(status: number, body: unknown): ApiError {
    if (!isRecord(body)) return new ApiError(status, { detail: typeof body === 'string' ? body : '' })
    return new ApiError(status, {
      type: typeof body.type === 'string' ? body.type : undefined,
      title: typeof body.title === 'string' ? body.title : undefined,
      detail: typeof body.detail === 'string' ? body.detail : undefined,
      errors: fieldErrorsOf(body),
    })
  }

  /** Messages by field; a nested field also counts for its parent ("targets.2026" → "targets"). */
  get fieldErrors(): Record<string, string> {
    const result: Record<string, string> = {}
    for (const { field, message } of this.errors) {
      if (!field) continue
      const parts = field.split('.')
      for (let i = parts.length; i > 0; i--) {
        const key = parts.slice(0, i).join('.')
        result[key] = result[key] ? `${result[key]} ${message}` : message
      }
    }
    return result
  }

  /** Messages that name no field the form shows, so the form can list them at the top. */
  otherErrors(shownFields: readonly string[]): string[] {
    return this.errors
      .filter(({ field }) => !shownFields.some((name) => field === name || field.startsWith(`${name}.`)))
      .map(({ field, message }) => (field ? `${field}: ${message}` : message))
  }
}

/** Anything thrown by a request as an ApiError (a failed fetch becomes status 0). */
export function toApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error
  return new ApiError(0, { detail: error instanceof Error ? error.message : String(error) })
}
