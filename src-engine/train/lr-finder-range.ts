/** The range the learning-rate finder sweeps (no imports: the renderer shows these too). */
export const LR_FIND_START = 1e-6;
export const LR_FIND_END = 10;
export const LR_FIND_STEPS = 300;
