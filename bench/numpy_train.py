"""bench/numpy_train.py: the article's NumPy training code, timed, for `npm run bench`.

    python3 bench/numpy_train.py DATAFILE EPOCHS [RECORD_EVERY]

DATAFILE (written by bench/common.ts writeDataFile) holds the article's data and
the TypeScript network's initial weights, so this computes the same thing as the
TypeScript and C runs. The Layer / NeuralNetwork classes are the article's
(section 6), arithmetic unchanged; train() is the article's loop minus the
print() calls, with the backpropagation passes and the every-RECORD_EVERY-epochs
evaluation timed separately so the caller can scale a short run to 1000 epochs.
Prints one JSON line.
"""

import json
import platform
import resource
import sys
import time

import numpy as np


# --- the article's code (comments trimmed; arithmetic unchanged) ------------
class Layer:
    def __init__(self, n_input, n_neurons, activation=None, weights=None, bias=None):
        self.weights = weights if weights is not None else np.random.randn(n_input, n_neurons) * np.sqrt(1 / n_neurons)
        self.bias = bias if bias is not None else np.random.rand(n_neurons) * 0.1
        self.activation = activation
        self.last_activation = None
        self.error = None
        self.delta = None

    def activate(self, x):
        r = np.dot(x, self.weights) + self.bias
        self.last_activation = self._apply_activation(r)
        return self.last_activation

    def _apply_activation(self, r):
        if self.activation is None:
            return r
        elif self.activation == 'relu':
            return np.maximum(r, 0)
        elif self.activation == 'tanh':
            return np.tanh(r)
        elif self.activation == 'sigmoid':
            return 1 / (1 + np.exp(-r))
        return r

    def apply_activation_derivative(self, r):
        if self.activation is None:
            return np.ones_like(r)
        elif self.activation == 'relu':
            grad = np.array(r, copy=True)
            grad[r > 0] = 1.
            grad[r <= 0] = 0.
            return grad
        elif self.activation == 'tanh':
            return 1 - r ** 2
        elif self.activation == 'sigmoid':
            return r * (1 - r)
        return r


class NeuralNetwork:
    def __init__(self):
        self._layers = []

    def add_layer(self, layer):
        self._layers.append(layer)

    def feed_forward(self, X):
        for layer in self._layers:
            X = layer.activate(X)
        return X

    def backpropagation(self, X, y, learning_rate):
        output = self.feed_forward(X)
        for i in reversed(range(len(self._layers))):
            layer = self._layers[i]
            if layer == self._layers[-1]:
                layer.error = y - output
                layer.delta = layer.error * layer.apply_activation_derivative(output)
            else:
                next_layer = self._layers[i + 1]
                layer.error = np.dot(next_layer.weights, next_layer.delta)
                layer.delta = layer.error * layer.apply_activation_derivative(layer.last_activation)
        for i in range(len(self._layers)):
            layer = self._layers[i]
            o_i = np.atleast_2d(X if i == 0 else self._layers[i - 1].last_activation)
            layer.weights += layer.delta * o_i.T * learning_rate

    def train(self, X_train, X_test, y_train, y_test, learning_rate, max_epochs, record_every=10):
        y_onehot = np.zeros((y_train.shape[0], 2))
        y_onehot[np.arange(y_train.shape[0]), y_train] = 1
        mses, accuracys, epochs, pass_secs, eval_secs = [], [], [], [], []
        for i in range(max_epochs + 1):
            t0 = time.perf_counter()
            for j in range(len(X_train)):
                self.backpropagation(X_train[j], y_onehot[j], learning_rate)
            t1 = time.perf_counter()
            pass_secs.append(t1 - t0)
            if i % record_every == 0:
                mse = np.mean(np.square(y_onehot - self.feed_forward(X_train)))
                mses.append(float(mse))
                accuracy = self.accuracy(self.predict(X_test), y_test.flatten())
                accuracys.append(float(accuracy))
                epochs.append(i)
                eval_secs.append(time.perf_counter() - t1)
        return {"epochs": epochs, "mse": mses, "accuracy": accuracys}, pass_secs, eval_secs

    def predict(self, X):
        return self.feed_forward(X)

    def accuracy(self, X, y):
        return np.sum(np.equal(np.argmax(X, axis=1), y)) / y.shape[0]


# --- the benchmark harness ----------------------------------------------------
def read_data(path):
    with open(path) as f:
        f.readline()  # comment line
        values = f.read().split()
    pos = 0

    def take(n):
        nonlocal pos
        out = np.array([float(v) for v in values[pos:pos + n]], dtype=np.float64)
        pos += n
        return out

    version, n_layers = take(2).astype(int)
    if version != 1:
        raise SystemExit("numpy_train: unsupported data file version %d" % version)
    sizes = take(2 * n_layers).astype(int).reshape(n_layers, 2)
    n_train, n_test, n_features, n_classes = take(4).astype(int)
    learning_rate = float(take(1)[0])
    X_train = take(n_train * n_features).reshape(n_train, n_features)
    y_train = take(n_train).astype(int)
    X_test = take(n_test * n_features).reshape(n_test, n_features)
    y_test = take(n_test).astype(int)
    init = []
    for n_in, n_out in sizes:
        w = take(n_in * n_out).reshape(n_in, n_out)
        b = take(n_out)
        init.append((int(n_in), int(n_out), w, b))
    return X_train, X_test, y_train, y_test, learning_rate, init


def main():
    if len(sys.argv) not in (3, 4):
        raise SystemExit("usage: numpy_train.py DATAFILE EPOCHS [RECORD_EVERY]")
    path, epochs = sys.argv[1], int(sys.argv[2])
    record_every = int(sys.argv[3]) if len(sys.argv) == 4 else 10
    X_train, X_test, y_train, y_test, learning_rate, init = read_data(path)

    nn = NeuralNetwork()
    for n_in, n_out, w, b in init:
        nn.add_layer(Layer(n_in, n_out, 'sigmoid', weights=w.copy(), bias=b.copy()))

    t0 = time.perf_counter()
    history, pass_secs, eval_secs = nn.train(X_train, X_test, y_train, y_test, learning_rate, epochs, record_every)
    seconds = time.perf_counter() - t0
    checksum = 0.0
    for layer in nn._layers:
        for v in layer.weights.ravel():
            checksum += float(v)
    print(json.dumps({
        "impl": "numpy",
        "epochs": epochs,
        "passes": epochs + 1,
        "nTrain": int(len(X_train)),
        "seconds": seconds,
        "passSeconds": pass_secs,
        "evalSeconds": eval_secs,
        "maxRssKB": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
        "finalChecksum": checksum,
        "finalMse": history["mse"][-1],
        "finalAccuracy": history["accuracy"][-1],
        "history": history,
        "numpy": np.__version__,
        "python": platform.python_version(),
    }))


if __name__ == "__main__":
    main()
