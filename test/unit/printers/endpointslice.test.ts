import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { endpointSlicePrinter } from '../../../apiserver/server/printers/endpointslice.ts';
import { ago, columnNames, row } from './helpers.ts';

const meta = { name: 'web-x7k2p', namespace: 'default', creationTimestamp: ago({ m: 3 }) };
const endpoint = (ip: string, ready = true) => ({ addresses: [ip], conditions: { ready } });

describe('endpointslice printer', () => {
  it('NAME ADDRESSTYPE PORTS ENDPOINTS AGE', () => {
    assert.deepEqual(columnNames(endpointSlicePrinter), { standard: ['Name', 'AddressType', 'Ports', 'Endpoints', 'Age'], wide: [] });
  });

  it('lists every address, ready or not, the first three and a count of the rest', () => {
    const slice = {
      metadata: meta, addressType: 'IPv4', ports: [{ name: 'http', port: 8080, protocol: 'TCP' }],
      endpoints: [endpoint('10.244.0.1'), endpoint('10.244.0.2', false), endpoint('10.244.0.3'), endpoint('10.244.0.4'), endpoint('10.244.0.5')],
    };
    assert.deepEqual(Object.values(row(endpointSlicePrinter, slice)),
      ['web-x7k2p', 'IPv4', '8080', '10.244.0.1,10.244.0.2,10.244.0.3 + 2 more...', '3m']);
  });

  it('shows <unset> for no ports and no endpoints (a placeholder slice)', () => {
    const placeholder = { metadata: meta, addressType: 'IPv4', ports: null, endpoints: null };
    const r = row(endpointSlicePrinter, placeholder);
    assert.equal(r.Ports, '<unset>');
    assert.equal(r.Endpoints, '<unset>');
  });

  it('prints ports by number, a port without number by its name, and counts ports past three', () => {
    const slice = {
      metadata: meta, addressType: 'IPv6', endpoints: [{ addresses: ['fd00::1', 'fd00::2'] }],
      ports: [{ name: 'a', port: 80 }, { name: 'b', port: 443 }, { name: 'all' }, { name: 'd', port: 9090 }],
    };
    const r = row(endpointSlicePrinter, slice);
    assert.equal(r.Ports, '80,443,all + 1 more...');
    assert.equal(r.Endpoints, 'fd00::1,fd00::2');
  });
});
