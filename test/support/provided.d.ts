import 'vitest';

/** The local cluster the global setup started, as plain data (tests run in other processes). */
export interface ProvidedCluster {
  server: string;
  /** PEM of the apiserver's certificate chain. */
  caData: string;
  adminToken: string;
  adminKubeconfigPath: string;
  /** Cluster directory: logs, keys, and kubeconfigs written for restricted identities. */
  dir: string;
}

declare module 'vitest' {
  export interface ProvidedContext {
    /** undefined when the run was started with WSS_SKIP_CLUSTER=1. */
    cluster: ProvidedCluster | undefined;
  }
}
