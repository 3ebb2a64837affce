/** Tables of brainstorm → decide → ship → close the loop: outbox, webhooks, impact. */
// biome-ignore lint/suspicious/noEmptyInterface: filled in by the close-the-loop work
export interface LoopTables {}
