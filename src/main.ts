import { ConfigError, readConfig } from './config.ts';
import { startServer } from './server.ts';

/** `npm start`: read the configuration once, then serve. */
try {
  const config = readConfig();
  await startServer(config);
} catch (error) {
  if (error instanceof ConfigError) {
    console.error(`productOS: ${error.message}`);
    process.exit(2);
  }
  throw error;
}
