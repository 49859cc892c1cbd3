import { IQueryHandler, Query, QueryHandler } from '@nestjs/cqrs';
import { fmt, money } from '../../../kernel/money';
import { PersonStreamWriter } from '../../person-writer.service';
import { AccountState, evolveAccount, initialAccountState } from '../accounts.state';

export interface AccountStatementLine {
  revision: number;
  position: number;
  type: string;
  credit: string;
  debit: string;
  balance: string;
}

export interface AccountView {
  personId: string;
  balance: string;
  credits: string;
  debits: string;
  closed: boolean;
  statement: AccountStatementLine[];
}

/** The account and its statement, folded from the person's stream (every line names its source event). */
export class GetAccountQuery extends Query<AccountView> {
  constructor(readonly personId: string) {
    super();
  }
}

@QueryHandler(GetAccountQuery)
export class GetAccountHandler implements IQueryHandler<GetAccountQuery, AccountView> {
  constructor(private readonly writer: PersonStreamWriter) {}

  async execute({ personId }: GetAccountQuery): Promise<AccountView> {
    // Account movements only: no stored decision trace is read (a command-loaded entry serves it).
    const { events } = await this.writer.loadForDecision(personId);
    let state: AccountState = initialAccountState();
    const statement: AccountStatementLine[] = [];
    for (const e of events) {
      const next = evolveAccount(state, e);
      if (next.credits !== state.credits || next.debits !== state.debits) {
        statement.push({
          revision: e.revision,
          position: e.position,
          type: e.type,
          credit: diff(next.credits, state.credits),
          debit: diff(next.debits, state.debits),
          balance: next.balance,
        });
      }
      state = next;
    }
    return { personId, balance: state.balance, credits: state.credits, debits: state.debits, closed: state.closed, statement };
  }
}

function diff(after: string, before: string): string {
  return fmt(money(after).minus(money(before)));
}

export const AccountQueryHandlers = [GetAccountHandler];
