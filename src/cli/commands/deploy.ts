import { SYSTEM_ACTOR } from '../../domain/authorization.ts';
import { createDeploy } from '../../usecases/deploys.ts';
import { findProductRow } from '../../usecases/products.ts';
import { parseCommandArgs, required } from '../args.ts';
import type { CliCommand } from '../command.ts';

/** `productos deploy`: records what shipped, exactly as POST /api/v1/deploys does (notifications included). */
export const deployCommand: CliCommand = {
  name: 'deploy',
  summary: 'Record a deploy: a product version and the improvements it carried',
  usage: [
    'productos deploy --product SLUG --version V [--improvement ID…] [--at ISO-TIME] [--notes TEXT]',
    '',
    '  --improvement may repeat, take a comma-separated list, or be followed by more ids.',
    '  The improvements become deployed; the people who asked are queued a "you asked, it shipped" email.',
  ].join('\n'),
  async run(args, ctx) {
    const { values, positionals } = parseCommandArgs(args, {
      product: { type: 'string' },
      version: { type: 'string' },
      improvement: { type: 'string', multiple: true },
      at: { type: 'string' },
      notes: { type: 'string' },
    });
    const improvementIds = [...(values.improvement ?? []), ...positionals]
      .flatMap((v) => v.split(','))
      .map((v) => v.trim())
      .filter(Boolean);
    const deps = await ctx.deps();
    const product = await findProductRow(deps.store.db, required(values.product, '--product'));
    const deploy = await createDeploy(deps, SYSTEM_ACTOR, {
      productId: product.id,
      version: required(values.version, '--version'),
      improvementIds,
      ...(values.at ? { deployedAt: values.at } : {}),
      ...(values.notes ? { notes: values.notes } : {}),
    });
    ctx.io.stdout(`${JSON.stringify(deploy, null, 2)}\n`);
    return 0;
  },
};
