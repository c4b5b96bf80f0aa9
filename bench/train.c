/*
 * bench/train.c: the TypeScript training loop (src/layer.ts forward,
 * src/delta-rules.ts, src/network.ts step/train) written as plain C, same
 * operations in the same order, for `npm run bench`.
 *
 *   cc -O2 -o train bench/train.c -lm
 *   ./train DATAFILE EPOCHS [RECORD_EVERY]
 *
 * DATAFILE is written by bench/common.ts writeDataFile: the article's data and
 * the TypeScript network's initial weights, so both compute the same thing
 * (up to the last bits of exp(): glibc vs V8). Biases are never updated, as
 * in the article. Prints one JSON line: timing, peak RSS and the history.
 * It is the straightforward loop, the way a C programmer writes the article's
 * step (gcc 12 -O2 does not vectorise its loops: checked with -fopt-info-vec).
 */
#define _POSIX_C_SOURCE 199309L
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#define MAX_LAYERS 16

typedef struct {
  int nIn, nOut;
  double *W;     /* nIn x nOut, row-major: W[i * nOut + j] connects input i to neuron j */
  double *b;     /* nOut */
  double *o;     /* last output */
  double *error; /* back-propagated error */
  double *delta; /* error * f'(o) */
} Layer;

static FILE *in;

static double next_number(void) {
  double v;
  if (fscanf(in, "%lf", &v) != 1) {
    fprintf(stderr, "train: data file is truncated or malformed\n");
    exit(1);
  }
  return v;
}

static double *read_array(size_t n) {
  double *a = malloc(n * sizeof *a);
  if (!a) { fprintf(stderr, "train: out of memory\n"); exit(1); }
  for (size_t k = 0; k < n; k++) a[k] = next_number();
  return a;
}

static double *zeros(size_t n) {
  double *a = calloc(n, sizeof *a);
  if (!a) { fprintf(stderr, "train: out of memory\n"); exit(1); }
  return a;
}

static double sigmoid(double z) { return 1.0 / (1.0 + exp(-z)); }

/* Layer.forward for every layer: o = sigmoid(x W + b). */
static const double *forward(Layer *L, int nL, const double *x) {
  const double *input = x;
  for (int l = 0; l < nL; l++) {
    Layer *ly = &L[l];
    const int nIn = ly->nIn, nOut = ly->nOut;
    double *out = ly->o;
    for (int j = 0; j < nOut; j++) out[j] = 0.0;
    for (int i = 0; i < nIn; i++) {
      const double xi = input[i];
      const double *row = ly->W + (size_t)i * nOut;
      for (int j = 0; j < nOut; j++) out[j] += xi * row[j];
    }
    for (int j = 0; j < nOut; j++) out[j] = sigmoid(out[j] + ly->b[j]);
    input = out;
  }
  return input;
}

/* NeuralNetwork.step: forward, deltas from the output layer back, then W_ij += delta_j * o_i * lr. */
static void step(Layer *L, int nL, const double *x, const double *target, double lr) {
  forward(L, nL, x);
  Layer *last = &L[nL - 1];
  for (int k = 0; k < last->nOut; k++) {
    const double o = last->o[k];
    last->error[k] = target[k] - o;                 /* error = y - o (MSE) */
    last->delta[k] = last->error[k] * (o * (1.0 - o)); /* delta = error * f'(o) */
  }
  for (int l = nL - 2; l >= 0; l--) {
    Layer *ly = &L[l], *next = &L[l + 1];
    const int nK = next->nOut;
    for (int j = 0; j < ly->nOut; j++) {
      double sum = 0.0;
      const double *row = next->W + (size_t)j * nK;
      for (int k = 0; k < nK; k++) sum += row[k] * next->delta[k]; /* error_j = sum_k W_jk delta_k */
      const double o = ly->o[j];
      ly->error[j] = sum;
      ly->delta[j] = sum * (o * (1.0 - o));
    }
  }
  for (int l = 0; l < nL; l++) {
    Layer *ly = &L[l];
    const double *o = l == 0 ? x : L[l - 1].o;
    const int nOut = ly->nOut;
    for (int i = 0; i < ly->nIn; i++) {
      const double oi = o[i];
      double *row = ly->W + (size_t)i * nOut;
      for (int j = 0; j < nOut; j++) row[j] += ly->delta[j] * oi * lr;
    }
  }
}

