/** The exercise Worker's bundled source (electron.vite.config.mts, exerciseSandbox). */
declare module 'virtual:exercise-worker' {
  const source: string;
  export default source;
}

/** A file's text (Vite's ?raw import). */
declare module '*?raw' {
  const text: string;
  export default text;
}
