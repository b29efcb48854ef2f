/**
 * Turn raw text into training text: Windows and old Mac line ends become `\n`, then the first `limitChars`
 * characters (code points) are kept when a limit is given. No Node imports: the web page uses it too.
 *
 * @example
 * ```ts
 * prepareText('a\r\nbc', 2); // 'a\n'
 * ```
 */
export function prepareText(raw: string, limitChars?: number): string {
  let text = raw.replace(/\r\n?/g, '\n');
  if (limitChars !== undefined) {
    const cps = Array.from(text);
    if (cps.length > limitChars) text = cps.slice(0, limitChars).join('');
  }
  return text;
}
