// Go's json.Indent: re-indents JSON text without decoding it, so strings keep their escapes (`\u003c`) and numbers
// their spelling. Leading blanks go, trailing ones stay (a recorded configuration's final newline is kept), empty
// objects and arrays stay `{}` and `[]`. kubectl's `apply view-last-applied -o json` prints the annotation so.

export function goIndentJson(src: string, indent: string): string {
  let out = '';
  let depth = 0;
  let needIndent = false;
  const newline = (): string => `\n${indent.repeat(depth)}`;
  const body = src.replace(/^[ \t\r\n]+/, '');
  const trailing = /[ \t\r\n]*$/.exec(body)?.[0] ?? '';
  const text = body.slice(0, body.length - trailing.length);
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === ' ' || c === '\t' || c === '\r' || c === '\n') continue;
    if (needIndent && c !== ']' && c !== '}') {
      needIndent = false;
      depth++;
      out += newline();
    }
    if (c === '"') {
      let j = i + 1;
      while (j < text.length && text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
      out += text.slice(i, j + 1);
      i = j;
      continue;
    }
    switch (c) {
      case '{':
      case '[':
        out += c;
        needIndent = true;
        break;
      case ',':
        out += c + newline();
        break;
      case ':':
        out += ': ';
        break;
      case '}':
      case ']':
        if (needIndent) {
          needIndent = false;
        } else {
          depth--;
          out += newline();
        }
        out += c;
        break;
      default:
        out += c;
    }
  }
  return out + trailing;
}
