/** Moved to scripts/harness/ (scripts use it too and may not import test/); kept here for the tests' imports. */
export * from '../../scripts/harness/smtp';
