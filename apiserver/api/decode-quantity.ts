// Whether a string parses as a resource.Quantity, with the error kube-apiserver's decoder gives when it does not
// (`cpu: "1 core"` is a 400 at decode time, before any validation). Only the syntax: the value, its limits and
// its canonical form are the quantity module's business.

const formatWrong = "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";
const numericWrong = 'unable to parse numeric part of quantity';
const suffixWrong = "unable to parse quantity's suffix";

const suffixes = new Set(['', 'n', 'u', 'm', 'k', 'M', 'G', 'T', 'P', 'E', 'Ki', 'Mi', 'Gi', 'Ti', 'Pi', 'Ei']);

/** Go's ParseQuantity error for `text`, or undefined when it is a well-formed quantity. */
export function quantitySyntaxError(text: string): string | undefined {
  if (text === '') return formatWrong;
  // <sign><digits>[.<digits>] then suffix letters, then an optional signed exponent: Go's parseQuantityString.
  const match = /^([+-]?[0-9]*(?:\.[0-9]*)?)([eEinumkKMGTP]*)([+-]?[0-9]*)(.*)$/s.exec(text);
  if (!match || match[4] !== '') return formatWrong;
  const [, number, letters, exponentDigits] = match;
  const suffix = letters + exponentDigits;
  if (!suffixes.has(suffix) && !/^[eE][+-]?[0-9]+$/.test(suffix)) return suffixWrong;
  // Go keeps "+", "-" and "." as a number (read as zero or rejected later); only "." forms fail to parse.
  if (/^[+-]?\.$/.test(number)) return numericWrong;
  return undefined;
}
