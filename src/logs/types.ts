/** Which run's logs to show. */
export interface RunRef {
  owner: string;
  repo: string;
  runId: number;
}
