/** The README test's block parser: headings, ordinals, skip markers and their reasons. */
import { readmeBlocks } from './readme-blocks';

const fence = (code: string) => ['```sh', code, '```'].join('\n');

describe('readmeBlocks', () => {
  it('names each sh block by its heading and ordinal, ignoring other fences', () => {
    const readme = ['# Top', '## Demo', fence('echo a'), '```', 'not sh', '```', fence('echo b'), '### Sub', fence('echo c')].join('\n');
    expect(readmeBlocks(readme).map((b) => [b.name, b.code])).toEqual([
      ['Demo #1', 'echo a'],
      ['Demo #2', 'echo b'],
      ['Sub #1', 'echo c'],
    ]);
  });

  it('takes the skip marker right above a block, with its reason (or none)', () => {
    const readme = [
      '## A',
      '<!-- readme-test: skip — needs a running EventStoreDB -->',
      fence('docker compose up'),
      '<!-- readme-test: skip -->',
      '',
      fence('x'),
    ].join('\n');
    expect(readmeBlocks(readme).map((b) => b.skip)).toEqual(['needs a running EventStoreDB', '']);
  });

  it('refuses a marker that stands above prose or another kind of fence, and an unknown marker', () => {
    expect(() => readmeBlocks(['<!-- readme-test: skip — why -->', 'some prose', fence('x')].join('\n'))).toThrow(/right above/);
    expect(() => readmeBlocks(['<!-- readme-test: skip — why -->', '```', 'text', '```'].join('\n'))).toThrow(/right above/);
    expect(() => readmeBlocks(['<!-- readme-test: only -->', fence('x')].join('\n'))).toThrow(/unknown readme-test marker/);
  });

  it('reads a marker quoted inside prose as prose', () => {
    const readme = ['## A', 'mark it with `<!-- readme-test: skip — reason -->` above the block.', '', fence('x')].join('\n');
    expect(readmeBlocks(readme).map((b) => b.skip)).toEqual([undefined]);
  });

  it('refuses an unclosed fence', () => expect(() => readmeBlocks(['```sh', 'echo'].join('\n'))).toThrow(/unclosed/));
});
