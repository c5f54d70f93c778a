/** The seed's success envelope: `{ success: true, message, data }`. */
export interface Envelope<T> {
  success: true;
  message: string;
  data: T;
}

export function ok<T>(message: string, data: T): Envelope<T> {
  return { success: true, message, data };
}
