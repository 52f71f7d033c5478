import { describe, expect, it } from 'vitest';
import { courseStatus, dueDate, formatEmployeeNumber, sniffDocumentType } from '../../domain/onboarding';

describe('onboarding rules', () => {
  it('computes due dates around the start date, across month and year ends', () => {
    expect(dueDate('2027-01-04', -7)).toBe('2026-12-28');
    expect(dueDate('2027-03-01', 2)).toBe('2027-03-03');
    expect(dueDate('2027-03-01', -1)).toBe('2027-02-28');
  });

  it('formats employee numbers', () => {
    expect(formatEmployeeNumber('E{year}-{seq:5}', 42, 2026)).toBe('E2026-00042');
    expect(formatEmployeeNumber('EMP{seq}', 7, 2026)).toBe('EMP7');
    expect(formatEmployeeNumber('E{year}-{seq:3}', 12345, 2027)).toBe('E2027-12345');
  });

  it('passes a course at the pass score and fails it when the attempts run out', () => {
    const at = '2027-01-01T00:00:00Z';
    expect(courseStatus([], 3)).toBe('assigned');
    expect(courseStatus([{ score: 50, passed: false, at }], 3)).toBe('retake');
    expect(courseStatus([{ score: 50, passed: false, at }, { score: 80, passed: true, at }], 3)).toBe('passed');
    expect(courseStatus([1, 2, 3].map(() => ({ score: 10, passed: false, at })), 3)).toBe('failed');
  });

  it('recognises PDF, JPEG and PNG by content, not by name', () => {
    expect(sniffDocumentType(new TextEncoder().encode('%PDF-1.7\n'))).toBe('application/pdf');
    expect(sniffDocumentType(Uint8Array.from([0xff, 0xd8, 0xff, 0xe0, 0, 0]))).toBe('image/jpeg');
    expect(sniffDocumentType(Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))).toBe('image/png');
    expect(sniffDocumentType(new TextEncoder().encode('MZ executable pretending.pdf'))).toBeNull();
    expect(sniffDocumentType(new Uint8Array())).toBeNull();
  });
});
