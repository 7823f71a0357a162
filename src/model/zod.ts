/**
 * zod for our schemas: `zod/mini` (the same zod 4 core, tree-shakable: no JSON-schema code, no
 * other locales) with the English messages that classic `zod` installs by itself, configured here
 * once so every validation error reads exactly as before. Import it as `import * as z from
 * '.../model/zod.ts'`, never `zod/mini` directly (that would skip the locale and give bare
 * "Invalid input"); a namespace import keeps it tree-shakable, a re-exported object would not.
 */
import { config } from 'zod/mini';
import { en } from 'zod/locales';

config(en());

export * from 'zod/mini';
