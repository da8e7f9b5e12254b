import { defineConfig } from 'vitest/config'
import vue from '@vitejs/plugin-vue'

// `npm run dev` proxies the API to a local service: `erhverv serve --port 8000`.
const api = 'http://127.0.0.1:8000'

export default defineConfig({
  plugins: [vue()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    // Browsers this app supports all know <link rel=modulepreload>; no polyfill in the bundle.
    modulePreload: { polyfill: false },
  },
  server: {
    proxy: { '/api': api, '/health': api },
  },
  test: {
    environment: 'happy-dom',
    // A real origin, so document.cookie works (the CSRF cookie).
    environmentOptions: { happyDOM: { url: 'http://localhost:5173/' } },
    include: ['tests/**/*.test.ts'],
  },
})
