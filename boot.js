// Starts the pipelens app without an inline script, so the page keeps a strict Content-Security-Policy.
// If the WebAssembly cannot start, say so on the page instead of leaving it blank.
import init from './pipelens-web.js';

try {
  await init({ module_or_path: new URL('./pipelens-web_bg.wasm', import.meta.url) });
} catch (error) {
  const banner = document.createElement('div');
  banner.id = 'fatal';
  banner.setAttribute('role', 'alert');
  banner.setAttribute('data-testid', 'fatal');
  banner.textContent = `pipelens could not start in this browser: ${error}. It needs a current Chrome, Edge, Firefox or Safari with WebAssembly.`;
  document.body.prepend(banner);
  throw error;
}
