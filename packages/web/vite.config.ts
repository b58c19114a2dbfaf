import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

/** The PNPtv server the dev server forwards API, health and auth calls to. */
const API_TARGET = 'http://127.0.0.1:8080';

/** Builds the single-page web app into packages/web/dist, which the server serves. */
export default defineConfig({
  root: import.meta.dirname,
  plugins: [react()],
  build: { outDir: 'dist', emptyOutDir: true },
  server: {
    proxy: {
      '/api': { target: API_TARGET, changeOrigin: false },
      '/healthz': { target: API_TARGET, changeOrigin: false },
      '/auth': { target: API_TARGET, changeOrigin: false },
      '/hls': { target: API_TARGET, changeOrigin: false },
    },
  },
});
