// slackfuel's public API.
export * from './ir/index.js';
export * from './native/index.js';
export * from './runtime/errors.js';
