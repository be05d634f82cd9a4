//! The engine's Web Worker (built by Trunk from `<link data-trunk rel="rust" data-type="worker">`,
//! started by `worker.js`): the session and its message loop, off the page's main thread.

fn main() {
    pipelens::worker::run();
}
