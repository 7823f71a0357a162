import { defineConfig } from 'vitest/config';

// Second stage of `npm test`: scans what the main suite recorded (see test/support/leak.ts).
export default defineConfig({
  test: {
    include: ['test/leak-scan/**/*.test.ts'],
    reporters: ['default', 'json'],
    outputFile: { json: '.tmp/vitest-leak-report.json' },
  },
});
