// Starts the pipelens engine inside its Web Worker (a classic worker: Trunk builds workers with
// wasm-bindgen's no-modules target). The page passes its protocol version in the query string; it is
// passed on to the glue and the wasm, so a cached file of another version is never mixed with this one.
const search = self.location.search;
try {
  importScripts(`./pipelens-worker.js${search}`);
  wasm_bindgen({ module_or_path: `./pipelens-worker_bg.wasm${search}` }).catch((error) => {
    self.postMessage({ boot_failed: String(error) });
  });
} catch (error) {
  self.postMessage({ boot_failed: String(error) });
}
