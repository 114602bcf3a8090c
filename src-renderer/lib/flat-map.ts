/**
 * When the hidden-layer map cannot spread its digits: a layer whose units give every digit the
 * same value (dead ReLUs output 0 for all) puts them on one spot, and the map would otherwise
 * show a few dots on its edge with nothing to say why.
 */

/**
 * Units of a layer that vary over the mapped digits ([count, units] activations): a unit that
 * gives every digit the same value (a dead ReLU outputs 0 for all) cannot place digits apart.
 */
export function varyingUnits(activations: Float32Array, count: number, units: number): number {
  let varying = 0;
  for (let u = 0; u < units; u++) {
    const first = activations[u];
    for (let i = 1; i < count; i++) {
      if (activations[i * units + u] !== first) {
        varying++;
        break;
      }
    }
  }
  return varying;
}

/** What the map can show for a layer with `varying` of `units` units varying; null when plenty. */
export function flatMapNote(varying: number, units: number, count: number): string | null {
  if (varying === 0) return `Every unit of this layer gives all ${count.toLocaleString('en-US')} digits the same value (its ReLUs are dead: they output 0), so every digit lands on one spot: the layer cannot tell any apart.`;
  if (varying === 1) return `Only 1 of ${units} units of this layer varies from digit to digit (the others are dead): the digits can only spread along one line.`;
  return null;
}
