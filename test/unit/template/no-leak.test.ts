import { describe, expect, it } from 'vitest';
import { renderTemplate } from '../../../src/template/index.ts';

describe('template errors never quote data', () => {
  it.each([
    ['mustFromJson of a non-JSON value', '{{ .pw | mustFromJson }}', { pw: 'cnry-hunter2' }],
    ['eq on maps', '{{ eq .a .b }}', { a: { k: 'cnry-left' }, b: { k: 'cnry-right' } }],
  ])('%s', (_name, template, data) => {
    let message = '';
    try {
      renderTemplate(template, data, { missingKey: 'error' });
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).not.toBe('');
    expect(message).not.toMatch(/cnry-/u);
  });
});
