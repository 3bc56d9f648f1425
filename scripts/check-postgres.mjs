// Prints the major version of the PostgreSQL server at the given URL, or one
// line saying why it cannot be reached (exit 1).
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { Client } = require('pg');

const url = process.argv[2];
const client = new Client({
  connectionString: url,
  connectionTimeoutMillis: 5000,
});
try {
  await client.connect();
  const { rows } = await client.query('show server_version_num');
  console.log(Math.floor(Number(rows[0].server_version_num) / 10000));
  await client.end();
} catch (error) {
  console.error(
    `PostgreSQL at ${url.replace(/:[^:@/]*@/, ':***@')} is unreachable: ${
      error.message
    }`,
  );
  process.exit(1);
}
