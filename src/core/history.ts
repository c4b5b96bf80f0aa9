import { describe, exactFields, parseJSONText, savedArray, savedNumber } from "./validate";

/** One checkpoint of a training run, taken after the pass of epoch `epoch`. */
export interface EpochRecord {
  epoch: number;
  /** The article's train MSE: mean of (y_onehot - output)^2 over every output of every training sample. */
  mse: number;
  /** Fraction of the test set classified correctly (argmax of the output). */
  accuracy: number;
}

const RECORD_FIELDS = ["epoch", "mse", "accuracy"] as const;

/**
 * The domain of a record, the same for `add`, `formatRecord` and `fromJSON`:
 * epoch a non-negative integer, mse a finite number >= 0, accuracy a fraction
 * in [0, 1]. `what` names the record in the error ("record", "json.records[3]").
 */
function checkRecord(epoch: unknown, mse: unknown, accuracy: unknown, what: string, where: string): EpochRecord {
  if (typeof epoch !== "number" || !Number.isSafeInteger(epoch) || epoch < 0) {
    throw new Error(`${where}: ${what}.epoch must be a non-negative integer, got ${describe(epoch)}`);
  }
  if (typeof mse !== "number" || !Number.isFinite(mse) || mse < 0) {
    throw new Error(`${where}: ${what}.mse must be a finite number >= 0, got ${describe(mse)}`);
  }
  if (typeof accuracy !== "number" || !(accuracy >= 0 && accuracy <= 1)) {
    throw new Error(`${where}: ${what}.accuracy must be a fraction in [0, 1], got ${describe(accuracy)}`);
  }
  return { epoch, mse, accuracy };
}

function recordArgument(record: unknown, where: string): EpochRecord {
  if (typeof record !== "object" || record === null) throw new Error(`${where}: record must be { epoch, mse, accuracy }, got ${describe(record)}`);
  const r = record as Partial<Record<keyof EpochRecord, unknown>>;
  return checkRecord(r.epoch, r.mse, r.accuracy, "record", where);
}

/** The article's log line, e.g. `Epoch: #990, MSE: 0.024335 Accuracy: 97.67%`. */
export function formatRecord(record: EpochRecord): string {
  const r = recordArgument(record, "formatRecord");
  return `Epoch: #${r.epoch}, MSE: ${r.mse.toFixed(6)} Accuracy: ${(r.accuracy * 100).toFixed(2)}%`;
}

/** What `train` returns: the checkpoints, in increasing epoch order, plus the columns a plot wants. */
export class TrainingHistory {
  readonly records: EpochRecord[] = [];

  /** Appends a checkpoint (a copy of it); its epoch must come after the last one's. */
  add(record: EpochRecord): void {
    this.records.push(this.checkNext(recordArgument(record, "TrainingHistory.add"), "record", "TrainingHistory.add"));
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
    return { records: this.records.map((r) => ({ epoch: r.epoch, mse: r.mse, accuracy: r.accuracy })) };
  }

  /**
   * Rebuilds a history saved with `JSON.stringify(history)`, from the text or
   * the parsed object. Only exactly what `toJSON` writes is accepted:
   * `{ records: [{ epoch, mse, accuracy }, ...] }`, no other field, every
   * record in the domain `add` checks, epochs increasing.
   */
  static fromJSON(json: { records: EpochRecord[] } | string): TrainingHistory {
    const where = "TrainingHistory.fromJSON";
    const { records } = exactFields(parseJSONText(json, where), ["records"], "json", where);
    const history = new TrainingHistory();
    savedArray(records, "json.records", where).forEach((value, i) => {
      const what = `json.records[${i}]`;
      const r = exactFields(value, RECORD_FIELDS, what, where);
      // Every field must at least be a finite number before its own domain is checked.
      for (const key of RECORD_FIELDS) savedNumber(r[key], `${what}.${key}`, where);
      history.records.push(history.checkNext(checkRecord(r.epoch, r.mse, r.accuracy, what, where), what, where));
    });
    return history;
  }

  private checkNext(record: EpochRecord, what: string, where: string): EpochRecord {
    const last = this.last;
    if (last !== undefined && record.epoch <= last.epoch) {
      throw new Error(`${where}: ${what}.epoch must come after the previous record's epoch ${last.epoch}, got ${record.epoch}`);
    }
    return record;
  }
}
