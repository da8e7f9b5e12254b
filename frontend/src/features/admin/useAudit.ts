/** The audit log (admins only): filtered by object, actor and period, newest first, paged. */
import type { Ref } from 'vue'
import { api, unwrap } from '../../api/client'
import type { components } from '../../api/schema'
import { useResource } from '../../composables/useResource'

type Schemas = components['schemas']
export type AuditEntryRead = Schemas['AuditEntryRead']
export type ActorKind = Schemas['ActorKind']

export interface AuditFilters {
  entity: string | null
  entityId: string | null
  actorKind: ActorKind | null
  actorId: number | null
  /** Calendar days (YYYY-MM-DD) in Danish time, both included. */
  from: string | null
  to: string | null
}

const ISO_DAY = /^(\d{4})-(\d{2})-(\d{2})$/

/** "+01:00" or "+02:00": Copenhagen's offset from UTC on that day (the same at midnight as at noon). */
function copenhagenOffset(year: number, month: number, day: number): string {
  const noon = new Date(Date.UTC(year, month - 1, day, 12))
  const name = new Intl.DateTimeFormat('en-US', { timeZone: 'Europe/Copenhagen', timeZoneName: 'longOffset' })
    .formatToParts(noon)
    .find((part) => part.type === 'timeZoneName')?.value
  const offset = name?.replace('GMT', '') ?? ''
  return offset === '' ? '+00:00' : offset
}

/** The start of a Danish calendar day as an ISO time ("2026-11-27" → "2026-11-27T00:00:00+01:00"). */
export function startOfDanishDay(isoDay: string, addDays = 0): string | null {
  const match = ISO_DAY.exec(isoDay)
  if (!match) return null
  const date = new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]) + addDays))
  const [y, m, d] = [date.getUTCFullYear(), date.getUTCMonth() + 1, date.getUTCDate()]
  const day = `${y}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`
  return `${day}T00:00:00${copenhagenOffset(y, m, d)}`
}

export function auditQuery(filters: AuditFilters, offset: number, limit: number) {
  const since = filters.from ? startOfDanishDay(filters.from) : null
  const until = filters.to ? startOfDanishDay(filters.to, 1) : null
  return {
    limit,
    offset,
    ...(filters.entity ? { entity: filters.entity } : {}),
    ...(filters.entityId ? { entity_id: filters.entityId } : {}),
    ...(filters.actorKind ? { actor_kind: filters.actorKind } : {}),
    ...(filters.actorId !== null ? { actor_id: filters.actorId } : {}),
    ...(since ? { since } : {}),
    ...(until ? { until } : {}),
  }
}

export function useAudit(filters: Ref<AuditFilters>, offset: Ref<number>, limit: number) {
  return useResource(
    () => unwrap(api.GET('/api/v1/audit', { params: { query: auditQuery(filters.value, offset.value, limit) } })),
    [filters, offset],
  )
}
