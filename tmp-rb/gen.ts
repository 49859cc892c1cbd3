import { templateStreams, generateLog } from '../bench/projections.bench';
(async () => { const s = await templateStreams(); for (const n of process.argv.slice(2).map(Number)) generateLog(`/tmp/rb/l-${n}.db`, s, n); })();
