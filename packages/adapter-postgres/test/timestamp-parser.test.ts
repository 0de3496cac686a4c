import { Client, types } from 'pg';
import { parseTimestamptz, TYPE_PARSERS } from '../src/timestamp-parser';

const databaseUrl = process.env.DATABASE_URL;
const onPostgres = databaseUrl ? describe : describe.skip;

const pgParser = types.getTypeParser(1184, 'text');
const timeOf = (value: Date | number | null) => (value instanceof Date ? value.getTime() : value);

/** Postgres's text for instants, fractions and offsets of every length it writes. */
function samples(): string[] {
  const texts = [
    'infinity',
    '-infinity',
    '0001-01-01 00:00:00+00 BC',
    '0050-03-01 12:00:00+00',
    '12345-01-01 00:00:00+00',
  ];
  const fractions = ['', '.5', '.05', '.123', '.1234', '.999999', '.000001'];
  const offsets = ['+00', '-08', '+05:30', '-03:30', '+13:45', '+05:53:28', '-00:25:21'];
  for (let i = 0; i < 200; i++) {
    const at = new Date(Date.UTC(100, 0, 1) + Math.floor(Math.random() * Date.UTC(9899, 0, 1)));
    const text = at.toISOString().slice(0, 19).replace('T', ' ');
    texts.push(`${text}${fractions[i % fractions.length]}${offsets[i % offsets.length]}`);
  }
  return texts;
}

describe('parseTimestamptz', () => {
  it('reads every text as pg’s own parser does', () => {
    for (const text of samples())
      expect([text, timeOf(parseTimestamptz(text))]).toEqual([text, timeOf(pgParser(text))]);
  });

  it('truncates a fraction to milliseconds', () => {
    expect((parseTimestamptz('2026-11-25 14:33:19.162999+00') as Date).toISOString()).toBe(
      '2026-11-25T14:33:19.162Z',
    );
    expect((parseTimestamptz('2026-11-25 14:33:19.02+05:30') as Date).toISOString()).toBe(
      '2026-11-25T09:03:19.020Z',
    );
  });
});

onPostgres('timestamptz from Postgres', () => {
  let client: Client;

  beforeAll(async () => {
    client = new Client({ connectionString: databaseUrl, types: TYPE_PARSERS });
    await client.connect();
  });

  afterAll(() => client.end());

  it.each(['UTC', 'Asia/Kolkata', 'America/St_Johns', 'Pacific/Chatham', 'America/Los_Angeles'])(
    'is the instant Postgres holds, with the session in %s',
    async (zone) => {
      await client.query(`set time zone '${zone}'`);
      const { rows } = await client.query<{ at: Date; ms: number }>(
        `select at, floor(extract(epoch from at) * 1000)::float8 as ms from unnest($1::timestamptz[]) as at`,
        [
          [
            '2026-11-25 14:33:19.162345+00',
            '2026-06-01 00:00:00+00',
            '1999-12-31 23:59:59.999999+00',
            '1850-06-01 12:00:00.5+00',
            '0101-01-01 00:00:00+00',
            '2038-01-19 03:14:08.001+00',
          ],
        ],
      );
      for (const row of rows) expect(row.at.getTime()).toBe(row.ms);
    },
  );
});
