/**
 * Where the webhook provider reads the Kubernetes objects a store refers to (`secrets[]`,
 * `caProvider`): the cluster in a real run, a local file offline (`--secrets-file`).
 */
export interface SecretObject {
  readonly labels: Readonly<Record<string, string>>;
  /** Decoded bytes of each data key. */
  readonly data: Readonly<Record<string, Buffer>>;
}

export interface ConfigMapObject {
  readonly data: Readonly<Record<string, string>>;
}

export interface ReferenceReader {
  readSecret(namespace: string, name: string): Promise<SecretObject | undefined>;
  readConfigMap(namespace: string, name: string): Promise<ConfigMapObject | undefined>;
}

/** A reader with nothing in it: every reference is "not found" (offline without --secrets-file). */
export const EMPTY_REFERENCES: ReferenceReader = {
  readSecret: () => Promise.resolve(undefined),
  readConfigMap: () => Promise.resolve(undefined),
};

/**
 * Reads each object once per run (ESO reads a store's Secrets again for every request it renders).
 *
 * @example
 * ```ts
 * const refs = memoizeReferences(kubeReader);
 * ```
 */
export function memoizeReferences(inner: ReferenceReader): ReferenceReader {
  const secrets = new Map<string, Promise<SecretObject | undefined>>();
  const configMaps = new Map<string, Promise<ConfigMapObject | undefined>>();
  return {
    readSecret(namespace, name) {
      const key = `${namespace}/${name}`;
      let p = secrets.get(key);
      if (!p) secrets.set(key, (p = inner.readSecret(namespace, name)));
      return p;
    },
    readConfigMap(namespace, name) {
      const key = `${namespace}/${name}`;
      let p = configMaps.get(key);
      if (!p) configMaps.set(key, (p = inner.readConfigMap(namespace, name)));
      return p;
    },
  };
}
