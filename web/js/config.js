// Where the API and live are: live answers /config.json from its settings
// (LIVE_API_URL), so the same files serve any deployment.

export const cfg = { api: '', live: '' };

export async function loadConfig() {
  const res = await fetch('config.json', { cache: 'no-store' });
  if (!res.ok) throw new Error(`config.json: HTTP ${res.status}`);
  const c = await res.json();
  const withSlash = (u) => (u.endsWith('/') ? u : u + '/');
  cfg.api = withSlash(new URL(c.api_url || '/', location.href).href);
  // live_url "" means the origin that served the page.
  cfg.live = withSlash(c.live_url ? new URL(c.live_url, location.href).href : location.origin + '/');
}
