/**
 * What the sync function and its stack agree on: environment variable names, cluster auth modes
 * and metric names. Constants only, so infra/ can import it without pulling in handler code.
 */
export const ENV = {
  configMap: 'WSS_CONFIGMAP',
  defaultNamespace: 'WSS_DEFAULT_NAMESPACE',
  cadence: 'WSS_CADENCE',
  scheduledCadences: 'WSS_SCHEDULED_CADENCES',
  clusterAuth: 'WSS_CLUSTER_AUTH',
  eksClusterName: 'WSS_EKS_CLUSTER_NAME',
  eksEndpoint: 'WSS_EKS_ENDPOINT',
  eksCaData: 'WSS_EKS_CA_DATA',
  kubeconfigSecretArn: 'WSS_KUBECONFIG_SECRET_ARN',
  eventBusName: 'WSS_EVENT_BUS_NAME',
  deadlineMarginMs: 'WSS_DEADLINE_MARGIN_MS',
  maxPrune: 'WSS_MAX_PRUNE',
  /** Set when the cadence runs sharded: at most this many of its ExternalSecrets per shard. */
  shardSize: 'WSS_SHARD_SIZE',
} as const;

export const CLUSTER_AUTH = { eks: 'eks', kubeconfigSecret: 'kubeconfig-secret' } as const;

/** EMF metric names; alarms in infra/ use the same spelling. */
export const METRICS = {
  synced: 'ExternalSecretsSynced',
  failed: 'ExternalSecretsFailed',
  unchanged: 'ExternalSecretsUnchanged',
  skipped: 'ExternalSecretsSkipped',
  duration: 'RunDuration',
  endpointRequests: 'EndpointRequests',
  runFailed: 'RunFailed',
  resultEventFailed: 'ResultEventFailed',
} as const;
