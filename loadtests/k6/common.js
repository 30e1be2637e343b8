// Shared settings for the k6 scenarios. Point them at a running EdgeProxy:
//   k6 run -e TARGET=https://127.0.0.1:8443 loadtests/k6/https-keepalive.js
// Only loopback or your own test hosts; every scenario is bounded in time.
export const target = __ENV.TARGET || 'https://127.0.0.1:8443';
export const duration = __ENV.DURATION || '30s';
export const tlsOptions = { insecureSkipTLSVerify: true };
