import { describe, expect, it } from 'vitest';
import { parseResponseBytes } from '../../../src/local/apiserver-metrics.ts';

// As kube-apiserver v1.35 exposes it (bucket lines trimmed to one per series).
const METRICS = [
  '# HELP apiserver_response_sizes [STABLE] Response size distribution in bytes for each group, version, verb, resource, subresource, scope and component.',
  'apiserver_response_sizes_bucket{component="apiserver",group="",resource="secrets",scope="namespace",subresource="",verb="LIST",version="v1",le="1000"} 3',
  'apiserver_response_sizes_sum{component="apiserver",group="",resource="secrets",scope="namespace",subresource="",verb="LIST",version="v1"} 15360',
  'apiserver_response_sizes_count{component="apiserver",group="",resource="secrets",scope="namespace",subresource="",verb="LIST",version="v1"} 4',
  'apiserver_response_sizes_sum{component="apiserver",group="",resource="secrets",scope="resource",subresource="",verb="GET",version="v1"} 2048',
  'apiserver_response_sizes_sum{component="apiserver",group="",resource="secrets",scope="cluster",subresource="",verb="LIST",version="v1"} 100',
  'apiserver_response_sizes_sum{component="apiserver",group="",resource="configmaps",scope="resource",subresource="",verb="GET",version="v1"} 999',
].join('\n');

describe('parseResponseBytes', () => {
  it('sums apiserver_response_sizes_sum of one resource by verb, over every scope', () => {
    // Act
    const bytes = parseResponseBytes({ metrics: METRICS, resource: 'secrets' });
    // Assess
    expect(bytes).toEqual({ LIST: 15460, GET: 2048 });
  });

  it('answers nothing for a resource without series', () => {
    expect(parseResponseBytes({ metrics: METRICS, resource: 'events' })).toEqual({});
  });
});
