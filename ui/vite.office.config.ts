import { defineConfig } from 'vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { fileURLToPath } from 'node:url';

// The office web app: its own page (office/index.html) over the same sources as the desktop UI
// (i18n, labels, error box, SLA badge, PDF preview), built into dist-office/ which
// `weibao-office serve` serves at `/`. Modern browsers only (the office runs Chromium/Edge/Firefox).
export default defineConfig({
  root: 'office',
  base: '/',
  publicDir: false,
  plugins: [svelte({ configFile: fileURLToPath(new URL('./svelte.config.js', import.meta.url)) })],
  clearScreen: false,
  build: { target: 'es2022', outDir: '../dist-office', emptyOutDir: true, chunkSizeWarningLimit: 1500 },
});
