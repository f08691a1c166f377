export { GithubRunLogsSection } from './GithubRunLogsSection';
export { LogViewer } from './LogViewer';
export type { LogViewerProps } from './LogViewer';
export { LineKind, LogModel, parseLog } from './parse';
export { RunLogs } from './RunLogs';
export type { RunLogsProps } from './RunLogs';
