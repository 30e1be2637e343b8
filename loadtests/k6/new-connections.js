// The handshake rate: a new TLS connection for every request (no keep-alive, no session reuse).
import http from 'k6/http';
import { check } from 'k6';
import { target, duration, tlsOptions } from './common.js';

export const options = { ...tlsOptions, vus: 16, duration, noConnectionReuse: true, noVUConnectionReuse: true };

export default function () {
  const res = http.get(`${target}/`);
  check(res, { 'status 200': (r) => r.status === 200 });
}