int main(int argc, char **argv) {
  if (argc < 3 || argc > 4) {
    fprintf(stderr, "usage: %s DATAFILE EPOCHS [RECORD_EVERY]\n", argv[0]);
    return 2;
  }
  char *end;
  const long epochs = strtol(argv[2], &end, 10);
  if (*end || epochs < 0) { fprintf(stderr, "train: EPOCHS must be a non-negative integer, got \"%s\"\n", argv[2]); return 2; }
  long recordEvery = 10;
  if (argc == 4) {
    recordEvery = strtol(argv[3], &end, 10);
    if (*end || recordEvery < 1) { fprintf(stderr, "train: RECORD_EVERY must be a positive integer, got \"%s\"\n", argv[3]); return 2; }
  }

  in = fopen(argv[1], "r");
  if (!in) { perror(argv[1]); return 1; }
  int c;
  while ((c = fgetc(in)) != '\n' && c != EOF) {} /* skip the comment line */
  if ((int)next_number() != 1) { fprintf(stderr, "train: unsupported data file version\n"); return 1; }
  const int nL = (int)next_number();
  if (nL < 1 || nL > MAX_LAYERS) { fprintf(stderr, "train: bad layer count %d\n", nL); return 1; }
  Layer L[MAX_LAYERS];
  for (int l = 0; l < nL; l++) {
    L[l].nIn = (int)next_number();
    L[l].nOut = (int)next_number();
  }
  const int nTrain = (int)next_number(), nTest = (int)next_number();
  const int nF = (int)next_number(), nC = (int)next_number();
  const double lr = next_number();
  double *XTrain = read_array((size_t)nTrain * nF);
  double *yTrain = read_array(nTrain);
  double *XTest = read_array((size_t)nTest * nF);
  double *yTest = read_array(nTest);
  for (int l = 0; l < nL; l++) {
    L[l].W = read_array((size_t)L[l].nIn * L[l].nOut);
    L[l].b = read_array(L[l].nOut);
    L[l].o = zeros(L[l].nOut);
    L[l].error = zeros(L[l].nOut);
    L[l].delta = zeros(L[l].nOut);
  }
  fclose(in);
  if (L[0].nIn != nF || L[nL - 1].nOut != nC) { fprintf(stderr, "train: layer sizes do not match the data\n"); return 1; }

  double *targets = zeros((size_t)nTrain * nC); /* one-hot */
  for (int s = 0; s < nTrain; s++) targets[(size_t)s * nC + (int)yTrain[s]] = 1.0;

  const long nRecords = epochs / recordEvery + 1;
  long *recEpoch = malloc(nRecords * sizeof *recEpoch);
  double *recMse = malloc(nRecords * sizeof *recMse);
  double *recAcc = malloc(nRecords * sizeof *recAcc);
  long nRec = 0;

  struct timespec t0, t1;
  struct rusage cpu0, cpu1; /* CPU time as well: less sensitive than wall time to other load on the machine */
  getrusage(RUSAGE_SELF, &cpu0);
  clock_gettime(CLOCK_MONOTONIC, &t0);
  for (long epoch = 0; epoch <= epochs; epoch++) {
    for (int s = 0; s < nTrain; s++) step(L, nL, XTrain + (size_t)s * nF, targets + (size_t)s * nC, lr);
    if (epoch % recordEvery == 0) {
      /* train MSE: mean of (y_onehot - o)^2 over every output of every sample */
      double sum = 0.0;
      for (int s = 0; s < nTrain; s++) {
        const double *o = forward(L, nL, XTrain + (size_t)s * nF);
        for (int k = 0; k < nC; k++) {
          const double d = targets[(size_t)s * nC + k] - o[k];
          sum += d * d;
        }
      }
      /* test accuracy: argmax (first on ties) == label */
      int correct = 0;
      for (int s = 0; s < nTest; s++) {
        const double *o = forward(L, nL, XTest + (size_t)s * nF);
        int best = 0;
        for (int k = 1; k < nC; k++) if (o[k] > o[best]) best = k;
        if (best == (int)yTest[s]) correct++;
      }
      recEpoch[nRec] = epoch;
      recMse[nRec] = sum / ((double)nTrain * nC);
      recAcc[nRec] = (double)correct / nTest;
      nRec++;
    }
  }
  clock_gettime(CLOCK_MONOTONIC, &t1);
  getrusage(RUSAGE_SELF, &cpu1);
  const double seconds = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) * 1e-9;
  const double cpuSeconds = (double)(cpu1.ru_utime.tv_sec - cpu0.ru_utime.tv_sec) + (double)(cpu1.ru_utime.tv_usec - cpu0.ru_utime.tv_usec) * 1e-6 +
                            (double)(cpu1.ru_stime.tv_sec - cpu0.ru_stime.tv_sec) + (double)(cpu1.ru_stime.tv_usec - cpu0.ru_stime.tv_usec) * 1e-6;

  double checksum = 0.0;
  for (int l = 0; l < nL; l++)
    for (size_t k = 0; k < (size_t)L[l].nIn * L[l].nOut; k++) checksum += L[l].W[k];
  struct rusage ru;
  getrusage(RUSAGE_SELF, &ru);

  printf("{\"impl\":\"c\",\"epochs\":%ld,\"passes\":%ld,\"nTrain\":%d,\"seconds\":%.9f,\"cpuSeconds\":%.6f,\"maxRssKB\":%ld,"
         "\"finalChecksum\":%.17g,\"finalMse\":%.17g,\"finalAccuracy\":%.17g,\"history\":{\"epochs\":[",
         epochs, epochs + 1, nTrain, seconds, cpuSeconds, (long)ru.ru_maxrss, checksum, recMse[nRec - 1], recAcc[nRec - 1]);
  for (long r = 0; r < nRec; r++) printf("%s%ld", r ? "," : "", recEpoch[r]);
  printf("],\"mse\":[");
  for (long r = 0; r < nRec; r++) printf("%s%.17g", r ? "," : "", recMse[r]);
  printf("],\"accuracy\":[");
  for (long r = 0; r < nRec; r++) printf("%s%.17g", r ? "," : "", recAcc[r]);
  printf("]}}\n");
  fprintf(stderr, "train.c: %ld epochs in %.2f s, peak RSS %.1f MB, epoch %ld MSE %.6f accuracy %.2f%%\n", epochs,
          seconds, ru.ru_maxrss / 1024.0, recEpoch[nRec - 1], recMse[nRec - 1], recAcc[nRec - 1] * 100);
  return 0;
}
