import 'vue-router'
import type { Role } from './api/types'

declare module 'vue-router' {
  interface RouteMeta {
    /** The page title (Danish). */
    title?: string
    /** Reachable without logging in. */
    public?: boolean
    /** The least role that may open the screen; viewer when left out. */
    minRole?: Role
    /** Shown in the main navigation with this label. */
    nav?: string
  }
}
