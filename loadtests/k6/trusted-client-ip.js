// Requests carrying CF-Connecting-IP. They are believed only when k6 runs from a trusted network
// (EdgeProxy:ClientIp:TrustedNetworks, e.g. 127.0.0.1/32 for a local run); otherwise they measure the refusal path.
import http from 'k6/http';
import { check } from 'k6';
import { target, duration, tlsOptions } from './common.js';

export const options = { ...tlsOptions, vus: 64, duration };

export default function () {
  const ip = `203.0.113.${__VU % 250}`;
  const res = http.get(`${target}/`, { headers: { 'CF-Connecting-IP': ip } });
  check(res, { 'status 200': (r) => r.status === 200 });
}
