export declare const DIST: string;
export declare const HANDLER_BUNDLE: string;
export declare function buildHandler(opts?: { zip?: boolean; minify?: boolean }): Promise<{ bundle: string; bytes: number; zip: string | null; inputs: number }>;
