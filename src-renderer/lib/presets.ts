/** The presets live with the engine, so that the app and the CLI's `--preset` share one list. */
export { followsRecipe, PRESET_SEED, PRESETS, presetOf, type Preset, type Recipe } from '../../src-engine/train/presets';
