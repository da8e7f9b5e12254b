/** A screen's choices kept in the address (?aar=2026&pr=2026-06-30), so a link shows the same. */
import { computed, type WritableComputedRef } from 'vue'
import { useRoute, useRouter } from 'vue-router'

export function useQueryParam(name: string): WritableComputedRef<string | null> {
  const route = useRoute()
  const router = useRouter()
  return computed({
    get: () => {
      const value = route.query[name]
      return typeof value === 'string' && value !== '' ? value : null
    },
    set: (value) => {
      const query = { ...route.query }
      if (value === null || value === '') delete query[name]
      else query[name] = value
      void router.replace({ query })
    },
  })
}
