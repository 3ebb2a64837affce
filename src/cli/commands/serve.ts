import { startServer } from '../../server.ts';
import { parseCommandArgs } from '../args.ts';
import type { CliCommand } from '../command.ts';

export const serveCommand: CliCommand = {
  name: 'serve',
  summary: 'Start the server (the same as npm start)',
  usage:
    'productos serve [--port N] [--host H]\n\nConfiguration comes from the environment (PORT, HOST, DATABASE_URL, …; see README).',
  async run(args, ctx) {
    const { values } = parseCommandArgs(args, { port: { type: 'string' }, host: { type: 'string' } });
    const config = { ...ctx.config };
    if (values.port) config.port = Number(values.port);
    if (values.host) config.host = values.host;
    if (values.port || values.host) config.publicUrl = `http://${config.host}:${config.port}`;
    await startServer(config);
    return new Promise<number>(() => {}); // serves until a signal stops the process
  },
};
