import { Module } from '@nestjs/common';
import { PersonStreamWriter } from './person-writer.service';

@Module({ providers: [PersonStreamWriter], exports: [PersonStreamWriter] })
export class PersonWriterModule {}
