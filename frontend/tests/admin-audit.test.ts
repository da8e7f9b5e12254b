import { describe, expect, it } from 'vitest'
import { auditQuery, startOfDanishDay } from '../src/features/admin/useAudit'

describe('audit log filters', () => {
  it('turns Danish calendar days into the API’s times, in winter and in summer time', () => {
    expect(startOfDanishDay('2026-11-27')).toBe('2026-11-27T00:00:00+01:00')
    expect(startOfDanishDay('2026-07-01')).toBe('2026-07-01T00:00:00+02:00')
    expect(startOfDanishDay('2026-12-31', 1)).toBe('2027-01-01T00:00:00+01:00')
    expect(startOfDanishDay('27.11.2026')).toBeNull()
  })

  it('includes the last day and sends only the filters set', () => {
    const query = auditQuery(
      { entity: 'people', entityId: '40', actorKind: 'user', actorId: 3, from: '2026-03-01', to: '2026-03-31' },
      50,
      25,
    )
    expect(query).toEqual({
      limit: 25,
      offset: 50,
      entity: 'people',
      entity_id: '40',
      actor_kind: 'user',
      actor_id: 3,
      since: '2026-03-01T00:00:00+01:00',
      until: '2026-04-01T00:00:00+02:00',
    })
    expect(auditQuery({ entity: null, entityId: null, actorKind: null, actorId: null, from: null, to: null }, 0, 25)).toEqual({ limit: 25, offset: 0 })
  })
})
