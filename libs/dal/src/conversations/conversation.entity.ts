export interface Conversation {
  id: string;
  /** The two members, sorted. */
  userIds: [string, string];
  createdAt: Date;
}
