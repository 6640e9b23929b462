export declare const DIST: string;
export declare const HANDLER_BUNDLE: string;
export declare const RELEASE_DIST: string;
export declare function buildHandler(opts?: { release?: boolean; zip?: boolean; minify?: boolean }): Promise<{ bundle: string; bytes: number; zip: string | null; inputs: number }>;
