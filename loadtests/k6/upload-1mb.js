// 1 MB uploads through the proxy (request body streaming).
import http from 'k6/http';
import { check } from 'k6';
import { target, duration, tlsOptions } from './common.js';

export const options = { ...tlsOptions, vus: 8, duration };
const body = 'x'.repeat(1024 * 1024);

export default function () {
  const res = http.post(`${target}/upload`, body, { headers: { 'Content-Type': 'application/octet-stream' } });
  check(res, { 'not 5xx': (r) => r.status < 500 });
}
