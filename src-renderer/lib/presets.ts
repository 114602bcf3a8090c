/** The presets live with the engine, so that the app and the CLI's `--preset` share one list. */
export { PRESET_SEED, PRESETS, type Preset, type Recipe } from '../../src-engine/train/presets';
