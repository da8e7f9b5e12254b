/** Load data for a view: loading, data and error as refs, reloaded when its sources change. */
import { ref, shallowRef, watch, type Ref, type ShallowRef, type WatchSource } from 'vue'
import { toApiError, type ApiError } from '../api/errors'

export interface Resource<T> {
  data: ShallowRef<T | null>
  error: ShallowRef<ApiError | null>
  loading: Ref<boolean>
  reload(): Promise<void>
}

export function useResource<T>(load: () => Promise<T>, sources: WatchSource[] = []): Resource<T> {
  const data = shallowRef<T | null>(null)
  const error = shallowRef<ApiError | null>(null)
  const loading = ref(true)
  let latest = 0

  async function reload(): Promise<void> {
    const call = ++latest
    loading.value = true
    error.value = null
    try {
      const value = await load()
      if (call === latest) data.value = value
    } catch (caught) {
      if (call === latest) error.value = toApiError(caught)
    } finally {
      if (call === latest) loading.value = false
    }
  }

  watch(sources, () => void reload(), { immediate: true })
  return { data, error, loading, reload }
}
