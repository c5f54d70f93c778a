export interface User {
  id: string;
  accountId: string;
  name: string;
  phone: string;
  avatar: string | null;
  createdAt: Date;
}

export interface NewUser {
  accountId: string;
  name: string;
  phone: string;
  avatar?: string | null;
}
