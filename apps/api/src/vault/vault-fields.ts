import { E164 } from '@app/common';

export type VaultFieldType = 'text' | 'email' | 'phone' | 'date' | 'country' | 'postalCode' | 'choice';

export interface VaultField {
  path: string;
  label: string;
  type: VaultFieldType;
  group: string;
  /** text: the longest accepted value (default 200). */
  maxLength?: number;
  /** choice: the accepted values. */
  options?: string[];
}

const text = (path: string, label: string, group: string, maxLength = 200): VaultField => ({ path, label, type: 'text', group, maxLength });
const of = (type: VaultFieldType) => (path: string, label: string, group: string): VaultField => ({ path, label, type, group });
const [email, phone, date, country, postalCode] = [of('email'), of('phone'), of('date'), of('country'), of('postalCode')];
const choice = (path: string, label: string, group: string, options: string[]): VaultField => ({ path, label, type: 'choice', group, options });

/** The information vault's fields (GET /Vault/Fields): what a DRFI can ask for. */
export const VAULT_FIELDS: readonly VaultField[] = [
  text('.basicInformation.firstName', 'First name', 'Basic information', 100),
  text('.basicInformation.middleName', 'Middle name', 'Basic information', 100),
  text('.basicInformation.lastName', 'Last name', 'Basic information', 100),
  text('.basicInformation.preferredName', 'Preferred name', 'Basic information', 100),
  date('.basicInformation.dateOfBirth', 'Date of birth', 'Basic information'),
  choice('.basicInformation.gender', 'Gender', 'Basic information', ['female', 'male', 'other', 'undisclosed']),
  country('.basicInformation.nationality', 'Nationality', 'Basic information'),
  choice('.basicInformation.maritalStatus', 'Marital status', 'Basic information', ['single', 'married', 'divorced', 'widowed', 'separated', 'undisclosed']),
  phone('.contact.mobile', 'Mobile phone', 'Contact'),
  phone('.contact.homePhone', 'Home phone', 'Contact'),
  phone('.contact.workPhone', 'Work phone', 'Contact'),
  email('.contact.email', 'Email', 'Contact'),
  email('.contact.workEmail', 'Work email', 'Contact'),
  text('.address.currentAddress.address', 'Current address', 'Address', 500),
  text('.address.currentAddress.city', 'Current city', 'Address', 100),
  text('.address.currentAddress.state', 'Current state or province', 'Address', 100),
  postalCode('.address.currentAddress.postalCode', 'Current postal code', 'Address'),
  country('.address.currentAddress.country', 'Current country', 'Address'),
  text('.address.permanentAddress.address', 'Permanent address', 'Address', 500),
  text('.address.permanentAddress.city', 'Permanent city', 'Address', 100),
  postalCode('.address.permanentAddress.postalCode', 'Permanent postal code', 'Address'),
  country('.address.permanentAddress.country', 'Permanent country', 'Address'),
  text('.identity.passportNumber', 'Passport number', 'Identity', 20),
  date('.identity.passportExpiry', 'Passport expiry date', 'Identity'),
  country('.identity.passportCountry', 'Passport issuing country', 'Identity'),
  text('.identity.nationalIdNumber', 'National ID number', 'Identity', 30),
  text('.identity.driverLicenseNumber', 'Driver licence number', 'Identity', 30),
  text('.employment.employer', 'Employer', 'Employment', 200),
  text('.employment.jobTitle', 'Job title', 'Employment', 100),
  text('.employment.department', 'Department', 'Employment', 100),
  text('.employment.workAddress', 'Work address', 'Employment', 500),
  date('.employment.startDate', 'Employment start date', 'Employment'),
];

const BY_PATH = new Map(VAULT_FIELDS.map((f) => [f.path, f]));

export function vaultField(path: string): VaultField | undefined {
  return BY_PATH.get(path);
}

const EMAIL = /^[^\s@]{1,64}@[^\s@]{1,255}\.[^\s@]{2,63}$/;
const PHONE = /^\+?[0-9]{6,15}$/;
const POSTAL_CODE = /^[A-Za-z0-9][A-Za-z0-9 -]{1,10}$/;
const regions = new Intl.DisplayNames(['en'], { type: 'region', fallback: 'none' });

function validDate(value: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  const date = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().startsWith(value);
}

/**
 * Why a value is not acceptable for a field, or undefined when it is. The reason never repeats
 * the value (it is personal data and may end up in a log).
 */
export function vaultValueProblem(field: VaultField, value: unknown): string | undefined {
  if (typeof value !== 'string') return 'must be a string';
  if (value.trim() === '') return 'must not be empty';
  switch (field.type) {
    case 'text':
      return value.length > (field.maxLength ?? 200) ? `must be at most ${field.maxLength ?? 200} characters` : undefined;
    case 'email':
      return EMAIL.test(value) ? undefined : 'must be an email address';
    case 'phone':
      return PHONE.test(value) || E164.test(value) ? undefined : 'must be a phone number (digits, optionally with a leading +)';
    case 'date':
      return validDate(value) ? undefined : 'must be a date as YYYY-MM-DD';
    case 'country':
      return /^[A-Z]{2}$/.test(value) && regions.of(value) !== undefined ? undefined : 'must be an ISO 3166-1 alpha-2 country code';
    case 'postalCode':
      return POSTAL_CODE.test(value) ? undefined : 'must be a postal code';
    case 'choice':
      return field.options?.includes(value) ? undefined : `must be one of ${field.options?.join(', ')}`;
  }
}
