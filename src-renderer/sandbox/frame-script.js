// The exercise frame's only script (inline in exercise-frame.html, allowed by its hash): it starts
// a fresh Worker from the source the app sends, relays its messages, and terminates it when the
// job ends or runs past its time limit (reset by each progress message).
let worker = null;
let timer = null;
let url = null;
const stop = () => {
  clearTimeout(timer);
  if (worker) worker.terminate();
  if (url) URL.revokeObjectURL(url);
  worker = null;
  url = null;
};
addEventListener('message', (e) => {
  if (e.source !== parent || !e.data || typeof e.data.id !== 'number') return;
  const { id, source, job, limitMs } = e.data;
  stop();
  const reply = (m) => parent.postMessage({ id, ...m }, '*');
  url = URL.createObjectURL(new Blob([source], { type: 'text/javascript' }));
  const w = new Worker(url);
  worker = w;
  const arm = () => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      stop();
      reply({ type: 'timeout', limitMs });
    }, limitMs);
  };
  w.onmessage = (m) => {
    if (w !== worker) return;
    if (m.data.type === 'progress') arm();
    else stop();
    reply(m.data);
  };
  w.onerror = (err) => {
    err.preventDefault();
    if (w !== worker) return;
    stop();
    reply({ type: 'failed', error: err.message || 'the sandbox could not run the code' });
  };
  arm();
  w.postMessage(job);
});
parent.postMessage({ type: 'ready' }, '*');
