import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { AppError } from '@app/common';
import { isDuplicateKeyError, User, UserRepository } from '@app/dal';

export interface NewUserInput {
  name: string;
  phone: string;
  avatar?: string | null;
}

@Injectable()
export class UsersService {
  constructor(private readonly users: UserRepository) {}

  async create(input: NewUserInput): Promise<User> {
    try {
      return await this.users.create({ ...input, accountId: randomUUID() });
    } catch (err) {
      if (isDuplicateKeyError(err)) throw new AppError('PHONE_TAKEN');
      throw err;
    }
  }

  /** One page in creation order, with the cursor of the next page (null on the last). */
  async list(page: { limit: number; after?: string }): Promise<{ users: User[]; nextAfter: string | null }> {
    const users = await this.users.list({ limit: page.limit + 1, after: page.after });
    const more = users.length > page.limit;
    const pageUsers = more ? users.slice(0, page.limit) : users;
    return { users: pageUsers, nextAfter: more ? pageUsers[pageUsers.length - 1].id : null };
  }

  async get(id: string): Promise<User> {
    const user = await this.users.findById(id);
    if (!user) throw new AppError('USER_NOT_FOUND');
    return user;
  }
}
