/**
 * The endpoint policy's address check (applied to URL hosts and to every address DNS returns):
 * link-local and AWS metadata/credential addresses are refused, their neighbours are not.
 */
import { describe, expect, it } from 'vitest';
import { isLinkLocal } from '../../../src/providers/webhook/transport.ts';

describe('isLinkLocal', () => {
  it.each([
    ['169.254.169.254', 'IPv4 instance metadata'],
    ['169.254.170.23', 'EKS Pod Identity agent (IPv4)'],
    ['fd00:ec2::254', 'IPv6 instance metadata'],
    ['fd00:ec2::23', 'EKS Pod Identity agent (IPv6)'],
    ['[fd00:ec2::23]', 'the same, as written in a URL'],
    ['FD00:EC2:0:0:0:0:0:23', 'the same, uppercase and uncompressed'],
    ['fd00:ec2:ffff:ffff:ffff:ffff:ffff:ffff', 'the last address of fd00:ec2::/32'],
    ['fe80::1', 'IPv6 link-local'],
    ['::ffff:169.254.169.254', 'IPv4-mapped metadata'],
    ['64:ff9b::a9fe:a9fe', 'NAT64 metadata'],
  ])('refuses %s (%s)', (address) => {
    expect(isLinkLocal(address)).toBe(true);
  });

  it.each([
    ['fd00:ec3::23', 'next /32'],
    ['fd00:ec1:ffff:ffff:ffff:ffff:ffff:ffff', 'just below fd00:ec2::/32'],
    ['fd01:ec2::23', 'another ULA prefix'],
    ['fd00::ec2:23', 'same digits, other place'],
    ['169.255.0.1', 'just above 169.254.0.0/16'],
    ['10.0.0.1', 'private IPv4'],
    ['2600:1f18::1', 'AWS public IPv6'],
    ['not-an-address', 'a hostname (checked after DNS instead)'],
  ])('allows %s (%s)', (address) => {
    expect(isLinkLocal(address)).toBe(false);
  });
});
