/**
 * Loads @peculiar/x509, whose tsyringe dependency needs the Reflect metadata API at import time;
 * the polyfill must be in place before that import, hence the dynamic import.
 */
import 'reflect-metadata';

let loaded: Promise<typeof import('@peculiar/x509')> | undefined;

/**
 * @example
 * ```ts
 * const x509 = await loadX509();
 * ```
 */
export function loadX509(): Promise<typeof import('@peculiar/x509')> {
  loaded ??= import('@peculiar/x509');
  return loaded;
}
