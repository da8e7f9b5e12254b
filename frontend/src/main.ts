import { createApp } from 'vue'
import App from './App.vue'
import { setUnauthorizedHandler } from './api/client'
import { useAuth } from './auth/useAuth'
import { LOGIN_ROUTE } from './auth/guard'
import { createAppRouter } from './router'
import './styles.css'

const auth = useAuth()
const router = createAppRouter(auth)

// A request answered 401: the session ended (expired, or logged out elsewhere).
setUnauthorizedHandler(() => {
  auth.clear()
  const current = router.currentRoute.value
  if (current.name !== LOGIN_ROUTE) void router.replace({ name: LOGIN_ROUTE, query: { next: current.fullPath } })
})

createApp(App).use(router).mount('#app')
