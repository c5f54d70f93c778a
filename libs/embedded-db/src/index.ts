export * from './ferretdb-install';
export * from './ferretdb-server';
export * from './embedded-database.service';
export * from './embedded-database.module';
