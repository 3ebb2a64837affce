import {
  WORK_ITEM_COLLECTIONS,
  type WorkItemLink,
  type WorkItemLinkInput,
  workItemUrl,
} from '../../domain/builder.ts';
import { AppError } from '../../domain/errors.ts';
import type { Db } from '../context.ts';

/** Checks that every linked work item exists; the field names the first missing one (`links.2`). */
export async function assertWorkItemsExist(db: Db, links: WorkItemLinkInput[], field: string): Promise<void> {
  for (const [i, link] of links.entries()) {
    const table = WORK_ITEM_COLLECTIONS[link.type];
    const row = await db.selectFrom(table).select('id').where('id', '=', link.id).executeTakeFirst();
    if (!row) {
      const at = links.length === 1 && !field.startsWith('links') ? field : `${field}.${i}`;
      throw new AppError('invalid', `${at}: no ${link.type} with id ${link.id}`, {
        [at]: `no ${link.type} with id ${link.id}`,
      });
    }
  }
}

/** A stored link ({type, id}) as the API shows it, with its URL. */
export function presentLink(link: WorkItemLinkInput): WorkItemLink {
  return { type: link.type, id: link.id, url: workItemUrl(link.type, link.id) };
}
