/**
 * Activity errors that no retry can cure (missing records, bad template data). Listed by
 * name because workflow code may not import the activity modules; a unit test checks
 * this list against the error classes the activities export.
 */
export const NON_RETRYABLE_ERROR_TYPES = [
  'ApplicationNotFoundError',
  'UnknownTemplateError',
  'TemplateDataError',
  'NotificationInputError',
  'OfferLetterInputError',
  'SignedCopyMismatchError',
  'WebhookInputError',
];
