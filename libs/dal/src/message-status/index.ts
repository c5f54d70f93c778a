/** The status writes of messages: only libs/status imports this (dependency-cruiser). */
export { MessagesDalModule } from '../messages';
export { MessageStatusRepository } from '../messages/message-status.repository';
