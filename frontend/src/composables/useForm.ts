/** A form's sending state: busy, the error message at the top, and messages by field. */
import { ref } from 'vue'
import { toApiError, type ApiError } from '../api/errors'

export function useFormState(shownFields: readonly string[]) {
  const busy = ref(false)
  const error = ref<ApiError | null>(null)
  const fieldErrors = ref<Record<string, string>>({})
  /** Messages the server sent about fields this form does not show. */
  const otherErrors = ref<string[]>([])

  function reset(): void {
    error.value = null
    fieldErrors.value = {}
    otherErrors.value = []
  }

  /** Run a request; on failure keep its messages for the fields and return false. */
  async function submit(send: () => Promise<unknown>): Promise<boolean> {
    reset()
    busy.value = true
    try {
      await send()
      return true
    } catch (caught) {
      const apiError = toApiError(caught)
      error.value = apiError
      fieldErrors.value = apiError.fieldErrors
      otherErrors.value = apiError.otherErrors(shownFields)
      return false
    } finally {
      busy.value = false
    }
  }

  return { busy, error, fieldErrors, otherErrors, reset, submit }
}
