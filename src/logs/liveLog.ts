import { LogModel } from './parse';

/** How much of the text already parsed is compared to tell a grown log from a different one. */
const OVERLAP = 256;

/** A copy of `text` that does not keep the string it was sliced from alive. */
function detach(text: string): string {
  // V8 keeps a slice pointing into its parent; flattening a concatenation makes a fresh string. Without this, every
  // poll of a live log would keep that poll's whole response in memory.
  return (' ' + text).slice(1);
}

export interface LogSnapshot {
  model: LogModel;
  lineCount: number;
}

/**
 * Turns successive full texts of one growing log (each poll returns the whole log so far) into one `LogModel`, parsing
 * only what is new. A text that does not extend the previous one starts a new model.
 */
export class LiveLog {
  private model = new LogModel();
  private consumed = 0;
  private tail = '';

  update(text: string, complete: boolean): LogSnapshot {
    const continues =
      text.length >= this.consumed &&
      text.slice(this.consumed - this.tail.length, this.consumed) === this.tail &&
      !(this.model.complete && text.length > this.consumed);
    if (!continues) {
      this.model = new LogModel();
      this.consumed = 0;
    }
    if (text.length > this.consumed) {
      this.model.append(this.consumed === 0 ? text : detach(text.slice(this.consumed)));
      this.consumed = text.length;
      this.tail = text.slice(Math.max(0, this.consumed - OVERLAP));
      this.tail = detach(this.tail);
    }
    if (complete) this.model.end();
    return { model: this.model, lineCount: this.model.lineCount };
  }
}
