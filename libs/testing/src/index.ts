export * from './builders';
export * from './eventually';
export * from './test-database';
export * from './temp-dirs';
export * from './query-auditor';
export * from './contract-checker';
export * from './socket-contract';
export * from './seaweedfs';
