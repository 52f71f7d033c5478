// Bundled into the workflow code and loaded by the worker and client (DataConverter
// failureConverterPath): failure messages and stack traces travel as an encoded payload,
// so the payload codec encrypts them too. CommonJS so Node can require() it unbuilt.
const { DefaultFailureConverter } = require('@temporalio/common');

exports.failureConverter = new DefaultFailureConverter({ encodeCommonAttributes: true });
