import { applyDecorators } from '@nestjs/common';
import { Matches } from 'class-validator';

/** E.164: a plus, a country code that does not start with 0, at most 15 digits in all. */
export const E164 = /^\+[1-9]\d{6,14}$/;

export const IsE164Phone = () =>
  applyDecorators(Matches(E164, { message: '$property must be an E.164 number, e.g. +6591234567' }));
