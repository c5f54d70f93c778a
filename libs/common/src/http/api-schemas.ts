import { E164 } from './validators';

/** How the API document states an ObjectId (24 hex digits; we send them lower-case). */
export const OBJECT_ID_PATTERN = '^[0-9a-fA-F]{24}$';

/** An E.164 cell number, as every phone field takes and gives it. */
export const E164_PATTERN = E164.source;
