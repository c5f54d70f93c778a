import { VAULT_FIELDS, vaultField, vaultValueProblem } from './vault-fields';

describe('vault field catalog', () => {
  it('has the seed\'s paths among about thirty unique fields in five groups', () => {
    const paths = VAULT_FIELDS.map((f) => f.path);
    expect(new Set(paths).size).toBe(paths.length);
    expect(paths.length).toBeGreaterThanOrEqual(30);
    expect(paths).toEqual(expect.arrayContaining(['.basicInformation.firstName', '.contact.mobile', '.address.currentAddress.address']));
    expect(new Set(VAULT_FIELDS.map((f) => f.group))).toEqual(new Set(['Basic information', 'Contact', 'Address', 'Identity', 'Employment']));
  });

  it.each([
    ['.basicInformation.firstName', 'Chris', undefined],
    ['.basicInformation.firstName', 'x'.repeat(101), 'must be at most 100 characters'],
    ['.basicInformation.firstName', '   ', 'must not be empty'],
    ['.basicInformation.firstName', 42, 'must be a string'],
    ['.contact.email', 'chris@example.com', undefined],
    ['.contact.email', 'chris at example', 'must be an email address'],
    ['.contact.mobile', '6590909090', undefined],
    ['.contact.mobile', '+6590909090', undefined],
    ['.contact.mobile', 'call me', 'must be a phone number (digits, optionally with a leading +)'],
    ['.basicInformation.dateOfBirth', '1990-02-28', undefined],
    ['.basicInformation.dateOfBirth', '1990-02-30', 'must be a date as YYYY-MM-DD'],
    ['.basicInformation.dateOfBirth', '28/02/1990', 'must be a date as YYYY-MM-DD'],
    ['.basicInformation.nationality', 'SG', undefined],
    ['.basicInformation.nationality', 'XX', 'must be an ISO 3166-1 alpha-2 country code'],
    ['.basicInformation.nationality', 'sg', 'must be an ISO 3166-1 alpha-2 country code'],
    ['.address.currentAddress.postalCode', '018956', undefined],
    ['.address.currentAddress.postalCode', '!!', 'must be a postal code'],
    ['.basicInformation.gender', 'female', undefined],
    ['.basicInformation.gender', 'robot', 'must be one of female, male, other, undisclosed'],
  ])('%s = %p: %p', (path, value, problem) => {
    expect(vaultValueProblem(vaultField(path)!, value)).toBe(problem);
  });

  it('never repeats the value in a reason', () => {
    const secret = 'S1234567Z-secret';
    for (const field of VAULT_FIELDS) expect(vaultValueProblem(field, `${secret}${'x'.repeat(600)}`) ?? '').not.toContain(secret);
  });
});
