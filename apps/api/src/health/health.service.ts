import { Injectable } from '@nestjs/common';
import { DatabaseHealth } from '@app/dal';

@Injectable()
export class HealthService {
  constructor(private readonly database: DatabaseHealth) {}

  isDatabaseUp(): Promise<boolean> {
    return this.database.isUp();
  }
}
