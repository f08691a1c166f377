// Types of sandbox/pluginBundle.mjs, for the tests that import it.
export declare const DIST: string;
export declare function pluginBundleState(root: string): { fresh: boolean; reason: string };
export declare function buildPluginBundle(root: string, signal?: AbortSignal): Promise<number>;
