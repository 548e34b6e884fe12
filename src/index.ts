// slackfuel's public API.
export type { OpcodeInfo, FormatInfo, ResultType } from './ir/opcode-info.js';
