// The page's service worker: offline after the first visit, and cross-origin isolation on
// static hosts that cannot send COOP/COEP headers themselves (GitHub Pages, for one).
// Model files are not handled here: transformers.js keeps them in its own Cache Storage.
const CACHE = 'tpi-app-v1';

self.addEventListener('install', () => self.skipWaiting());
self.addEventListener('activate', (event) => {
  event.waitUntil(
    (async () => {
      for (const key of await caches.keys()) if (key.startsWith('tpi-app-') && key !== CACHE) await caches.delete(key);
      await self.clients.claim();
    })(),
  );
});

function isolated(response) {
  if (!response || response.status === 0 || response.type === 'opaque') return response;
  const headers = new Headers(response.headers);
  headers.set('Cross-Origin-Opener-Policy', 'same-origin');
  headers.set('Cross-Origin-Embedder-Policy', 'require-corp');
  headers.set('Cross-Origin-Resource-Policy', 'same-origin');
  return new Response(response.body, { status: response.status, statusText: response.statusText, headers });
}

self.addEventListener('fetch', (event) => {
  const req = event.request;
  const url = new URL(req.url);
  const scope = new URL(self.registration.scope);
  if (req.method !== 'GET' || url.origin !== scope.origin || !url.pathname.startsWith(scope.pathname)) return;
  if (url.pathname.startsWith(scope.pathname + 'models/') || req.headers.has('range')) return;
  // Hashed assets never change: cache first. The page itself: network first, cache offline.
  const immutable = url.pathname.startsWith(scope.pathname + 'assets/');
  event.respondWith(
    (async () => {
      const cache = await caches.open(CACHE);
      if (immutable) {
        const hit = await cache.match(req);
        if (hit) return isolated(hit);
      }
      try {
        const res = await fetch(req);
        if (res.ok) await cache.put(req, res.clone());
        return isolated(res);
      } catch (e) {
        const hit = await cache.match(req, { ignoreSearch: req.mode === 'navigate' });
        if (hit) return isolated(hit);
        throw e;
      }
    })(),
  );
});
