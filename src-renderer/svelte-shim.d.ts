/** Lets plain `tsc` accept .svelte imports (svelte-check types them fully). */
declare module '*.svelte' {
  import type { Component } from 'svelte';
  // NOTE: props are checked by svelte-check; tsc only needs the module to exist.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const component: Component<any>;
  export default component;
}
