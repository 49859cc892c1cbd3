import { parseCommandLine, usageErrorLine } from './command-line';

describe('CLI flags through util.parseArgs (issue 14 item 5)', () => {
  const options = { db: { type: 'string' }, json: { type: 'boolean' } } as const;

  it('parses flags and positionals', () => {
    const { values, positionals } = parseCommandLine('t', 'usage: t [--db F]', {
      args: ['verify', '--db', 'x.db', '--json'],
      options,
      allowPositionals: true,
    });
    expect([values, positionals]).toEqual([{ db: 'x.db', json: true }, ['verify']]);
  });

  it.each([
    [['--bd', 'x.db'], "t: Unknown option '--bd'; usage: t [--db F]"],
    [['--db'], "t: Option '--db <value>' argument missing; usage: t [--db F]"],
  ])('a bad flag %j is one line on stderr and exit 2', (args, line) => {
    const exit = jest.spyOn(process, 'exit').mockImplementation(((code: number) => {
      throw new Error(`exit ${code}`);
    }) as never);
    const err = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      expect(() => parseCommandLine('t', 'usage: t [--db F]', { args, options })).toThrow('exit 2');
      expect(err.mock.calls).toEqual([[line]]);
    } finally {
      exit.mockRestore();
      err.mockRestore();
    }
  });

  it('keeps only the first sentence of Node’s message', () => {
    expect(
      usageErrorLine(
        'keys',
        new Error("Unknown option '--x'. To specify a positional argument starting with a '-', place it at the end"),
        'keys list',
      ),
    ).toBe("keys: Unknown option '--x'; usage: keys list");
  });
});
