// HTTPS HTTP/1.1, keep-alive, small GET: the common API case.
import http from 'k6/http';
import { check } from 'k6';
import { target, duration, tlsOptions } from './common.js';

export const options = { ...tlsOptions, vus: 64, duration, httpDebug: '' };

export default function () {
  const res = http.get(`${target}/`);
  check(res, { 'status 200': (r) => r.status === 200, 'hsts': (r) => !!r.headers['Strict-Transport-Security'] });
}
