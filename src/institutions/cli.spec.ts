import { buildRequest, CliUsageError, render } from './cli';

describe('institutions CLI: arguments → HTTP request', () => {
  it('maps each step of the year to its route and body', () => {
    expect(
      buildRequest([
        'declare',
        'JZ-H001',
        '2024-08',
        '--visits',
        '70000',
        '--total-cost',
        '21000000.00',
        '--fund-due',
        '9000000.00',
        '--declared-on',
        '2024-09-08',
        '--key',
        'decl-2024-08',
      ]),
    ).toEqual({
      method: 'POST',
      path: '/institutions/JZ-H001/months/2024-08/declaration',
      body: { visits: 70000, totalCost: '21000000.00', fundDue: '9000000.00', declaredOn: '2024-09-08' },
      idempotencyKey: 'decl-2024-08',
    });
    expect(
      buildRequest(['cost-base', 'S1', '2024', '--history', '2019:181,2020:120:covid,2021:190,2022:130:covid,2023:200']),
    ).toMatchObject({
      path: '/institutions/S1/years/2024/cost-base',
      body: {
        history: [
          { year: 2019, average: '181' },
          { year: 2020, average: '120', covidLow: true },
          { year: 2021, average: '190' },
          { year: 2022, average: '130', covidLow: true },
          { year: 2023, average: '200' },
        ],
      },
    });
    expect(buildRequest(['assess', 'S1', '2024', '--failed'])).toMatchObject({ body: { passed: false } });
    expect(buildRequest(['year', 'S1', '2024'])).toEqual({ method: 'GET', path: '/institutions/S1/years/2024' });
  });

  it('refuses incomplete or contradictory arguments', () => {
    expect(() => buildRequest(['approve', 'S1', '2024-08'])).toThrow(CliUsageError);
    expect(() => buildRequest(['assess', 'S1', '2024', '--passed', '--failed'])).toThrow(/exactly one/);
    expect(() =>
      buildRequest(['declare', 'S1', '2024-08', '--visits', '1.5', '--total-cost', '1', '--fund-due', '1', '--declared-on', '2024-09-01']),
    ).toThrow(/whole number/);
    expect(() => buildRequest(['frobnicate'])).toThrow(/unknown subcommand/);
  });

  it('renders refusals with their clause', () => {
    expect(
      render({ method: 'POST', path: '/x' }, 422, {
        code: 'MONTH_NOT_DECLARED',
        message: '2024-08 has not been declared',
        clause: '焦医保〔2024〕32号 四（二）',
      }),
    ).toBe('error 422 MONTH_NOT_DECLARED: 2024-08 has not been declared\n  clause: 焦医保〔2024〕32号 四（二）');
  });
});
