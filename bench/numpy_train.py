"""bench/numpy_train.py: the article's NumPy training code, timed, for `npm run bench`.

    python3 bench/numpy_train.py DATAFILE EPOCHS [RECORD_EVERY]

DATAFILE (written by bench/common.ts writeDataFile) holds the article's data and
the TypeScript network's initial weights, so this computes the same thing as the
TypeScript and C runs. The Layer / NeuralNetwork classes are the article's
(section 6), arithmetic unchanged; train_timed() is the article's loop minus the
print() calls, with the backpropagation passes and the every-RECORD_EVERY-epochs
evaluation timed separately so the caller can scale a short run to 1000 epochs.
Prints one JSON line.
"""

import json
import os
import platform
import resource
import sys
import time

import numpy as np


# The article's Layer / NeuralNetwork, shared with the fixture generator.
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "scripts", "fixtures"))
from article_numpy import Layer, NeuralNetwork, train_timed  # noqa: E402


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
    history, pass_secs, eval_secs = train_timed(nn, X_train, X_test, y_train, y_test, learning_rate, epochs, record_every)
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
