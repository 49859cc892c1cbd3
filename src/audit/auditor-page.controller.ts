import { Controller, Get, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { IgnoresQuery } from '../http/declared-query.guard';
import { Public } from '../http/roles';

/** The page's files sit beside this file under ts-node; from dist/ fall back to the source tree (tsc copies no assets). */
function pageDir(): string {
  const candidates = [path.join(__dirname, 'auditor-page'), path.resolve(__dirname, '../../src/audit/auditor-page')];
  return candidates.find((d) => fs.existsSync(path.join(d, 'index.html'))) ?? candidates[0];
}

function send(res: unknown, type: string, body: string): string {
  const r = res as { header?: (k: string, v: string) => unknown; setHeader?: (k: string, v: string) => unknown };
  const set = (k: string, v: string) => (typeof r.header === 'function' ? r.header(k, v) : r.setHeader?.(k, v));
  set('Content-Type', type);
  // The page takes no data from the URL and loads only its own script.
  set('Content-Security-Policy', "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:");
  set('Cache-Control', 'no-store');
  return body;
}

/**
 * The auditor's page: static HTML and JS, no build step. Public (it holds no data); the
 * auditor types an API key into the page, which keeps it in memory for its API calls.
 */
@ApiExcludeController()
@IgnoresQuery()
@Controller('auditor')
export class AuditorPageController {
  private readonly dir = pageDir();

  @Public()
  @Get()
  page(@Res({ passthrough: true }) res: unknown): string {
    return send(res, 'text/html; charset=utf-8', fs.readFileSync(path.join(this.dir, 'index.html'), 'utf8'));
  }

  @Public()
  @Get('app.js')
  script(@Res({ passthrough: true }) res: unknown): string {
    return send(res, 'application/javascript; charset=utf-8', fs.readFileSync(path.join(this.dir, 'app.js'), 'utf8'));
  }
}
