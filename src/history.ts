/** One checkpoint of a training run, taken after the pass of epoch `epoch`. */
export interface EpochRecord {
  epoch: number;
  /** The article's train MSE: mean of (y_onehot - output)^2 over every output of every training sample. */
  mse: number;
  /** Fraction of the test set classified correctly (argmax of the output). */
  accuracy: number;
}

/** The article's log line, e.g. `Epoch: #990, MSE: 0.024335 Accuracy: 97.67%`. */
export function formatRecord(record: EpochRecord): string {
  return `Epoch: #${record.epoch}, MSE: ${record.mse.toFixed(6)} Accuracy: ${(record.accuracy * 100).toFixed(2)}%`;
}

/** What `train` returns: the checkpoints, plus the columns a plot wants. */
export class TrainingHistory {
  readonly records: EpochRecord[] = [];

  add(record: EpochRecord): void {
    this.records.push(record);
  }

  get epochs(): number[] {
    return this.records.map((r) => r.epoch);
  }

  /** The article's `mses`. */
  get mse(): number[] {
    return this.records.map((r) => r.mse);
  }

  /** The article's `accuracys`. */
  get accuracy(): number[] {
    return this.records.map((r) => r.accuracy);
  }

  get last(): EpochRecord | undefined {
    return this.records[this.records.length - 1];
  }

  toJSON(): { records: EpochRecord[] } {
    return { records: this.records.map((r) => ({ ...r })) };
  }

  /** Rebuilds a history saved with `JSON.stringify(history)` (the object or its text). */
  static fromJSON(json: { records: EpochRecord[] } | string): TrainingHistory {
    const data = (typeof json === "string" ? JSON.parse(json) : json) as { records?: unknown } | null;
    if (!data || !Array.isArray(data.records)) throw new Error("TrainingHistory.fromJSON: json must be { records: [{ epoch, mse, accuracy }, ...] }");
    const history = new TrainingHistory();
    data.records.forEach((r: Partial<EpochRecord>, i: number) => {
      if (!Number.isInteger(r.epoch) || !Number.isFinite(r.mse) || !Number.isFinite(r.accuracy)) {
        throw new Error(`TrainingHistory.fromJSON: records[${i}] must have an integer epoch and finite mse and accuracy`);
      }
      history.add({ epoch: r.epoch!, mse: r.mse!, accuracy: r.accuracy! });
    });
    return history;
  }
}
