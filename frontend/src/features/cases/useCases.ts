/** Case processing: month-by-month metrics for a year with filters, and the service targets. */
import type { Ref } from 'vue'
import { api, unwrap } from '../../api/client'
import type { components } from '../../api/schema'
import { formatNumber, NO_VALUE } from '../../format'
import { useResource } from '../../composables/useResource'

type Schemas = components['schemas']
export type CaseKind = Schemas['CaseKind']
export type CaseMetricsRow = Schemas['MetricsRow']
export type CaseTarget = Schemas['TargetRead']

export interface CaseFilter {
  /** One kind of case, or every kind. */
  kind: CaseKind | 'all'
  businessOnly: boolean
}

export function useCaseMonths(year: Ref<number>, filter: Ref<CaseFilter>) {
  return useResource(() => {
    const { kind, businessOnly } = filter.value
    const query = {
      year: year.value,
      period: 'month',
      business_only: businessOnly,
      ...(kind === 'all' ? { all_kinds: true } : { kind }),
    }
    return unwrap(api.GET('/api/v1/cases/metrics', { params: { query } }))
  }, [year, filter])
}

export function useCaseTargets() {
  return useResource(() => unwrap(api.GET('/api/v1/cases/targets')))
}

/** Back to the plan's target for the kind (50 days for building permits), or none. */
export function removeCaseTarget(kind: CaseKind): Promise<unknown> {
  return unwrap(api.DELETE('/api/v1/cases/targets/{kind}', { params: { path: { kind } } }))
}

/** Who set a kind's target, as the table says it. */
export const TARGET_BASIS: Record<CaseTarget['basis'], string> = {
  set: 'Fastsat af kommunen',
  plan: 'Handlingsplanen',
  none: 'Ikke fastsat',
}

export function saveCaseTarget(kind: CaseKind, targetDays: number): Promise<CaseTarget> {
  return unwrap(api.PUT('/api/v1/cases/targets/{kind}', { params: { path: { kind } }, body: { target_days: targetDays } }))
}

/** Days as the table shows them: 42 → "42 dage", 1 → "1 dag", 1234 → "1.234 dage". */
export function formatDays(value: number | null | undefined): string {
  if (value === null || value === undefined) return NO_VALUE
  return `${formatNumber(value)}\u00a0${value === 1 ? 'dag' : 'dage'}`
}
