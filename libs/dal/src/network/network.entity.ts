import type { InvitationStatus } from './invitation.schema';

export type { InvitationStatus };

export interface Invitation {
  id: string;
  inviterId: string;
  inbox: string;
  toPhone: string | null;
  toAccountId: string | null;
  status: InvitationStatus;
  answeredBy: string | null;
  sentAt: Date;
  answeredAt: Date | null;
}

export interface Block {
  blockerId: string;
  blockedId: string;
  wasLinked: boolean;
  blockedAt: Date;
}
