export { add, sub, mul, div, neg } from './arithmetic';
export { exp, log, pow } from './unary';
export { relu, leakyRelu, sigmoid, tanh } from './activations';
export { matmul, linear } from './matmul';
export { sum, mean, softmax, logSoftmax, reshape } from './reductions';
export { softmaxCrossEntropy, mseOneHot, mse, bceWithLogits } from './losses';
