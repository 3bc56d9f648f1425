// Exits non-zero with one line per busy port, so `make start` can say what to do
// instead of failing deep inside the dev servers.
import { createServer } from 'node:net';

const ports = process.argv.slice(2).map(Number);
const busy = [];
for (const port of ports) {
  const free = await new Promise(resolve => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen({ port, host: '0.0.0.0', exclusive: true }, () =>
      server.close(() => resolve(true)),
    );
  });
  if (!free) busy.push(port);
}
for (const port of busy) {
  console.error(
    `ERROR: port ${port} is already in use, probably by another portal. Stop it (for example \`fuser -k ${port}/tcp\`) and run the command again.`,
  );
}
process.exit(busy.length ? 1 : 0);
