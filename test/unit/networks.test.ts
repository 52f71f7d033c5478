import { describe, expect, it } from 'vitest';
import { normalizeAddress, parseCidr, parseCidrList, refusedRange } from '../../shared/networks';

describe('refusedRange', () => {
  it.each([
    ['127.0.0.1', 'loopback'],
    ['127.255.0.9', 'loopback'],
    ['10.0.0.1', 'private'],
    ['172.16.5.4', 'private'],
    ['172.31.255.255', 'private'],
    ['192.168.1.1', 'private'],
    ['169.254.169.254', 'link-local'],
    ['100.64.0.1', 'carrier-grade NAT'],
    ['0.0.0.0', 'unspecified'],
    ['::1', 'loopback'],
    ['[::1]', 'loopback'],
    ['::', 'unspecified'],
    ['fd00::1', 'unique-local'],
    ['fc12:3456::1', 'unique-local'],
    ['fe80::1', 'link-local'],
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:7f00:1', 'loopback'],
    ['::ffff:a9fe:a9fe', 'link-local'],
    ['0:0:0:0:0:ffff:10.1.2.3', 'private'],
    ['not-an-ip', 'not an IP address'],
  ])('refuses %s (%s)', (address, why) => {
    expect(refusedRange(address)).toContain(why);
  });

  it.each(['93.184.216.34', '8.8.8.8', '172.32.0.1', '100.128.0.1', '2606:4700::1111', '::ffff:8.8.8.8'])('lets %s through', (address) => {
    expect(refusedRange(address)).toBeUndefined();
  });

  it('lets an allowed range through, and only that range', () => {
    const allowed = parseCidrList('127.0.0.0/8, fd00::/8');
    expect(refusedRange('127.0.0.1', allowed)).toBeUndefined();
    expect(refusedRange('::ffff:127.0.0.1', allowed)).toBeUndefined();
    expect(refusedRange('fd00::5', allowed)).toBeUndefined();
    expect(refusedRange('::1', allowed)).toContain('loopback');
    expect(refusedRange('10.0.0.1', allowed)).toContain('private');
    expect(refusedRange('169.254.169.254', parseCidrList('169.254.169.0/24'))).toBeUndefined();
  });
});

describe('parseCidr', () => {
  it('parses IPv4 and IPv6 ranges', () => {
    expect(parseCidr(' 127.0.0.0/8 ')).toEqual({ family: 'ipv4', network: '127.0.0.0', prefix: 8, text: '127.0.0.0/8' });
    expect(parseCidr('fc00::/7')).toMatchObject({ family: 'ipv6', network: 'fc00::', prefix: 7 });
    expect(parseCidrList('')).toEqual([]);
    expect(parseCidrList(undefined)).toEqual([]);
    expect(parseCidrList('10.0.0.0/8,192.168.0.0/16')).toHaveLength(2);
  });

  it.each([
    ['127.0.0.1', /expected address\/prefix/],
    ['127.0.0.0/33', /prefix must be 0-32/],
    ['::/129', /prefix must be 0-128/],
    ['10.0.0.0/x', /prefix/],
    ['example.com/8', /not an IPv4 or IPv6 address/],
    ['300.0.0.0/8', /not an IPv4 or IPv6 address/],
  ])('refuses %s with a clear message', (text, message) => {
    expect(() => parseCidr(text)).toThrow(message);
  });
});

describe('normalizeAddress', () => {
  it('unwraps IPv4-mapped IPv6', () => {
    expect(normalizeAddress('::ffff:1.2.3.4')).toEqual({ family: 'ipv4', address: '1.2.3.4' });
    expect(normalizeAddress('::FFFF:0102:0304')).toEqual({ family: 'ipv4', address: '1.2.3.4' });
    expect(normalizeAddress('2001:db8::1')).toEqual({ family: 'ipv6', address: '2001:db8::1' });
    expect(normalizeAddress('nope')).toBeUndefined();
  });
});
