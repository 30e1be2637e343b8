// HTTP/2 over TLS (k6 negotiates h2 by ALPN when the server offers it).
import http from 'k6/http';
import { check } from 'k6';
import { target, duration, tlsOptions } from './common.js';

export const options = { ...tlsOptions, vus: 16, duration };

export default function () {
  const res = http.get(`${target}/`);
  check(res, { 'h2': (r) => r.proto === 'HTTP/2.0' });
}
