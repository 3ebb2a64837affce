import type { WebServer } from './web.ts';

interface Created {
  id: string;
}

/** Three needs, each with the words its feedback tends to use: the engine's suggestions follow them. */
export const TOPICS = [
  {
    title: 'Flashing fails near the end',
    examples: [
      'Flashing fails at 99% on macOS with a validation error',
      'The flash fails right at the end, validation error every time',
      'Validation fails after flashing the SD card',
      'Flashing the USB drive fails at 99 percent',
    ],
    inbox: [
      'Flashing fails at 99% again, validation error on my SD card',
      'Every flash fails during validation at the very end',
      'SD card flashing stops at 99% with a validation failure',
      'Flash fails at 99 percent on Windows, validation error',
      'Validation error after flashing, the flash fails at the end',
      'The flashing fails at 99% when validating the drive',
      'Flash validation fails at 99% on a new USB stick',
    ],
  },
  {
    title: 'Dark mode for the settings screens',
    examples: [
      'Please add a dark mode, the settings screen is blinding at night',
      'Dark theme for settings would be great',
      'I want dark mode in the settings page',
      'The white settings screen hurts my eyes, add dark mode',
    ],
    inbox: [
      'A dark mode for the settings page please',
      'Settings are too bright at night, dark theme wanted',
      'Could the settings screen get a dark mode?',
      'Dark mode please, the settings page is blinding',
      'Night-time use needs a dark theme in settings',
      'Add dark mode to settings, my eyes hurt',
      'Dark settings theme, please',
    ],
  },
  {
    title: 'Export the device list to CSV',
    examples: [
      'Export the device list to CSV for our spreadsheet',
      'We need a CSV export of all devices',
      'Download devices as a CSV file',
      'CSV export for the fleet device list',
    ],
    inbox: [
      'Can I export my devices to a CSV file?',
      'CSV export of the device list is missing',
      'Need to download the fleet devices as CSV',
      'Export devices to CSV for reporting',
      'Please add a CSV export of devices',
      'Device list CSV download would help our audits',
    ],
  },
] as const;

const PEOPLE = ['Ana Silva', 'Ben Ortiz', 'Chen Wei', 'Dara Okafor', 'Eli Novak'];

export interface Seeded {
  productId: string;
  patterns: Array<{ id: string; title: string }>;
  /** The inbox items, oldest first. */
  inbox: Array<{ id: string; text: string; topic: number }>;
}

/**
 * A product, three patterns with linked examples, and 20 new inbox items (newest last), created
 * through the API as an integration would: each with a contact at an account with ARR.
 */
export async function seedInbox(
  server: WebServer,
  tag: string,
  options: { productName?: string; tagTitles?: boolean } = {},
): Promise<Seeded> {
  const product = await server.api<Created>('POST', '/api/v1/products', {
    name: options.productName ?? `Etcher ${tag}`,
    slug: `etcher-${tag}`,
    problem: 'Flash OS images to SD cards and USB drives safely',
    surfaces: [
      { name: 'desktop app', kind: 'ui' },
      { name: 'cli', kind: 'cli' },
    ],
  });
  const patterns: Seeded['patterns'] = [];
  for (const [index, topic] of TOPICS.entries()) {
    const examples = await server.api<{ items: Created[] }>('POST', '/api/v1/feedback', {
      items: topic.examples.map((text, n) => ({
        text,
        productId: product.id,
        receivedAt: new Date(Date.UTC(2026, 9, 1 + n, 9)).toISOString(),
        source: { channel: 'email', externalId: `${tag}-example-${index}-${n}` },
      })),
    });
    const pattern = await server.api<Created & { title: string }>('POST', '/api/v1/patterns', {
      // Tagged, so pickers and palettes in tests that share a server tell the seeds apart.
      title: options.tagTitles === false ? topic.title : `${topic.title} (${tag})`,
      productId: product.id,
      feedbackIds: examples.items.map((i) => i.id),
    });
    patterns.push({ id: pattern.id, title: pattern.title });
  }
  const rows = TOPICS.flatMap((topic, t) => topic.inbox.map((text) => ({ text, topic: t })));
  const accounts = [
    { account: 'Acme Robotics', arr: 12_000_000, currency: 'EUR', segment: 'enterprise' },
    { account: 'Birch & Co', arr: 2_400_000, currency: 'USD', segment: 'mid-market' },
    { account: 'Cobalt Labs', arr: 480_000, currency: 'GBP', segment: 'startup' },
  ];
  const created = await server.api<{ items: Created[] }>('POST', '/api/v1/feedback', {
    items: rows.map((row, n) => ({
      text: row.text,
      productId: product.id,
      receivedAt: new Date(Date.UTC(2026, 10, 1, 8, n)).toISOString(),
      source: {
        channel: n % 2 ? 'github' : 'email',
        externalId: `${tag}-inbox-${n}`,
        url: `https://github.com/balena-io/etcher/issues/${4000 + n}`,
      },
      contact: {
        email: `${PEOPLE[n % 5].toLowerCase().replace(' ', '.')}@${tag}.example`,
        name: PEOPLE[n % 5],
        ...accounts[n % 3],
      },
    })),
  });
  return {
    productId: product.id,
    patterns,
    inbox: created.items.map((item, n) => ({ id: item.id, text: rows[n].text, topic: rows[n].topic })),
  };
}
