// The formats the upstream Kubernetes schemas and chart values schemas use, for ajv. Copied next to the
// precompiled validators (lib/validators/formats.js) by compile-schemas.js.
'use strict';
const RFC3339 = /^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;
module.exports = {
  int64: {
    type: 'number',
    validate: (n) => Number.isInteger(n) && n >= -9223372036854775808 && n <= 9223372036854775807,
  },
  'date-time': { type: 'string', validate: (s) => RFC3339.test(s) },
  // RFC 1123 host names: the format chart schemas commonly tighten with (src/values/check.ts).
  hostname: { type: 'string', validate: (s) => s.length <= 253 && /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/i.test(s) },
};
