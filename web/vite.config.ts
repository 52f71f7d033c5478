/**
 * The console is built into web/dist and served by the API at /app/ (api/plugins/console.ts).
 * `vite` alone (npm run console:dev) serves it with hot reload and proxies the API to
 * CONSOLE_API (default http://127.0.0.1:3000), so a cookie session works same-origin.
 */
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

const api = process.env.CONSOLE_API ?? 'http://127.0.0.1:3000';

export default defineConfig({
  root: import.meta.dirname,
  base: '/app/',
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // The hashed file names let the API cache assets for a year.
    assetsDir: 'assets',
    chunkSizeWarningLimit: 1500,
  },
  server: { proxy: { '/v1': api, '/auth': api } },
});
