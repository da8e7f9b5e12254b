/** Routes: one line per screen. A screen with `nav` appears in the main navigation. */
import { createRouter, createWebHistory, type RouteRecordRaw, type Router } from 'vue-router'
import { createAuthGuard } from './auth/guard'
import { hasRole } from './auth/roles'
import type { Auth } from './auth/useAuth'
import type { Me } from './api/types'
import OverviewView from './views/OverviewView.vue'

export const routes: RouteRecordRaw[] = [
  { path: '/', name: 'overview', component: OverviewView, meta: { title: 'Overblik', nav: 'Overblik' } },
  { path: '/indsatser', name: 'initiatives', component: () => import('./views/InitiativesView.vue'), meta: { title: 'Indsatser', nav: 'Indsatser' } },
  { path: '/indsatser/:id(\\d+)', name: 'initiative', component: () => import('./views/InitiativeView.vue'), props: (r) => ({ id: Number(r.params.id) }), meta: { title: 'Indsats' } },
  { path: '/arrangementer', name: 'events', component: () => import('./views/EventsView.vue'), meta: { title: 'Arrangementer', nav: 'Arrangementer' } },
  { path: '/arrangementer/:id(\\d+)', name: 'event', component: () => import('./views/EventView.vue'), props: (r) => ({ id: Number(r.params.id) }), meta: { title: 'Arrangement' } },
  { path: '/arrangementer/:id(\\d+)/indtjekning', name: 'event-check-in', component: () => import('./views/CheckInView.vue'), props: (r) => ({ id: Number(r.params.id) }), meta: { title: 'Indtjekning', minRole: 'editor' } },
  { path: '/aarshjul', name: 'calendar', component: () => import('./views/CalendarView.vue'), meta: { title: 'Årshjul', nav: 'Årshjul' } },
  { path: '/tilskud', name: 'grants', component: () => import('./views/GrantsView.vue'), meta: { title: 'Tilskud', nav: 'Tilskud' } },
  { path: '/sagsbehandling', name: 'cases', component: () => import('./views/CaseProcessingView.vue'), meta: { title: 'Sagsbehandling', nav: 'Sagsbehandling' } },
  { path: '/tilfredshed', name: 'surveys', component: () => import('./views/SurveysView.vue'), meta: { title: 'Tilfredshed', nav: 'Tilfredshed' } },
  { path: '/tilfredshed/:id(\\d+)', name: 'survey', component: () => import('./views/SurveyView.vue'), props: (r) => ({ id: Number(r.params.id) }), meta: { title: 'Spørgeskema' } },
  { path: '/virksomheder', name: 'companies', component: () => import('./views/CompaniesView.vue'), meta: { title: 'Virksomheder', nav: 'Virksomheder' } },
  { path: '/virksomheder/ny', name: 'company-new', component: () => import('./views/CompanyNewView.vue'), meta: { title: 'Opret virksomhed', minRole: 'editor' } },
  { path: '/virksomheder/:id(\\d+)', name: 'company', component: () => import('./views/CompanyView.vue'), props: (r) => ({ id: Number(r.params.id) }), meta: { title: 'Virksomhed' } },
  { path: '/personer', name: 'people', component: () => import('./views/PeopleView.vue'), meta: { title: 'Personer', nav: 'Personer', minRole: 'editor' } },
  { path: '/personer/:id(\\d+)', name: 'person', component: () => import('./views/PersonView.vue'), props: (r) => ({ id: Number(r.params.id) }), meta: { title: 'Person', minRole: 'editor' } },
  { path: '/admin', name: 'admin', component: () => import('./views/AdminView.vue'), meta: { title: 'Admin', nav: 'Admin', minRole: 'admin' } },
  { path: '/log-ind', name: 'login', component: () => import('./views/LoginView.vue'), meta: { title: 'Log ind', public: true } },
  { path: '/:pathMatch(.*)*', name: 'not-found', component: () => import('./views/NotFoundView.vue'), meta: { title: 'Siden findes ikke' } },
]

export interface NavItem {
  name: string
  label: string
}

/** The screens of the main navigation the user may open, in route order. */
export function navItems(user: Me | null, all: readonly RouteRecordRaw[] = routes): NavItem[] {
  return all
    .filter((route) => route.meta?.nav && typeof route.name === 'string')
    .filter((route) => hasRole(user, route.meta?.minRole ?? 'viewer'))
    .map((route) => ({ name: route.name as string, label: route.meta?.nav as string }))
}

export function createAppRouter(auth: Auth): Router {
  const router = createRouter({
    history: createWebHistory(),
    routes,
    scrollBehavior: (_to, _from, saved) => saved ?? { top: 0 },
  })
  router.beforeEach(createAuthGuard(auth))
  router.afterEach((to) => {
    document.title = `${to.meta.title ?? 'Erhverv Lejre'} – Erhverv Lejre – Handlingsplan 2026`
  })
  return router
}
