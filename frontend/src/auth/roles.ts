import type { Me, Role } from '../api/types'

const RANK: Record<Role, number> = { viewer: 0, editor: 1, admin: 2 }

export const ROLE_LABELS: Record<Role, string> = {
  viewer: 'Læser',
  editor: 'Redaktør',
  admin: 'Administrator',
}

/** Whether the user has at least the given role (viewer < editor < admin). */
export function hasRole(user: Pick<Me, 'role'> | null, minimum: Role): boolean {
  return user?.role != null && RANK[user.role] >= RANK[minimum]
}
