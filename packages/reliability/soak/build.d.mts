/** Where the soak's bundles are. */
export declare const BUNDLES: { driver: string; server: string };
/** Bundles soak.ts and server.ts from the packages' sources into soak/.build/. */
export declare function buildSoak(): Promise<typeof BUNDLES>;
