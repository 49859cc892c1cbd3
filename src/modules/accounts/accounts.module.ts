import { Module } from '@nestjs/common';
import { PersonWriterModule } from '../person-writer.module';
import { AccountsController } from './accounts.controller';
import { AccountCommandHandlers } from './commands/accounts.command';
import { AccountQueryHandlers } from './queries/get-account.query';

@Module({
  imports: [PersonWriterModule],
  controllers: [AccountsController],
  providers: [...AccountCommandHandlers, ...AccountQueryHandlers],
})
export class AccountsModule {}
